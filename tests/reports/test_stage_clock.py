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
from marketplace.wishes.tables import Category, Wish, WishEvent
from tests.conftest import World, unique

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
            wish = int((await Wish.insert(Wish(
                community=community, grid=rng.choice(grids), owner=owner.user_id,
                posted_by=owner.user_id, category=category, title="Door",
                created_at=posted)).returning(Wish.id))[0]["id"])
            events = history(rng, posted)
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


async def test_the_sql_clock_is_the_python_reduction(world: World) -> None:
    rng = random.Random(13)
    grid_b, other = await make_histories(world, rng)
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
