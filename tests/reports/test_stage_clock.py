"""The closed loop's clock in SQL (``reports.stages``) gives what ``figures.stage_seconds``
gives on each wish's history read in order, on many random histories: claims given back
and taken again, send-backs, re-opened disputes, stages never reached, events out of
order and at the same moment, wishes on the period's edges, another grid and another
community."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from marketplace.community.tables import Community, Grid
from marketplace.reports import figures, stages
from marketplace.wishes import service, stageclock
from marketplace.wishes.tables import Category, Wish, WishEvent
from tests.conftest import World, unique
from tests.wishes.helpers import open_wish

# (action, from_state, to_state): the wish's transitions, and some that no service makes
# (an event before the post, a second post) so every rule of the reduction is exercised.
STEPS = {
    "pending": [("approve", "pending", "open"), ("send_back", "pending", "pending"),
                ("reject", "pending", "rejected"), ("post", "pending", "pending")],
    "open": [("claim", "open", "claimed"), ("assign", "open", "claimed"),
             ("escalate", "open", "open"), ("cancel", "open", "cancelled")],
    "claimed": [("fulfil", "claimed", "fulfilled"), ("release", "claimed", "open"),
                ("claim", "claimed", "claimed")],
    "fulfilled": [("confirm", "fulfilled", "confirmed"), ("dispute", "fulfilled", "disputed"),
                  ("auto_confirm", "fulfilled", "confirmed")],
    "disputed": [("resolve_confirm", "disputed", "confirmed"),
                 ("resolve_reopen", "disputed", "claimed"), ("release", "disputed", "open")],
    "confirmed": [], "rejected": [], "cancelled": [],
}
START = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # a local midnight
END = datetime(2026, 4, 1, 16, 0, tzinfo=UTC)


def history(rng: random.Random, posted: datetime) -> list[tuple[datetime, str, str, str]]:
    """A walk through STEPS from the post, at whole milliseconds (SQLite's finest),
    sometimes several events at one moment or a stray event before the post."""
    moment, state = posted, "pending"
    out = [(posted, "post", "", "pending")]
    if rng.random() < 0.15:
        out.insert(0, rng.choice([(posted - timedelta(hours=1), "claim", "open", "claimed"),
                                  (posted, "send_back", "pending", "pending")]))
    for _ in range(rng.randint(0, 12)):
        if not STEPS[state]:
            break
        # Mostly forward (the first step of each state), so later stages are reached.
        choices = STEPS[state]
        step = choices[0] if rng.random() < 0.6 else rng.choice(choices)
        action, from_state, to_state = step
        gap = rng.choice([0, 0.001, rng.randint(1, 200_000_000) / 1000])
        moment += timedelta(seconds=gap)
        out.append((moment, action, from_state, to_state))
        state = to_state
    return out


async def make_histories(world: World, rng: random.Random) -> tuple[int, int]:
    """60 wishes in the world's community (two grids), 10 in another; returns the second
    grid and the other community."""
    grid_b = int((await Grid.insert(Grid(community=world.community_id, name="Grid B"))
                  .returning(Grid.id))[0]["id"])
    other = int((await Community.insert(Community(name=unique("Other ")))
                 .returning(Community.id))[0]["id"])
    owner = await world.person()
    for community, grids, n in ((world.community_id, [world.grid_id, grid_b], 60),
                                (other, [None], 10)):
        category = int((await Category.insert(Category(community=community, name="Repairs"))
                        .returning(Category.id))[0]["id"])
        for i in range(n):
            # The period's edges: its first moment counts, its end does not.
            posted = ([START, END, START - timedelta(milliseconds=1)][i] if i < 3
                      else START + timedelta(days=rng.uniform(-5, 36)))
            events = history(rng, posted)
            # Confirmed if the walk ended there (its durations may be kept); pending
            # otherwise, out of the timers' way (these wishes have no claims).
            status = "confirmed" if events[-1][3] == "confirmed" else "pending"
            wish = int((await Wish.insert(Wish(
                community=community, grid=rng.choice(grids), owner=owner.user_id,
                posted_by=owner.user_id, category=category, title="Door",
                created_at=posted, status=status)).returning(Wish.id))[0]["id"])
            # Written out of order sometimes: the order is (at, id), not the ids'.
            if rng.random() < 0.3:
                rng.shuffle(events)
            await WishEvent.insert(*[WishEvent(
                wish=wish, at=at, action=action, from_state=f, to_state=t,
                community=community) for at, action, f, t in events])
    return grid_b, other


async def oracle(community_id: int, grid_id: int | None) -> dict[str, list[float]]:
    """``figures.stage_seconds`` on each history of the wishes posted in the period."""
    where = ((Wish.community == community_id) & (Wish.created_at >= START)
             & (Wish.created_at < END))
    if grid_id:
        where &= Wish.grid == grid_id
    wishes = Wish.select(Wish.id).where(where)
    rows = await WishEvent.select(
        WishEvent.wish, WishEvent.at, WishEvent.action, WishEvent.from_state,
        WishEvent.to_state,
    ).where(WishEvent.wish.is_in(wishes)).order_by(WishEvent.wish).order_by(
        WishEvent.at).order_by(WishEvent.id)
    per_wish: dict[int, list[figures.Event]] = defaultdict(list)
    for r in rows:
        per_wish[r["wish"]].append(
            figures.Event(r["at"], r["action"], r["from_state"], r["to_state"]))
    out: dict[str, list[float]] = {s: [] for s in figures.STAGES}
    for events in per_wish.values():
        for stage, seconds in figures.stage_seconds(events).items():
            out[stage].append(round(seconds, 3))
    return out


async def keep_some(rng: random.Random) -> int:
    """Keep the durations of about half the confirmed wishes (the others are read from
    their events, as before the migration's backfill or for a wish confirmed by a bulk
    load); how many were kept."""
    confirmed = await Wish.select(Wish.id).where(Wish.status == "confirmed")
    for row in confirmed:
        if rng.random() < 0.5:
            await stageclock.keep(row["id"])
    return await Wish.count().where(Wish.confirm_seconds.is_not_null())


async def test_the_sql_clock_is_the_python_reduction(world: World) -> None:
    rng = random.Random(13)
    grid_b, other = await make_histories(world, rng)
    await check_against_oracle(world, grid_b, other)
    # Some confirmed wishes' durations kept on them, then every one's: the same figures.
    assert await keep_some(rng) >= 5
    await check_against_oracle(world, grid_b, other)
    await stageclock.keep()
    assert await Wish.count().where(Wish.confirm_seconds.is_not_null()) >= 10
    await check_against_oracle(world, grid_b, other)


async def test_kept_durations_are_the_python_reduction(world: World) -> None:
    """Every confirmed wish's kept durations are ``figures.stage_seconds`` of its whole
    history; a wish not confirmed keeps none."""
    _, other = await make_histories(world, random.Random(29))
    await stageclock.keep()
    # These histories' moments are whole milliseconds (SQLite's finest).
    wishes = await Wish.select(Wish.id, Wish.status, *stageclock_columns()).where(
        Wish.community.is_in([world.community_id, other]))
    events = await WishEvent.select(
        WishEvent.wish, WishEvent.at, WishEvent.action, WishEvent.from_state,
        WishEvent.to_state).order_by(WishEvent.at).order_by(WishEvent.id)
    per_wish: dict[int, list[figures.Event]] = defaultdict(list)
    for r in events:
        per_wish[r["wish"]].append(
            figures.Event(r["at"], r["action"], r["from_state"], r["to_state"]))
    kept = 0
    for w in wishes:
        expected = {s: round(v, 3) for s, v in figures.stage_seconds(per_wish[w["id"]]).items()}
        got = {s: w[c] for s, c in stageclock.COLUMNS.items() if w[c] is not None}
        if w["status"] == "confirmed" and "confirm" in expected:
            assert got == expected, w
            kept += 1
        else:
            assert got == {}, w
    assert kept >= 5


def stageclock_columns() -> list:
    return [getattr(Wish, c) for c in stageclock.COLUMNS.values()]


async def check_against_oracle(world: World, grid_b: int, other: int) -> None:
    for community, grid in ((world.community_id, None), (world.community_id, grid_b),
                            (world.community_id, world.grid_id), (other, None)):
        expected = await oracle(community, grid)
        got = (await stages.stage_samples([community], START, END, grid))[community]
        assert {s: sorted(v) for s, v in got.items()} == {
            s: sorted(v) for s, v in expected.items()}, (community, grid)
        assert stages.summaries(got) == figures.summarise_stages(
            [{s: v[i]} for s, v in expected.items() for i in range(len(v))])
        # Some stages only (the roll-ups'): those read from their own events alone.
        for only in (("claim", "fulfil"), ("review",), ("confirm",), ("review", "fulfil")):
            some = (await stages.stage_samples([community], START, END, grid, only))[community]
            assert {s: sorted(v) for s, v in some.items()} == {
                s: sorted(v) if s in only else [] for s, v in expected.items()}, only
    # The kept columns are the stages, in the order the pages show them.
    assert tuple(stageclock.RULES) == tuple(stageclock.COLUMNS) == figures.STAGES
    # Every stage and rule was met: the histories are varied enough to tell.
    everything = await oracle(world.community_id, None)
    assert all(len(everything[s]) >= 5 for s in figures.STAGES), everything


async def test_several_communities_at_once_are_each_their_own(world: World) -> None:
    rng = random.Random(17)
    _, other = await make_histories(world, rng)
    both = await stages.stage_samples([world.community_id, other], START, END)
    for community in (world.community_id, other):
        alone = (await stages.stage_samples([community], START, END))[community]
        assert both[community] == alone
    empty = await Community.insert(Community(name=unique("Empty "))).returning(Community.id)
    quiet = int(empty[0]["id"])
    assert (await stages.stage_samples([quiet], START, END))[quiet] == {
        s: [] for s in figures.STAGES}


async def test_confirming_keeps_the_durations_the_clock_reads(world: World) -> None:
    """A wish confirmed by its resident, another by staff settling a dispute: each keeps
    its four durations in the confirming step, and the clock gives the same figures from
    them as from the history."""
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    first, second = await open_wish(world, owner, staff), await open_wish(world, owner, staff)
    for wish_id in (first, second):
        await service.claim(helper, wish_id)
        await service.fulfil(helper, wish_id, "Done", minutes=30)
    await service.confirm(owner, first, 5)
    await service.dispute(owner, second, "Not done")
    await service.resolve(staff, second, True, "It was done")
    day = datetime.now(UTC) - timedelta(days=1)
    kept = await stages.stage_samples([world.community_id], day, day + timedelta(days=2))
    rows = await Wish.select(*stageclock_columns()).where(Wish.id.is_in([first, second]))
    assert all(None not in r.values() for r in rows), rows
    await Wish.update({getattr(Wish, c): None for c in stageclock.COLUMNS.values()}).where(
        Wish.id.is_in([first, second]))
    live = await stages.stage_samples([world.community_id], day, day + timedelta(days=2))
    assert kept == live
    assert all(len(live[world.community_id][s]) == 2 for s in figures.STAGES)


async def test_the_backfill_migration_keeps_what_the_confirming_step_keeps(
        world: World) -> None:
    """The migration carries its own copy of the statement (a later change to the app's
    code must not change an old migration): on varied histories it writes the same
    durations as ``stageclock.keep``."""
    from importlib import import_module

    backfill = import_module("migrations.wishes.wishes_2026_11_30t21_50_01_000000")
    _, other = await make_histories(world, random.Random(31))
    mine = Wish.community.is_in([world.community_id, other])
    await stageclock.keep()
    kept = await Wish.select(Wish.id, *stageclock_columns()).where(mine).order_by(Wish.id)
    await Wish.update({c: None for c in stageclock_columns()}, force=True).where(mine)
    await backfill.keep_all()
    again = await Wish.select(Wish.id, *stageclock_columns()).where(mine).order_by(Wish.id)
    assert again == kept
    assert sum(1 for w in kept if w["confirm_seconds"] is not None) >= 5
