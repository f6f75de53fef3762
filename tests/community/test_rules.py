"""The community rules page: validation at the field with the input kept, one audit line
per change (old → new), the rules take effect; categories; the points budget."""

from __future__ import annotations

import pytest

from marketplace.audit.tables import AuditEvent
from marketplace.community import rules
from marketplace.community.tables import Community
from marketplace.errors import DomainError
from marketplace.ledger import service as ledger
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Category
from tests.cast import new_world
from tests.conftest import World, login, post, text_of, unique

EN = {"accept-language": "en"}
DEFAULTS = {"claim_deadline_days": "7", "claim_reminder_hours": "24", "escalation_days": "3",
            "auto_confirm_days": "7", "min_wish_points": "1", "max_wish_points": "100",
            "team_size_max": "3", "points_expiry_months": "0",
            "donation_max_per_gift": "50", "donation_max_per_month": "200",
            "adjust_approval_over": "200",
            "retention_photo_days": "180", "retention_note_days": "365",
            "retention_session_days": "30"}


async def _community(world: World) -> dict:
    return await Community.select().where(Community.id == world.community_id).first()


async def _audit(world: World, action: str) -> list[str]:
    rows = await AuditEvent.select(AuditEvent.detail).where(
        (AuditEvent.community == world.community_id) & (AuditEvent.action == action)
    ).order_by(AuditEvent.id)
    return [r["detail"] for r in rows]


async def test_staff_change_rules_and_each_change_is_audited(client, world: World) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    r = await client.get("/staff/rules", headers=EN)
    assert r.status_code == 200 and "Days a helper has to fulfil a claim" in r.text
    url = f"/staff/rules/{world.community_id}"
    r = await post(client, url, {**DEFAULTS, "claim_deadline_days": "5",
                                 "team_size_max": "6"}, headers=EN)
    assert r.status_code == 303
    row = await _community(world)
    assert (row["claim_deadline_days"], row["team_size_max"]) == (5, 6)
    assert await _audit(world, "community_rule_changed") == [
        "claim_deadline_days: 7 → 5", "team_size_max: 3 → 6"]
    r = await client.get("/staff/audit", headers=EN)
    assert "Community rule changed" in r.text and "claim_deadline_days: 7 → 5" in r.text


async def test_a_bad_rule_is_refused_at_its_field_with_the_input_kept(client, world: World
                                                                      ) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    url = f"/staff/rules/{world.community_id}"
    r = await post(client, url, {**DEFAULTS, "min_wish_points": "50",
                                 "max_wish_points": "20"}, headers=EN)
    assert r.status_code == 422
    assert 'id="max_wish_points-error"' in r.text and "cannot be fewer" in r.text
    assert 'value="50"' in r.text and 'value="20"' in r.text
    r = await post(client, url, {**DEFAULTS, "team_size_max": "999"}, headers=EN)
    assert r.status_code == 422 and 'id="team_size_max-error"' in r.text
    assert 'value="999"' in r.text
    r = await post(client, url, {**DEFAULTS, "claim_reminder_hours": "200"}, headers=EN)
    assert r.status_code == 422 and 'id="claim_reminder_hours-error"' in r.text
    r = await post(client, url, {**DEFAULTS, "claim_deadline_days": "1",
                                 "claim_reminder_hours": "30"}, headers=EN)
    assert r.status_code == 422 and "reminder must come before the deadline" in r.text
    r = await post(client, url, {**DEFAULTS, "escalation_days": "abc"}, headers=EN)
    assert r.status_code == 422 and 'value="abc"' in r.text
    row = await _community(world)
    assert (row["min_wish_points"], row["max_wish_points"], row["team_size_max"],
            row["claim_reminder_hours"]) == (1, 100, 3, 24)
    assert await _audit(world, "community_rule_changed") == []


