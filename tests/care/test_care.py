"""爱心帮扶: staff mark residents in need; others give them points within the limits."""

from __future__ import annotations

import asyncio
import re

import pytest

from marketplace.audit.tables import AuditEvent
from marketplace.care import service
from marketplace.community.tables import Community
from marketplace.errors import DomainError, Forbidden
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from tests.activities.test_activities import _other_world_person
from tests.conftest import World, login, post, text_of, unique

EN = {"accept-language": "en"}


async def _setup(world: World, per_gift: int = 20, per_month: int = 30):  # type: ignore[no-untyped-def]
    staff = await world.person(staff=True)
    giver = await world.person(name="Generous Giver")
    needy = await world.person(name="Auntie Needy")
    await service.set_rules(staff, world.community_id, per_gift, per_month, 0)
    await service.mark_in_need(staff, needy.user_id, "lives alone, low pension",
                               category="alone", consent="self")
    await ledger.award(world.community_id, giver.user_id, 100, "award", "", None, "",
                       unique("k"))
    return staff, giver, needy


async def test_give_within_limits_and_notify(world: World) -> None:
    _staff, giver, needy = await _setup(world)
    await service.give(giver, needy.user_id, 20, "for the winter", unique("g"))
    with pytest.raises(DomainError, match="At most 20 points per gift"):
        await service.give(giver, needy.user_id, 21, "", unique("g"))
    with pytest.raises(DomainError, match="10 more points this month"):
        await service.give(giver, needy.user_id, 11, "", unique("g"))
    await service.give(giver, needy.user_id, 10, "", unique("g"))
    assert (await ledger.balance(needy.user_id)).balance == 30
    assert (await ledger.balance(giver.user_id)).balance == 70
    assert await notifications.kinds_sent(needy.user_id) == ["gift_received"] * 2


async def test_same_form_twice_gives_once(world: World) -> None:
    _staff, giver, needy = await _setup(world)
    key = unique("g")
    await service.give(giver, needy.user_id, 15, "", key)
    await service.give(giver, needy.user_id, 15, "", key)
    assert (await ledger.balance(needy.user_id)).balance == 15


async def test_simultaneous_gifts_respect_the_monthly_limit(world: World) -> None:
    _staff, giver, needy = await _setup(world, per_gift=10, per_month=30)
    results = await asyncio.gather(
        *(service.give(giver, needy.user_id, 10, "", unique("g")) for _ in range(8)),
        return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 3
    assert (await ledger.balance(needy.user_id)).balance == 30
    assert await ledger.check() == []


async def test_only_listed_residents_of_the_same_community(world: World) -> None:
    staff, giver, needy = await _setup(world)
    other = await world.person()
    with pytest.raises(DomainError, match="residents in need"):
        await service.give(giver, other.user_id, 5, "", unique("g"))
    with pytest.raises(DomainError, match="yourself"):
        await service.mark_in_need(staff, giver.user_id, "temporary",
                                   category="alone", consent="self")
        await service.give(giver, giver.user_id, 5, "", unique("g"))
    outsider = await _other_world_person()
    with pytest.raises(DomainError, match="residents in need"):
        await service.give(outsider, needy.user_id, 5, "", unique("g"))
    with pytest.raises(Forbidden):
        await service.mark_in_need(await _other_world_person(staff=True), needy.user_id, "x",
                                   category="alone", consent="self")
    await service.clear_in_need(staff, needy.user_id)
    with pytest.raises(DomainError, match="residents in need"):
        await service.give(giver, needy.user_id, 5, "", unique("g"))
    actions = await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.target_id == needy.user_id).order_by(AuditEvent.id)
    assert [a["action"] for a in actions][-2:] == ["in_need_marked", "in_need_cleared"]


