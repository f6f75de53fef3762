"""The honour roll read from the kept service (``WishService``, written when a wish is
confirmed) gives what the confirmations, wishes and claims themselves give, on a varied
history: confirmations either side of local (Asia/Shanghai) month ends, team claims, a
claim given back and taken by another, a dispute resolved by staff, cancelled and
unfinished wishes, an opted-out helper, a closed (erased) account; and the migration's
backfill writes what the confirming step writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib import import_module
from itertools import pairwise

from marketplace import clock
from marketplace.mydata import closure
from marketplace.privacy import consents
from marketplace.reports import figures, records
from marketplace.wishes import claims, service, stageclock
from marketplace.wishes.tables import Wish, WishClaim, WishEvent, WishService
from tests.conftest import PASSWORD, World
from tests.reports.history import make_wish

CONFIRMED = [1, 1, 1, 1]
# Local month ends the history straddles (posted so that confirmation lands either side).
MONTH_ENDS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


async def _redate(wish_id: int, confirmed_at: datetime) -> None:
    """Move the wish's whole history so that it is confirmed at ``confirmed_at``."""
    last = await WishEvent.select(WishEvent.at).where(
        (WishEvent.wish == wish_id) & (WishEvent.to_state == "confirmed")).first()
    shift = confirmed_at - clock.aware(last["at"])
    for e in await WishEvent.select(WishEvent.id, WishEvent.at).where(
            WishEvent.wish == wish_id):
        await WishEvent.update({WishEvent.at: clock.aware(e["at"]) + shift}).where(
            WishEvent.id == e["id"])
    await stageclock.keep(wish_id)


async def _history(world: World) -> tuple[list[int], datetime, datetime]:
    staff, owner = await world.person(staff=True), await world.person()
    helpers = [await world.person(helper=True, name=n) for n in ("Ann", "Bo", "Cai", "Di")]
    for h in helpers[:3]:
        await consents.set_honour_roll(h, True)  # Di never says yes
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    moments = []
    for i, edge in enumerate(MONTH_ENDS):
        local_midnight = clock.day_start(edge)
        for j, offset in enumerate((-1, -0.01, 0, 0.5, 30)):  # minutes around midnight
            helper = helpers[(i + j) % len(helpers)]
            made = await make_wish(owner, staff, helper, cat, local_midnight, CONFIRMED,
                                   minutes=30 + 15 * j)
            at = local_midnight + timedelta(minutes=offset)
            await _redate(made.wish_id, at)
            moments.append(at)
    # A team: two helpers on one wish, both counted, with the wish's hours each.
    team = await service.post_wish(owner, service.NewWish(cat, "Move a wardrobe"))
    await service.review(staff, team, True, 10, team_size=2)
    await service.claim(helpers[0], team)
    await service.claim(helpers[1], team)
    await service.fulfil(helpers[0], team, "Done", 90)
    await service.confirm(owner, team, 4, "Thanks")
    # Given back, taken by another: only the one holding it at confirmation counts.
    back = await service.post_wish(owner, service.NewWish(cat, "Carry the shopping"))
    await service.review(staff, back, True)
    await service.claim(helpers[2], back)
    await claims.release(helpers[2], back, "Cannot go")
    await service.claim(helpers[1], back)
    await service.fulfil(helpers[1], back, "Done", 45)
    await service.dispute(owner, back, "Not quite")
    await service.resolve(staff, back, True, "It was done")
    # Cancelled after a claim, and one fulfilled but not confirmed: neither counts.
    cancelled = await service.post_wish(owner, service.NewWish(cat, "Paint the door"))
    await service.review(staff, cancelled, True)
    await service.claim(helpers[0], cancelled)
    await service.cancel(owner, cancelled, "Not needed")
    await make_wish(owner, staff, helpers[2], cat, clock.now(), [1, 1, 1])
    early, late = min(moments) - timedelta(days=2), clock.now() + timedelta(days=1)
    before = await records.honour_roll(world.community_id, early, late, limit=50)
    assert before == await records.honour_roll_from_history(world.community_id, early, late,
                                                            limit=50)
    assert helpers[2].user_id in {r.user_id for r in before}
    # Cai closes the account (erasure): off the roll, whatever was kept.
    await closure.close_own(helpers[2], PASSWORD, None)
    return [h.user_id for h in helpers], early, late