async def test_the_points_range_applies_to_new_wishes(world: World) -> None:
    staff = await world.person(staff=True)
    await rules.update(staff, world.community_id, {"max_wish_points": 20})
    category = await wishes.add_category(staff, world.community_id, unique("Errand "), 20)
    owner = await world.person()
    wish = await wishes.post_wish(owner, wishes.NewWish(category, "Carry the rice"))
    with pytest.raises(DomainError, match="between 1 and 20"):
        await wishes.review(staff, wish, True, 30)
    with pytest.raises(DomainError, match="between 1 and 20"):
        await wishes.add_category(staff, world.community_id, unique("Errand "), 25)


async def test_staff_of_another_community_cannot_change_its_rules(client, world: World
                                                                  ) -> None:
    outsider = await (await new_world()).person(staff=True)
    await login(client, outsider)
    r = await post(client, f"/staff/rules/{world.community_id}",
                   {**DEFAULTS, "claim_deadline_days": "2"})
    assert r.status_code == 403
    r = await client.get("/staff/rules", params={"community": world.community_id})
    assert r.status_code == 403
    assert (await _community(world))["claim_deadline_days"] == 7


async def test_categories_renamed_repriced_and_unique_whatever_the_case(client, world: World
                                                                        ) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    base = f"/staff/rules/{world.community_id}"
    r = await post(client, f"{base}/categories", {"name": "Repairs", "points": "10"})
    assert r.status_code == 303
    r = await post(client, f"{base}/categories", {"name": " rePAIRS ", "points": "8"},
                   headers=EN)
    assert r.status_code == 409 and "already has a category called" in r.text
    assert 'value=" rePAIRS "' in r.text and 'id="new-name-error"' in r.text
    repairs = await Category.select().where(Category.community == world.community_id).first()
    r = await post(client, f"{base}/categories", {"name": "Rides", "points": "5"})
    rides = await Category.select().where(
        (Category.community == world.community_id) & (Category.name == "Rides")).first()
    r = await post(client, f"/staff/rules/categories/{rides['id']}",
                   {"name": "REPAIRS", "points": "5"}, headers=EN)
    assert r.status_code == 409 and f'id="cat{rides["id"]}-name-error"' in r.text
    r = await post(client, f"/staff/rules/categories/{repairs['id']}",
                   {"name": "Repairs and fixes", "points": "999"}, headers=EN)
    assert r.status_code == 422 and "between 1 and 100" in text_of(r.text)
    r = await post(client, f"/staff/rules/categories/{repairs['id']}",
                   {"name": "Repairs and fixes", "points": "15"})
    assert r.status_code == 303
    row = await Category.select().where(Category.id == repairs["id"]).first()
    assert (row["name"], row["default_points"]) == ("Repairs and fixes", 15)
    assert await _audit(world, "category_changed") == ["Repairs (10) → Repairs and fixes (15)"]
    # Another community may use the same name.
    other = await new_world()
    other_staff = await other.person(staff=True)
    await wishes.add_category(other_staff, other.community_id, "Rides", 5)


async def test_administrators_set_and_raise_the_budget_and_see_it_used(client, world: World
                                                                       ) -> None:
    admin = await world.person(admin=True)
    staff = await world.person(staff=True)
    resident = await world.person()
    await ledger.award(world.community_id, resident.user_id, 40, "award", "test", None,
                       "Welcome", unique("budget:"))
    await login(client, admin)
    url = f"/staff/rules/{world.community_id}/budget"
    r = await post(client, url, {"budget": "30"}, headers=EN)
    assert r.status_code == 422 and "40 points are already in circulation" in r.text
    r = await post(client, url, {"budget": "100"})
    assert r.status_code == 303
    r = await client.get("/staff/rules", params={"community": world.community_id}, headers=EN)
    page = text_of(r.text)
    assert "Budget 100" in page and "In circulation 40" in page and "Left to award 60" in page
    assert await _audit(world, "budget_set") == ["None -> 100"]
    # Staff see the budget but cannot raise their own.
    client.cookies.clear()
    await login(client, staff)
    r = await client.get("/staff/rules", headers=EN)
    assert "Left to award 60" in text_of(r.text) and 'name="budget"' not in r.text
    r = await post(client, url, {"budget": "100000"})
    assert r.status_code == 403
    assert (await ledger.issuance_account(world.community_id))["budget"] == 100
