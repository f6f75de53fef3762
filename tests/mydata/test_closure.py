"""Closing an account (注销): everything under way ends, nothing personal remains in any
table or upload folder, and the ledger and the community's figures still add up."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from marketplace import clock, settings
from marketplace.accounts import proxies, sessions
from marketplace.accounts.tables import ProxyLink, Session, StaffMembership, User
from marketplace.audit.tables import AuditEvent
from marketplace.care import service as care
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.ledger import corrections
from marketplace.ledger import service as ledger
from marketplace.mydata import closure, export
from marketplace.privacy import exports
from marketplace.privacy import requests as privacy_requests
from marketplace.reports import queries, register
from marketplace.reports import service as reports
from marketplace.reports.tables import IssuedCertificate, VolunteerIdentity
from marketplace.rewards import service as rewards
from marketplace.rewards.tables import RedeemCode
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Wish
from tests.conftest import PASSWORD, World, unique
from tests.mydata.helpers import (
    Person,
    person,
    photo_exists,
    stored_photo,
    text_holding,
    uploads_holding,
)
from tests.rewards.helpers import other_world, shop
from tests.wishes.helpers import open_wish, status


async def _life(world: World, p: Person) -> dict[str, object]:
    """A person who posted, helped, was helped, gave, was marked in need, is a proxy, and
    has a claim, a waiting wish and a code open right now."""
    staff = await world.person(staff=True)
    helper = await world.person(helper=True)
    neighbour = await world.person()
    me = p.principal
    # A neighbour's wish that names them; their own wish, with a photo, fulfilled by a
    # helper at their flat and confirmed.
    category = await wishes.add_category(staff, world.community_id, unique("Repairs "), 10)
    await wishes.post_wish(neighbour, wishes.NewWish(
        category, "Walk the dog", f"{p.name} of {p.address} knows the dog"))
    photo = stored_photo()
    mine = await wishes.post_wish(me, wishes.NewWish(
        category, f"{p.name}的水龙头", f"Call {p.phone}", photo=photo))
    await wishes.review(staff, mine, True, 10)
    await wishes.claim(helper, mine)
    done_photo = stored_photo()
    await wishes.fulfil(helper, mine, f"Fixed at {p.address}", 30, done_photo)
    await wishes.confirm(me, mine, 5, f"Thanks from {p.name}")
    # They helped a neighbour, with a note and a photo, and were paid.
    theirs = await open_wish(world, neighbour, staff, points=30)
    await wishes.claim(me, theirs)
    helped_photo = stored_photo()
    await wishes.fulfil(me, theirs, f"{p.name} came by, call {p.phone}", 45, helped_photo)
    await wishes.confirm(neighbour, theirs, 4)
    # A gift with a note, and staff marked them in need naming their flat.
    needy = await world.person()
    await care.mark_in_need(staff, needy.user_id, "Lives alone", category="alone", consent="self")
    await care.give(me, needy.user_id, 5, f"From {p.name}", unique("gift"))
    await care.mark_in_need(staff, me.user_id, f"Alone at {p.address}", category="alone",
                            consent="self")
    await corrections.adjust(staff, neighbour.user_id, 3, f"Helped {p.name} move",
                             unique("adjust"))
    # Under way now: a claim, a waiting wish, a code, a proxy link, a session.
    claimed = await open_wish(world, neighbour, staff)
    await wishes.claim(me, claimed)
    waiting = await open_wish(world, me, staff, title=f"{p.name} needs rice")
    s = await shop(world)
    code = await rewards.issue(me, s.offer_id)
    await proxies.add(neighbour, neighbour.user_id, me.login)
    await sessions.start_session(me.user_id, "Phone of " + p.name, None)
    return {"photos": [photo, done_photo, helped_photo], "claimed": claimed,
            "waiting": waiting, "code": code, "helper": helper, "neighbour": neighbour,
            "staff": staff, "needy": needy}


async def test_nothing_personal_remains_in_any_table_or_upload(world: World) -> None:
    p = await person(world, helper=True)
    life = await _life(world, p)
    assert all(photo_exists(name) for name in life["photos"])
    assert await text_holding(p.name)  # the scan finds the person before closing

    await closure.close_own(p.principal, PASSWORD, None)

    for needle in p.needles:
        assert await text_holding(needle) == [], needle
        assert uploads_holding(needle) == [], needle
    assert not any(photo_exists(name) for name in life["photos"])
    assert await ledger.check() == []


async def test_closing_ends_what_is_under_way(world: World) -> None:
    p = await person(world, helper=True)
    life = await _life(world, p)
    code = life["code"]
    before = await ledger.balance(p.principal.user_id)
    assert before.held == code["price"]

    await closure.close_own(p.principal, PASSWORD, None)

    assert await status(life["claimed"]) == "open"  # released, as the helper's button does
    assert await status(life["waiting"]) == "cancelled"
    row = await RedeemCode.select(RedeemCode.status).where(RedeemCode.id == code["id"]).first()
    assert row["status"] == "cancelled"
    after = await ledger.balance(p.principal.user_id)
    assert (after.balance, after.held) == (0, 0)  # every point went back to the community
    uid = p.principal.user_id
    assert not await Session.exists().where(Session.user == uid)
    assert not await ProxyLink.exists().where(
        (ProxyLink.proxy == uid) & (ProxyLink.active == True))  # noqa: E712
    user = await User.select().where(User.id == uid).first()
    assert user["display_name"].endswith(f"#{uid}") and not user["is_active"]
    assert user["login"] != p.principal.login
    line = await AuditEvent.select().where(
        (AuditEvent.action == "account_closed") & (AuditEvent.target_id == uid)).first()
    assert (line["actor"], line["target_type"], line["detail"]) == (uid, "user", "")
    assert await ledger.check() == []


async def test_the_login_is_free_and_the_old_password_opens_nothing(world: World) -> None:
    p = await person(world)
    await closure.close_own(p.principal, PASSWORD, None)
    with pytest.raises(DomainError):
        await sessions.authenticate(p.principal.login, PASSWORD, "10.9.9.9")
    again = await world.person()
    await User.update({User.login: p.principal.login}).where(User.id == again.user_id)
    assert await sessions.authenticate(p.principal.login, PASSWORD, "10.9.9.9") == again.user_id


async def test_figures_and_ledger_are_unchanged(world: World) -> None:
    """A person whose history is all done: closing changes no report but the member count."""
    p = await person(world, helper=True)
    staff = await world.person(staff=True)
    neighbour = await world.person()
    theirs = await open_wish(world, neighbour, staff, points=20)
    await wishes.claim(p.principal, theirs)
    await wishes.fulfil(p.principal, theirs, f"Done by {p.name}", 60)
    await wishes.confirm(neighbour, theirs, 5, "Thanks")
    mine = await open_wish(world, p.principal, staff, title=f"For {p.name}")
    helper = await world.person(helper=True)
    await wishes.claim(helper, mine)
    await wishes.fulfil(helper, mine, "Done", 30)
    await wishes.confirm(p.principal, mine, 5)
    needy = await world.person()
    await care.mark_in_need(staff, needy.user_id, "Alone", category="alone", consent="self")
    await care.give(p.principal, needy.user_id, 20, "All of it", unique("gift"))
    now = clock.now()
    scope = queries.Scope(world.community_id, now - timedelta(days=30), now + timedelta(days=1))
    before = await reports.key_figures(scope)

    await closure.close_own(p.principal, PASSWORD, None)

    after = await reports.key_figures(scope)
    assert after["people"]["members"] == before["people"]["members"] - 1
    after["people"]["members"] = before["people"]["members"]
    assert after == before
    assert await ledger.check() == []


async def test_points_left_may_go_to_a_resident_in_need(world: World) -> None:
    p = await person(world)
    staff = await world.person(staff=True)
    await ledger.award(world.community_id, p.principal.user_id, 35, "award", "test", None,
                       "", unique("k"))
    needy = await world.person()
    await care.mark_in_need(staff, needy.user_id, "Alone", category="alone", consent="self")
    preview = await closure.own_preview(p.principal)
    assert preview.points == 35 and needy.user_id in {r["user"] for r in preview.in_need}

    await closure.close_own(p.principal, PASSWORD, needy.user_id)

    assert (await ledger.balance(needy.user_id)).balance == 35
    assert await ledger.check() == []


async def test_a_wrong_password_or_recipient_closes_nothing(world: World) -> None:
    p = await person(world)
    with pytest.raises(DomainError) as wrong:
        await closure.close_own(p.principal, "not-my-password", None)
    assert wrong.value.field == "password"
    stranger = await world.person()  # not in need
    with pytest.raises(DomainError) as refused:
        await closure.close_own(p.principal, PASSWORD, stranger.user_id)
    assert refused.value.field == "gift_to"
    assert (await User.select(User.is_active).where(
        User.id == p.principal.user_id).first())["is_active"]
    await closure.close_own(p.principal, PASSWORD, None)
    with pytest.raises(Conflict):
        await closure.close_own(p.principal, PASSWORD, None)


async def test_staff_close_a_managed_account_with_its_name_typed(world: World) -> None:
    from marketplace.accounts import managed

    staff = await world.person(staff=True)
    name = "孙奶奶" + unique("")
    user_id = await managed.create(staff, managed.ManagedAccount(
        display_name=name, community_id=world.community_id, grid_id=world.grid_id,
        building_id=world.building_id, address=unique("Flat "), phone=""))
    with pytest.raises(DomainError) as wrong:
        await closure.close_managed(staff, user_id, "someone else", None)
    assert wrong.value.field == "confirm"
    await closure.close_managed(staff, user_id, name, None)
    assert await text_holding(name) == []


async def test_nobody_else_can_close_an_account(world: World) -> None:
    from marketplace.accounts import managed

    staff = await world.person(staff=True)
    resident = await person(world)
    # Residents who run their own account close it themselves, even staff cannot.
    with pytest.raises(Forbidden):
        await closure.close_managed(staff, resident.principal.user_id,
                                    resident.name, None)
    user_id = await managed.create(staff, managed.ManagedAccount(
        display_name="Granny", community_id=world.community_id, grid_id=world.grid_id,
        building_id=world.building_id))
    elsewhere = await other_world()
    other_staff = await elsewhere.person(staff=True)
    neighbour = await world.person()
    for outsider in (other_staff, neighbour):
        with pytest.raises((NotFound, Forbidden)):
            await closure.close_managed(outsider, user_id, "Granny", None)
    # Someone acting for the person (a proxy) cannot close it for them.
    acting = dataclasses.replace(resident.principal, agent_id=neighbour.user_id)
    with pytest.raises(Forbidden):
        await closure.close_own(acting, PASSWORD, None)
    assert await User.exists().where((User.id == user_id) & (User.is_active == True))  # noqa: E712


async def test_roles_end_and_a_staff_member_can_close_their_own(world: World) -> None:
    staff = await world.person(staff=True)
    await closure.close_own(staff, PASSWORD, None)
    assert not await StaffMembership.exists().where(
        (StaffMembership.user == staff.user_id) & (StaffMembership.active == True))  # noqa: E712


async def test_wish_rows_stay_for_the_reports_with_the_text_removed(world: World) -> None:
    p = await person(world)
    staff = await world.person(staff=True)
    wish_id = await open_wish(world, p.principal, staff, title=f"Rice for {p.name}")
    await closure.close_own(p.principal, PASSWORD, None)
    row = await Wish.select().where(Wish.id == wish_id).first()
    assert row["status"] == "cancelled" and row["owner"] == p.principal.user_id
    assert p.name not in row["title"] and row["title"]


async def test_others_keep_their_words_when_they_match_a_closed_wish(world: World) -> None:
    """Only what names the person goes: a neighbour's wish with the same title as the
    person's, and the neighbour's notifications about it, are left alone."""
    from marketplace.notifications.tables import Notification

    p = await person(world)
    staff = await world.person(staff=True)
    neighbour = await world.person()
    await open_wish(world, p.principal, staff, title="Fix the kitchen tap")
    theirs = await open_wish(world, neighbour, staff, title="Fix the kitchen tap")
    await closure.close_own(p.principal, PASSWORD, None)
    row = await Wish.select(Wish.title).where(Wish.id == theirs).first()
    assert row["title"] == "Fix the kitchen tap"
    told = await Notification.select(Notification.params).where(
        (Notification.user == neighbour.user_id)
        & (Notification.link == f"/wishes/{theirs}")).first()
    assert "Fix the kitchen tap" in told["params"]


async def test_a_closed_helper_cannot_be_given_a_wish(world: World) -> None:
    staff = await world.person(staff=True)
    p = await person(world, helper=True)
    wish_id = await open_wish(world, await world.person(), staff)
    await closure.close_own(p.principal, PASSWORD, None)
    with pytest.raises(DomainError) as refused:
        await wishes.assign(staff, wish_id, p.principal.user_id)
    assert refused.value.field == "helper"
    assert await status(wish_id) == "open"


async def test_requests_certificates_and_prepared_exports_forget_the_person(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """What later branches keep about a person is erased too: the privacy requests they
    wrote, the certificate register (kept, but nameless), a data export waiting on disk."""
    p = await person(world, helper=True)
    staff = await world.person(staff=True)
    await privacy_requests.submit(p.principal, "question", f"Do you keep {p.address}?",
                                  f"Call {p.phone}")
    today = clock.today()
    volunteer_number = unique("ZJ")  # the national system's number: stored as typed
    cert_id = await register.issue(staff, p.principal.user_id, today - timedelta(days=30), today,
                                   f"For {p.name}", {"id_type": "resident_id",
                                                     "id_number": "330102199001011234",
                                                     "volunteer_number": volunteer_number})
    monkeypatch.setattr(settings, "_settings", dataclasses.replace(
        settings.get(), export_inline_rows=0))
    made = await export.make(p.principal, p.principal.user_id)
    assert made.job_id is not None
    await export.run_jobs(clock.now())
    path, _owner = await exports.download(p.principal, made.job_id)
    assert path.exists()

    await closure.close_own(p.principal, PASSWORD, None)

    for needle in (*p.needles, volunteer_number):
        assert await text_holding(needle) == [], needle
    assert await VolunteerIdentity.count().where(
        VolunteerIdentity.user == p.principal.user_id) == 0
    assert not path.exists()
    cert = await IssuedCertificate.select().where(IssuedCertificate.id == cert_id).first()
    assert cert["number"] and cert["person_name"].startswith("已注销用户")
    assert json.loads(cert["figures"])["id_number"] == ""  # the masked ID number too
