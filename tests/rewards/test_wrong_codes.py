"""Wrong codes at the till: only typed ones count, and the cashier is told the tries left."""

from __future__ import annotations

from marketplace.rewards import service
from marketplace.rewards.tables import RedeemAttempt
from tests.conftest import World, login, post
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def test_bogus_links_do_not_lock_the_cashier(client, world: World) -> None:
    s = await shop(world)
    code = await service.issue(await resident(world), s.offer_id)
    await login(client, s.owner)
    for i in range(service.MAX_FAILURES + 3):  # scanned or sent links with bogus codes
        r = await client.get(f"/merchant/{s.merchant_id}/redeem?code=BOGUS{i:03d}", headers=EN)
        assert r.status_code == 200 and "not a valid code" in r.text
        assert "tries left" not in r.text and "Too many" not in r.text
    assert not await RedeemAttempt.exists().where(
        RedeemAttempt.key == f"{s.merchant_id}:{s.owner.user_id}")
    r = await post(client, f"/merchant/{s.merchant_id}/redeem", {"code": code["code"]},
                   headers=EN)
    assert "Confirm and hand over" in r.text
    # A valid code in a link still shows the code to confirm.
    r = await client.get(f"/merchant/{s.merchant_id}/redeem?code={code['code']}", headers=EN)
    assert "Confirm and hand over" in r.text


async def test_a_flood_of_links_stops_looking_codes_up_but_typing_still_works(
        client, world: World) -> None:
    s = await shop(world)
    code = await service.issue(await resident(world), s.offer_id)
    await login(client, s.owner)
    for i in range(service.LINK_FAILURES):
        await client.get(f"/merchant/{s.merchant_id}/redeem?code=FLOOD{i:03d}")
    r = await client.get(f"/merchant/{s.merchant_id}/redeem?code={code['code']}", headers=EN)
    assert "Please type the code shown by the resident." in r.text
    assert "Confirm and hand over" not in r.text  # links can no longer probe codes
    r = await post(client, f"/merchant/{s.merchant_id}/redeem", {"code": code["code"]},
                   headers=EN)
    assert "Confirm and hand over" in r.text


async def test_typed_wrong_codes_tell_the_tries_left(client, world: World) -> None:
    s = await shop(world)
    code = await service.issue(await resident(world), s.offer_id)
    await login(client, s.owner)
    said = []
    for i in range(service.MAX_FAILURES):
        r = await post(client, f"/merchant/{s.merchant_id}/redeem",
                       {"code": f"TYPO{i:04d}"}, headers=EN)
        said.append(r.text)
    assert "That is not a valid code for this shop" in said[0]
    assert "4 tries left." in said[0] and "2 tries left." in said[2]
    assert "1 try left." in said[3]
    assert "Too many wrong codes. Please wait 15 minutes" in said[4]
    r = await post(client, f"/merchant/{s.merchant_id}/redeem", {"code": code["code"]},
                   headers=EN)
    assert "Too many wrong codes. Please wait" in r.text
    assert "Confirm and hand over" not in r.text
