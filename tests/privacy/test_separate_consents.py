"""Separate consents: the public honour roll is opt-in (PIPL Art. 25); being listed as in
need needs the resident's (or the proxy's) consent, shows givers only a first name and a
category, and ends at once when the resident withdraws (Art. 28-30)."""

from __future__ import annotations

import pytest

from marketplace.accounts import proxies
from marketplace.accounts.tables import User
from marketplace.audit.tables import AuditEvent
from marketplace.care import service as care
from marketplace.care.tables import InNeed
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.ledger import service as ledger
from marketplace.privacy import consents
from marketplace.privacy.names import first_name_only
from marketplace.privacy.tables import Consent
from marketplace.reports import records
from marketplace.wishes import service as wishes
from tests.cast import new_world
from tests.conftest import World, login, post, text_of, unique
from tests.reports.history import days_ago, make_wish

EN = {"accept-language": "en"}
CONFIRMED = [0.1, 0.1, 0.1, 0.1]


# --- the honour roll -------------------------------------------------------------------


async def test_only_helpers_who_said_yes_are_on_the_roll(client, world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    yes, no, unasked, changed = [await world.person(helper=True, name=unique(n))
                                 for n in ("Yes ", "No ", "Unasked ", "Changed ")]
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    for helper in (yes, no, unasked, changed):
        await make_wish(owner, staff, helper, cat, days_ago(0.5), CONFIRMED)
    await consents.set_honour_roll(yes, True)
    await consents.set_honour_roll(no, False)
    await consents.set_honour_roll(changed, True)
    await consents.set_honour_roll(changed, False)  # a "no" withdraws the "yes"

    roll = await records.honour_roll(world.community_id, days_ago(2), days_ago(0))
    assert [r.user_id for r in roll] == [yes.user_id]
    page = text_of((await client.get(f"/c/{world.community_id}", headers=EN)).text)
    assert yes.display_name in page
    for hidden in (no, unasked, changed):
        assert hidden.display_name not in page

    rows = await Consent.select(Consent.agreed, Consent.withdrawn_at).where(
        (Consent.user == changed.user_id) & (Consent.kind == "honour_roll")).order_by(Consent.id)
    assert [r["agreed"] for r in rows] == [True, False]
    assert rows[0]["withdrawn_at"] is not None and rows[1]["withdrawn_at"] is None


async def test_a_helper_is_asked_once_then_changes_it_on_me(client, world: World) -> None:
    helper = await world.person(helper=True)
    await login(client, helper)
    home = await client.get("/", headers=EN)
    assert "Your name on the public honour roll?" in home.text
    assert "You have not chosen yet" in (await client.get("/me/", headers=EN)).text

    r = await post(client, "/me/honour-roll", {"listed": "on", "next": "/"}, headers=EN)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert await consents.honour_roll_choice(helper.user_id) is True
    assert "Your name on the public honour roll?" not in (await client.get("/", headers=EN)).text
    me = await client.get("/me/", headers=EN)
    assert "Your name is shown on the public honour roll." in me.text

    await post(client, "/me/honour-roll", {"listed": "off"}, headers=EN)
    assert await consents.honour_roll_choice(helper.user_id) is False
    resident = await world.person()
    client.cookies.clear()
    await login(client, resident)
    assert "Your name on the public honour roll?" not in (await client.get("/", headers=EN)).text
    with pytest.raises(DomainError):
        await consents.set_honour_roll(resident, True)


# --- in need -----------------------------------------------------------------------------


async def _listed(world: World, name: str = "王秀英") -> tuple:
    staff = await world.person(staff=True)
    needy = await world.person(name=name + unique(""))
    await User.update({User.display_name: name}).where(User.id == needy.user_id)
    await care.mark_in_need(staff, needy.user_id, "独居，女儿在外地，退休金很低",
                            category="alone", consent="self")
    return staff, needy


async def test_marking_without_consent_is_refused(client, world: World) -> None:
    staff = await world.person(staff=True)
    needy = await world.person()
    for consent in ("", "maybe"):
        with pytest.raises(DomainError) as refused:
            await care.mark_in_need(staff, needy.user_id, "Alone", category="alone",
                                    consent=consent)
        assert refused.value.field == "consent"
    with pytest.raises(DomainError, match="has no proxy"):
        await care.mark_in_need(staff, needy.user_id, "Alone", category="alone",
                                consent="proxy")
    with pytest.raises(DomainError, match="category"):
        await care.mark_in_need(staff, needy.user_id, "Alone", category="rich", consent="self")
    assert not await InNeed.exists().where(InNeed.user == needy.user_id)
    assert not await Consent.exists().where(
        (Consent.user == needy.user_id) & (Consent.kind == "in_need"))

    await login(client, staff)
    url = f"/staff/care/{world.community_id}/in-need"
    form = {"person_id": str(needy.user_id), "reason": "After a fall", "category": "illness"}
    r = await post(client, url, form, headers=EN)
    assert r.status_code == 422 and "separate consent" in r.text
    assert 'value="After a fall"' in r.text
    assert "Givers see only the first character" in text_of(r.text)  # the effect, told
    assert not await InNeed.exists().where(InNeed.user == needy.user_id)


async def test_a_proxy_may_consent_and_the_record_says_so(world: World) -> None:
    staff = await world.person(staff=True)
    needy, daughter = await world.person(), await world.person()
    await proxies.add(needy, needy.user_id, daughter.login)
    await care.mark_in_need(staff, needy.user_id, "Alone", category="disability",
                            consent="proxy")
    row = await consents.standing(needy.user_id, consents.IN_NEED)
    assert row is not None
    assert (row["given_by"], row["recorded_as"], row["recorded_by"]) == (
        "proxy", "staff", staff.user_id)
    assert "Disability" in row["purpose"] and "Alone" in row["purpose"]


async def test_givers_see_a_first_name_and_category_only(client, world: World) -> None:
    _staff, needy = await _listed(world)
    giver = await world.person()
    await login(client, giver)
    for path in ("/points/give/",):
        page = await client.get(path, headers=EN)
        assert "王某 · Elderly, living alone" in page.text, path
        assert "王秀英" not in page.text and "退休金" not in page.text, path
    zh = await client.get("/points/give/", headers={"accept-language": "zh"})
    assert "王某 · 独居老人" in zh.text and "王秀英" not in zh.text
    assert [r["name"] for r in await care.for_givers(giver)] == ["王某"]
    assert first_name_only("Alice Wang") == "Alice" and first_name_only("  ") == "某"
    # After giving, the giver's statement names the resident the same way.
    await ledger.award(world.community_id, giver.user_id, 10, "award", "", None, "",
                       unique("k"))
    await care.give(giver, needy.user_id, 3, "", unique("g"))
    statement = await client.get("/points", headers=EN)
    assert "王某" in statement.text and "王秀英" not in statement.text


async def test_withdrawing_consent_ends_the_listing_at_once(client, world: World) -> None:
    _staff, needy = await _listed(world)
    giver = await world.person()
    await login(client, needy)
    me = await client.get("/me/", headers=EN)
    assert "Listed as in need" in me.text and "退休金很低" in me.text  # the reason, theirs
    r = await post(client, "/me/in-need/withdraw", headers=EN)
    assert r.status_code == 303

    row = await InNeed.select().where(InNeed.user == needy.user_id).first()
    assert not row["active"] and row["cleared_by"] == needy.user_id
    assert await consents.standing(needy.user_id, consents.IN_NEED) is None
    consent = await consents.latest(needy.user_id, consents.IN_NEED)
    assert consent["withdrawn_at"] is not None and consent["withdrawn_by"] == needy.user_id
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "in_need_consent_withdrawn")
        & (AuditEvent.target_id == needy.user_id))
    assert await care.for_givers(giver) == []
    with pytest.raises(DomainError):
        await care.give(giver, needy.user_id, 1, "", unique("g"))
    assert "Listed as in need" not in (await client.get("/me/", headers=EN)).text
    again = await post(client, "/me/in-need/withdraw", headers=EN)
    assert again.status_code == 404
    with pytest.raises(NotFound):
        await care.withdraw_consent(giver)


