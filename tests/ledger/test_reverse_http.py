"""Staff reverse a statement line: confirm step, required reason, at most once."""

from __future__ import annotations

from marketplace.community.tables import Community
from marketplace.ledger import service
from marketplace.ledger.tables import Transfer
from tests.conftest import World, login, post, text_of, unique

EN = {"accept-language": "en"}


async def test_reverse_with_confirm_and_reason_once(client, world: World) -> None:
    member = await world.person()
    staff = await world.person(staff=True)
    t = await service.award(world.community_id, member.user_id, 8, "award", "wish:3", None,
                            "wrong person", unique("k"))
    await login(client, staff)
    r = await client.get(f"/staff/points/{member.user_id}", headers=EN)
    link = f"/staff/points/{member.user_id}/reverse/{t['id']}"
    assert link in r.text
    r = await client.get(link, headers=EN)
    assert r.status_code == 200 and "Reverse this transfer" in r.text
    assert (await service.balance(member.user_id)).balance == 8  # the GET changed nothing
    r = await post(client, link, {"reason": "  "}, headers=EN)
    assert r.status_code == 422 and "reason" in text_of(r.text)
    r = await post(client, link, {"reason": "award went to the wrong person"}, headers=EN)
    assert r.status_code == 303
    assert (await service.balance(member.user_id)).balance == 0
    r = await post(client, link, {"reason": "again"}, headers=EN)
    assert r.status_code == 422 and "already been reversed" in r.text
    reversals = await Transfer.select().where(Transfer.reverses == t["id"])
    assert len(reversals) == 1 and reversals[0]["memo"] == "award went to the wrong person"
    assert reversals[0]["actor"] == staff.user_id
    r = await client.get(f"/staff/points/{member.user_id}", headers=EN)
    assert link not in r.text and "Reversed" in text_of(r.text)
    assert await service.check() == []


async def test_reverse_refused_outside_the_statement_or_community(client, world: World) -> None:
    member, other = await world.person(), await world.person()
    t = await service.award(world.community_id, other.user_id, 5, "award", "", None, "",
                            unique("k"))
    staff = await world.person(staff=True)
    await login(client, staff)
    # The transfer is not on this member's statement.
    r = await post(client, f"/staff/points/{member.user_id}/reverse/{t['id']}", {"reason": "x"})
    assert r.status_code == 404
    c = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    outsider = await World(int(c[0]["id"]), None, None).person(staff=True)  # type: ignore[arg-type]
    client.cookies.clear()
    await login(client, outsider)
    r = await post(client, f"/staff/points/{other.user_id}/reverse/{t['id']}", {"reason": "x"})
    assert r.status_code == 403
    assert (await service.balance(other.user_id)).balance == 5
