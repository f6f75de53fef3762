"""Renewing a code (issue 15, elder mode): a new code for the same offer, the old one dead,
the points held once; in elder mode the code page has no ticking countdown."""

from __future__ import annotations

from marketplace.ledger import service as ledger
from marketplace.rewards import service
from marketplace.rewards.tables import RedeemCode
from tests.conftest import World, login, post
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def test_renewing_replaces_the_code_and_holds_the_points_once(
        client, world: World) -> None:
    s = await shop(world, price=10, stock=1, limit=1)
    person = await resident(world, points=30)
    old = await service.issue(person, s.offer_id)
    await login(client, person)
    r = await post(client, f"/rewards/codes/{old['id']}/renew")
    assert r.status_code == 303
    new_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert new_id != old["id"]
    statuses = {row["id"]: row["status"] for row in await RedeemCode.select(
        RedeemCode.id, RedeemCode.status).where(RedeemCode.resident == person.user_id)}
    assert statuses == {old["id"]: "cancelled", new_id: "active"}
    assert (await ledger.balance(person.user_id)).held == 10  # not 20
    # The last item in stock and the one-per-person limit passed from old to new.
    page = await client.get(f"/rewards/codes/{new_id}", headers=EN)
    assert "Get a new code" in page.text and "countdown" in page.text


async def test_a_used_code_cannot_be_renewed(client, world: World) -> None:
    s = await shop(world)
    person = await resident(world)
    code = await service.issue(person, s.offer_id)
    await service.redeem(s.owner, s.merchant_id, code["code"])
    await login(client, person)
    r = await post(client, f"/rewards/codes/{code['id']}/renew", headers=EN)
    assert r.status_code == 303 and r.headers["location"] == f"/rewards/codes/{code['id']}"
    assert await RedeemCode.count().where(RedeemCode.resident == person.user_id) == 1


async def test_elder_mode_shows_the_expiry_time_without_a_countdown(
        client, world: World) -> None:
    s = await shop(world)
    person = await resident(world)
    code = await service.issue(person, s.offer_id)
    await login(client, person)
    await post(client, "/elder-mode", {"elder": "on", "next": "/"})
    page = await client.get(f"/rewards/codes/{code['id']}", headers=EN)
    assert "Valid until" in page.text and "Get a new code" in page.text
    assert "countdown" not in page.text
