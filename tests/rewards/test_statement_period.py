"""The shop's statement page without days shows this month and the two before (issue 13:
a county shop's whole history on every view); days in the URL still choose any period."""

from __future__ import annotations

from datetime import timedelta

from marketplace import clock
from marketplace.rewards import service
from marketplace.rewards.tables import RedeemCode
from tests.conftest import World, login
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def test_the_statement_opens_on_the_last_three_months(client, world: World) -> None:
    s = await shop(world)
    r = await resident(world, 100)
    old, new = [await service.issue(r, s.offer_id) for _ in range(2)]
    for code in (old, new):
        await service.redeem(s.owner, s.merchant_id, code["code"])
    long_ago = clock.now() - timedelta(days=130)
    await RedeemCode.update({RedeemCode.redeemed_at: long_ago}).where(
        RedeemCode.id == old["id"])
    today = clock.today()
    first = today.replace(day=1)
    for _ in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
    await login(client, s.owner)

    page = (await client.get(f"/merchant/{s.merchant_id}/statement", headers=EN)).text
    assert "Total: 10 points in 1 redemptions" in page
    assert f'value="{first.isoformat()}"' in page and f'value="{today.isoformat()}"' in page
    day = clock.local_date(long_ago).isoformat()
    asked = await client.get(f"/merchant/{s.merchant_id}/statement?start={day}", headers=EN)
    assert "Total: 20 points in 2 redemptions" in asked.text
