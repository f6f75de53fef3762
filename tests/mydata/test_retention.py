"""Retention (PIPL Art. 19): only what is past the community's time goes, once."""

from __future__ import annotations

from datetime import timedelta

from marketplace import clock
from marketplace.accounts import sessions
from marketplace.accounts.tables import Session
from marketplace.community.tables import Community
from marketplace.mydata import retention, wording
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Wish, WishEvent
from tests.conftest import World, login, post, text_of
from tests.mydata.helpers import photo_exists, stored_photo
from tests.rewards.helpers import other_world
from tests.statements import statements
from tests.wishes.helpers import open_wish


async def _closed_wish(world: World, days_ago: int, *, confirm: bool = True) -> dict:
    """A wish with both photos and a fulfilment note, closed ``days_ago`` days ago (or
    still waiting for confirmation, when ``confirm`` is false)."""
    owner = await world.person()
    staff = await world.person(staff=True)
    helper = await world.person(helper=True)
    photo, done_photo = stored_photo(), stored_photo()
    wish_id = await open_wish(world, owner, staff)
    await Wish.update({Wish.photo: photo}).where(Wish.id == wish_id)
    await wishes.claim(helper, wish_id)
    await wishes.fulfil(helper, wish_id, "Left the rice at the door of flat 502", 30,
                        done_photo)
    if confirm:
        await wishes.confirm(owner, wish_id, 5)
    await Wish.update({Wish.updated_at: clock.now() - timedelta(days=days_ago)}).where(
        Wish.id == wish_id)
    return {"id": wish_id, "photos": [photo, done_photo]}


async def _wish(wish_id: int) -> dict:
    row = await Wish.select().where(Wish.id == wish_id).first()
    event = await WishEvent.select(WishEvent.note).where(
        (WishEvent.wish == wish_id) & (WishEvent.action == "fulfil")).first()
    return {**row, "event_note": event["note"]}


async def test_photos_and_notes_past_their_time_go_once(world: World) -> None:
    old = await _closed_wish(world, 400)  # past both: photos 180 days, notes 365
    middle = await _closed_wish(world, 200)  # photos only
    recent = await _closed_wish(world, 10)
    waiting = await _closed_wish(world, 400, confirm=False)  # not closed: kept whole
    moment = clock.now()

    assert await retention.forget_photos(moment) >= 4
    assert await retention.forget_notes(moment) >= 1

    removed = wording.removed()
    o, m, r, w = [await _wish(x["id"]) for x in (old, middle, recent, waiting)]
    assert not any(photo_exists(n) for n in old["photos"] + middle["photos"])
    assert all(photo_exists(n) for n in recent["photos"] + waiting["photos"])
    assert (o["photo"], o["fulfil_photo"], m["photo"]) == ("", "", "")
    assert r["photo"] and w["fulfil_photo"]
    assert o["fulfil_note"] == o["event_note"] == removed
    assert m["fulfil_note"] == m["event_note"] == "Left the rice at the door of flat 502"
    assert w["fulfil_note"] != removed
    # Idempotent: a second run finds nothing and changes nothing.
    assert await retention.forget_photos(moment) == 0
    assert await retention.forget_notes(moment) == 0
    assert await _wish(old["id"]) == o


async def test_zero_keeps_and_each_community_has_its_own_time(world: World) -> None:
    await Community.update({Community.retention_photo_days: 0,
                            Community.retention_note_days: 0}).where(
        Community.id == world.community_id)
    kept = await _closed_wish(world, 3000)
    elsewhere = await other_world()
    await Community.update({Community.retention_photo_days: 5}).where(
        Community.id == elsewhere.community_id)
    gone = await _closed_wish(elsewhere, 6)
    await retention.forget_photos(clock.now())
    await retention.forget_notes(clock.now())
    assert all(photo_exists(n) for n in kept["photos"])
    assert (await _wish(kept["id"]))["fulfil_note"] != wording.removed()
    assert not any(photo_exists(n) for n in gone["photos"])


async def test_sessions_past_their_time_end(world: World) -> None:
    person = await world.person()
    old = await sessions.start_session(person.user_id, "Old phone", None)
    new = await sessions.start_session(person.user_id, "New phone", None)
    await Session.update({Session.created_at: clock.now() - timedelta(days=31)}).where(
        Session.id == sessions._session_id(old))
    elsewhere = await other_world()
    await Community.update({Community.retention_session_days: 0}).where(
        Community.id == elsewhere.community_id)
    keeper = await elsewhere.person()
    kept = await sessions.start_session(keeper.user_id, "Phone", None)
    await Session.update({Session.created_at: clock.now() - timedelta(days=400)}).where(
        Session.id == sessions._session_id(kept))

    assert await retention.forget_sessions(clock.now()) >= 1

    left = {r["id"] for r in await Session.select(Session.id).where(
        Session.user.is_in([person.user_id, keeper.user_id]))}
    assert left == {sessions._session_id(new), sessions._session_id(kept)}
    assert await retention.forget_sessions(clock.now()) == 0


async def test_staff_set_the_times_on_the_rules_page(client, world: World) -> None:
    from tests.community.test_rules import DEFAULTS

    staff = await world.person(staff=True)
    await login(client, staff)
    page = await client.get("/staff/rules", headers={"accept-language": "en"})
    assert "Days photos of closed wishes are kept (0 = keep)" in text_of(page.text)
    refused = await post(client, f"/staff/rules/{world.community_id}",
                         {**DEFAULTS, "retention_photo_days": "-1"})
    assert refused.status_code == 422
    saved = await post(client, f"/staff/rules/{world.community_id}",
                       {**DEFAULTS, "retention_photo_days": "90"})
    assert saved.status_code == 303
    row = await Community.select(Community.retention_photo_days).where(
        Community.id == world.community_id).first()
    assert row["retention_photo_days"] == 90


async def test_with_nothing_due_each_job_reads_a_few_statements(world: World) -> None:
    """However many wishes and sessions there are: the communities, then one read per
    distinct retention length (every community here has the defaults or keeps)."""
    await _closed_wish(world, 400)
    moment = clock.now()
    for job in (retention.forget_photos, retention.forget_notes, retention.forget_sessions):
        await job(moment)  # whatever other tests left due goes now
    lengths = {rule: len({r[rule] for r in await Community.select(
        Community._meta.get_column_by_name(rule)).where(
            Community._meta.get_column_by_name(rule) > 0)})
        for rule in ("retention_photo_days", "retention_note_days", "retention_session_days")}
    for job, rule in ((retention.forget_photos, "retention_photo_days"),
                      (retention.forget_notes, "retention_note_days"),
                      (retention.forget_sessions, "retention_session_days")):
        with statements() as seen:
            assert await job(moment) == 0
        assert len(seen) == 1 + lengths[rule], (job.__name__, seen)