async def test_http_give_errors_keep_input_and_success(client, world: World) -> None:
    _staff, giver, needy = await _setup(world)
    await login(client, giver)
    r = await client.get("/points", headers=EN)
    # Givers see the first name and the category only (PIPL Art. 28-30).
    assert "Auntie · Elderly, living alone" in r.text
    assert "Auntie Needy" not in r.text and "low pension" not in r.text
    # Whom the points go to, in Chinese "赠送给" (not "至", which reads as a date range's end)
    zh = await client.get("/points", headers={"accept-language": "zh-CN"})
    assert re.search(r'<label for="to_user">赠送给</label>', zh.text)
    r = await post(client, "/points/give/", {"to_user": str(needy.user_id), "amount": "25",
                                             "memo": "keep warm", "key": unique()},
                   headers=EN)
    assert r.status_code == 422
    assert "At most 20 points per gift" in text_of(r.text)
    assert 'value="keep warm"' in r.text and 'value="25"' in r.text
    r = await post(client, "/points/give/", {"to_user": str(needy.user_id), "amount": "12",
                                             "memo": "keep warm", "key": unique()},
                   headers=EN)
    assert r.status_code == 303
    assert (await ledger.balance(needy.user_id)).balance == 12


async def test_http_staff_marks_and_sets_rules(client, world: World) -> None:
    staff = await world.person(staff=True)
    resident = await world.person(name="Mr Chen")
    await login(client, staff)
    r = await post(client, f"/staff/care/{world.community_id}/in-need",
                   {"person_id": str(resident.user_id), "reason": "", "category": "illness",
                    "consent": "self"}, headers=EN)
    assert r.status_code == 422 and "Please give the reason" in r.text
    r = await post(client, f"/staff/care/{world.community_id}/in-need",
                   {"person_id": str(resident.user_id), "reason": "after surgery",
                    "category": "illness", "consent": "self"}, headers=EN)
    assert r.status_code == 303
    r = await client.get(f"/staff/care/?community={world.community_id}", headers=EN)
    assert "after surgery" in r.text
    r = await post(client, f"/staff/care/{world.community_id}/rules",
                   {"per_gift": "50", "per_month": "40", "expiry_months": "12"}, headers=EN)
    assert r.status_code == 422 and "at least the limit per gift" in r.text
    r = await post(client, f"/staff/care/{world.community_id}/rules",
                   {"per_gift": "25", "per_month": "80", "expiry_months": "12"}, headers=EN)
    assert r.status_code == 303
    row = await Community.select().where(Community.id == world.community_id).first()
    assert (row["donation_max_per_gift"], row["donation_max_per_month"],
            row["points_expiry_months"]) == (25, 80, 12)
    outsider = await _other_world_person(staff=True)
    client.cookies.clear()
    await login(client, outsider)
    r = await post(client, f"/staff/care/{world.community_id}/rules",
                   {"per_gift": "1", "per_month": "1", "expiry_months": "1"})
    assert r.status_code == 403
    r = await post(client, f"/staff/care/{world.community_id}/in-need/{resident.user_id}/clear")
    assert r.status_code == 403


async def test_staff_of_another_community_change_nothing(world: World) -> None:
    """Service level: the care service refuses staff of another community; nothing moves."""
    _staff, _giver, needy = await _setup(world)
    outsider = await _other_world_person(staff=True)
    with pytest.raises(Forbidden):
        await service.set_rules(outsider, world.community_id, 1, 1, 1)
    with pytest.raises(Forbidden):
        await service.clear_in_need(outsider, needy.user_id)
    with pytest.raises(Forbidden):
        await service.overview(outsider, world.community_id)
    rules = await service.rules_of(world.community_id)
    assert (rules["donation_max_per_gift"], rules["donation_max_per_month"],
            rules["points_expiry_months"]) == (20, 30, 0)
    assert [r["user"] for r in await service.in_need(world.community_id)] == [needy.user_id]
    assert not await AuditEvent.exists().where(AuditEvent.actor == outsider.user_id)