async def test_staff_clearing_also_closes_the_consent(world: World) -> None:
    staff, needy = await _listed(world)
    await care.clear_in_need(staff, needy.user_id)
    consent = await consents.latest(needy.user_id, consents.IN_NEED)
    assert consent["withdrawn_at"] is not None and consent["withdrawn_by"] == staff.user_id


async def test_another_communitys_staff_can_neither_mark_nor_read(client, world: World
                                                                 ) -> None:
    _staff, needy = await _listed(world)
    outsider = await (await new_world()).person(staff=True)
    with pytest.raises(Forbidden):
        await care.mark_in_need(outsider, needy.user_id, "x", category="other", consent="self")
    with pytest.raises(Forbidden):
        await care.overview(outsider, world.community_id)
    await login(client, outsider)
    r = await client.get(f"/staff/care/?community={world.community_id}", headers=EN)
    assert r.status_code == 403 and "退休金" not in r.text
    r = await client.get("/points/give/", headers=EN)
    assert "王某" not in r.text  # their own community's list only


async def test_a_listing_from_before_consents_is_flagged_to_staff(client, world: World
                                                                  ) -> None:
    staff, needy = await _listed(world)
    await Consent.delete().where((Consent.user == needy.user_id)
                                 & (Consent.kind == "in_need"))  # as the migration left it
    await login(client, staff)
    page = await client.get(f"/staff/care/?community={world.community_id}", headers=EN)
    assert "No consent recorded" in page.text
    await care.mark_in_need(staff, needy.user_id, "Alone", category="alone", consent="self")
    page = await client.get(f"/staff/care/?community={world.community_id}", headers=EN)
    assert "No consent recorded" not in page.text