def _periods(first: datetime, last: datetime) -> list[tuple[datetime, datetime]]:
    months = [clock.day_start(figures.add_months(MONTH_ENDS[0], k)) for k in range(-1, 5)]
    out = [(first, last)]
    out += list(pairwise(months))  # local months
    out += [(m - timedelta(minutes=1), m + timedelta(minutes=1)) for m in months]
    out += [(m, m + timedelta(days=20)) for m in months]
    return out


async def test_the_kept_roll_is_the_roll_of_the_history(world: World) -> None:
    helpers, first, last = await _history(world)
    seen = set()
    for start, end in _periods(first, last):
        kept = await records.honour_roll(world.community_id, start, end, limit=50)
        assert kept == await records.honour_roll_from_history(world.community_id, start, end,
                                                               limit=50)
        seen |= {r.user_id for r in kept}
    # Di opted out; Cai's account is closed, so Cai is off the roll, kept rows or not.
    assert seen == set(helpers[:2])
    assert await WishService.count().where(WishService.helper == helpers[2]) > 0


async def _rows() -> list[tuple[int, int, int | None, datetime, int]]:
    rows = await WishService.select(
        WishService.wish, WishService.helper, WishService.community,
        WishService.confirmed_at, WishService.minutes)
    return sorted((r["wish"], r["helper"], r["community"], clock.aware(r["confirmed_at"]),
                   r["minutes"]) for r in rows)


async def test_the_backfill_writes_what_the_confirming_step_writes(world: World) -> None:
    await _history(world)
    kept = await _rows()
    confirmed = await Wish.count().where(Wish.status == "confirmed")
    assert len(kept) > confirmed  # a team wish: a row per helper
    assert len({r[0] for r in kept}) == confirmed
    await WishService.delete(force=True)
    migration = import_module("migrations.wishes.wishes_2026_12_01t00_40_00_000000")
    await migration.create()
    assert await _rows() == kept
    await stageclock.keep()  # a bulk load's rewrite of every confirmed wish: the same
    assert await _rows() == kept
    assert await WishClaim.count() > len(kept)  # ended claims left out


async def _tallies_from_history(community_id: int | None, start: datetime, end: datetime,
                                helper_ids: list[int]) -> dict[int, tuple]:
    """What a service record counts, read from the confirmations and the claims."""
    where = ((WishEvent.to_state == "confirmed") & (WishEvent.at >= start)
             & (WishEvent.at < end))
    if community_id is not None:
        where &= WishEvent.community == community_id
    out: dict[int, tuple] = {}
    for e in await WishEvent.select(WishEvent.wish, WishEvent.action, WishEvent.wish.hours,
                                    WishEvent.wish.rating).where(where):
        for c in await WishClaim.select(WishClaim.helper).where(
                (WishClaim.wish == e["wish"]) & (WishClaim.active == True)):  # noqa: E712
            if c["helper"] not in helper_ids:
                continue
            wishes, minutes, ratings, ids = out.get(c["helper"], (0, {}, [], []))
            who = figures.CONFIRMED_BY.get(e["action"], "staff")
            minutes = {**minutes, who: minutes.get(who, 0) + int(e["wish.hours"] or 0)}
            rated = [e["wish.rating"]] if e["wish.rating"] is not None else []
            out[c["helper"]] = (wishes + 1, minutes, ratings + rated, [*ids, e["wish"]])
    return {h: (n, {k: v for k, v in m.items() if v}, sorted(r), sorted(i))
            for h, (n, m, r, i) in out.items()}


async def test_service_records_count_what_the_history_says(world: World) -> None:
    helpers, first, last = await _history(world)
    for community in (world.community_id, None):
        for start, end in _periods(first, last):
            details: dict[int, records.Detail] = {}
            found = await records.tallies(community, start, end, helpers, details)
            got = {h: (t.wishes, {k: v for k, v in t.minutes.items() if v},
                       sorted(t.ratings), sorted(w["wish"] for w in details[h].wishes))
                   for h, t in found.items() if t.wishes}
            assert got == await _tallies_from_history(community, start, end, helpers)
    record = await records.service_record(await records.person(helpers[1]), first, last)
    assert record.tally.minutes["staff"] > 0  # the dispute resolved by staff
    assert record.tally.minutes["resident"] > 0
