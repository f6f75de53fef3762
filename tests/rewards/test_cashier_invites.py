"""Cashiers accept: being added as a cashier is an invitation the person answers; until
they accept they are not a member of the shop and cannot redeem."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.accounts import sessions
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.notifications.tables import Notification
from marketplace.rewards import merchants, service
from marketplace.rewards.tables import MerchantMember
from tests.conftest import World, login, post, text_of
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def _fresh(user_id: int):  # type: ignore[no-untyped-def]
    return await merchants.with_merchant_roles(await sessions.load_principal(user_id))


async def test_an_invited_person_is_no_cashier_until_they_accept(world: World) -> None:
    s = await shop(world)
    person = await world.person()
    buyer = await resident(world, 50)
    invite_id = await merchants.add_cashier(s.owner, s.merchant_id, person.login)
    note = await Notification.select().where(
        (Notification.user == person.user_id) & (Notification.kind == "cashier_invited")
    ).first()
    assert note is not None and note["link"] == f"/merchant/invites/{invite_id}"
    assert s.merchant_id not in (await _fresh(person.user_id)).merchant_ids
    code = await service.issue(buyer, s.offer_id)
    with pytest.raises(Forbidden):
        await service.redeem(await _fresh(person.user_id), s.merchant_id, code["code"])
    with pytest.raises(Conflict):  # one open invitation per person and shop
        await merchants.add_cashier(s.owner, s.merchant_id, person.login)
    # Only the invited person may answer.
    with pytest.raises(NotFound):
        await merchants.answer_invite(s.owner, invite_id, True)

    await merchants.answer_invite(person, invite_id, True)
    cashier = await _fresh(person.user_id)
    assert s.merchant_id in cashier.merchant_ids
    await service.redeem(cashier, s.merchant_id, code["code"])
    with pytest.raises(Conflict):
        await merchants.answer_invite(person, invite_id, False)


async def test_declined_or_withdrawn_invitations_make_no_member(world: World) -> None:
    s = await shop(world)
    person = await world.person()
    invite_id = await merchants.add_cashier(s.owner, s.merchant_id, person.login)
    await merchants.answer_invite(person, invite_id, False)
    assert not await MerchantMember.exists().where(MerchantMember.user == person.user_id)
    # The owner may ask again; then withdraw, and the answer comes too late.
    again = await merchants.add_cashier(s.owner, s.merchant_id, person.login)
    await merchants.withdraw_invite(s.owner, s.merchant_id, again)
    with pytest.raises(Conflict):
        await merchants.answer_invite(person, again, True)
    assert not await MerchantMember.exists().where(MerchantMember.user == person.user_id)


async def test_accepting_twice_at_once_makes_one_membership(world: World) -> None:
    s = await shop(world)
    person = await world.person()
    invite_id = await merchants.add_cashier(s.owner, s.merchant_id, person.login)
    results = await asyncio.gather(
        *(merchants.answer_invite(person, invite_id, True) for _ in range(3)),
        return_exceptions=True)
    assert sum(1 for r in results if isinstance(r, dict)) == 1
    assert await MerchantMember.count().where(MerchantMember.user == person.user_id) == 1


async def test_invitation_page_accept_and_decline(client, world: World) -> None:
    s = await shop(world, name="Tea house")
    person = await world.person()
    await login(client, s.owner)
    r = await post(client, f"/merchant/{s.merchant_id}/members", {"login": person.login},
                   headers=EN)
    assert r.status_code == 303
    board = await client.get(f"/merchant/{s.merchant_id}", headers=EN)
    assert "invited, not yet accepted" in text_of(board.text)

    client.cookies.clear()
    await login(client, person)
    home = await client.get("/merchant", headers=EN)
    assert "invites you to be a cashier of “Tea house”" in text_of(home.text)
    before = await client.get(f"/merchant/{s.merchant_id}/redeem", headers=EN)
    assert before.status_code == 403
    invite_id = (await merchants.invites_for(person))[0]["id"]
    shown = await client.get(f"/merchant/invites/{invite_id}", headers=EN)
    assert shown.status_code == 200 and "Accept" in shown.text
    r = await post(client, f"/merchant/invites/{invite_id}/accept", headers=EN)
    assert r.status_code == 303 and r.headers["location"] == f"/merchant/{s.merchant_id}"
    after = await client.get(f"/merchant/{s.merchant_id}/redeem", headers=EN)
    assert after.status_code == 200

    # Someone else's invitation is not there for them.
    client.cookies.clear()
    await login(client, s.owner)
    assert (await client.get(f"/merchant/invites/{invite_id}", headers=EN)).status_code == 404
