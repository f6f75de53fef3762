"""The trends are counted per bucket by the database (``queries.bucket_totals``): the same
figures as bucketing the raw rows in Python, at the edges of China's local months and weeks
(a moment at 23:59:59 and at 00:00:00 Asia/Shanghai, i.e. 15:59:59 and 16:00:00 UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from marketplace import clock
from marketplace.community.tables import Building, Grid
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.reports import figures, queries
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Wish, WishEvent
from tests.conftest import World, unique
from tests.reports.history import make_wish

LAST = date(2026, 7, 15)  # the trends end with July 2026 and the week of 13 July
CONFIRMED = [1, 1, 1, 1]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Just before and at local midnight on the first of June and of July, and at the start of a
# local week (Monday 6 July 2026, 00:00 in Shanghai = Sunday 5 July 16:00 UTC); the first a
# moment before the months shown.
MOMENTS = [utc(2025, 7, 31, 15, 59, 59), utc(2025, 7, 31, 16), utc(2026, 5, 31, 15, 59, 59),
           utc(2026, 5, 31, 16), utc(2026, 6, 30, 15, 59, 59), utc(2026, 6, 30, 16),
           utc(2026, 7, 5, 15, 59, 59), utc(2026, 7, 5, 16), utc(2026, 7, 19, 16)]


async def other_grid(world: World) -> World:
    g = await Grid.insert(Grid(community=world.community_id, name="Grid B")).returning(Grid.id)
    b = await Building.insert(Building(grid=g[0]["id"], name="B9")).returning(Building.id)
    return World(world.community_id, int(g[0]["id"]), int(b[0]["id"]))


async def history(world: World) -> int:
    """Wishes of two grids posted, confirmed and paid at the moments above; the second
    grid's id."""
    staff = await world.person(staff=True)
    there = await other_grid(world)
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    for i, moment in enumerate(MOMENTS):
        place = world if i % 2 else there
        owner, helper = await place.person(), await place.person(helper=True)
        # Confirmed four hours after posting: move the whole history so that the
        # confirmation and the award fall on the moment.
        made = await make_wish(owner, staff, helper, cat, moment - timedelta(hours=4),
                               CONFIRMED)
        await Transfer.update({Transfer.created_at: moment}).where(
            Transfer.reference == f"wish:{made.wish_id}")
    return there.grid_id


async def unpaid_transfers(world: World, there: World) -> list[int]:
    """At each moment, in each grid, points going back to the issuance account and points
    between two people: the community's transfers that issued nothing (written as rows,
    not through the ledger; the caller deletes them)."""
    issuance = (await ledger.issuance_account(world.community_id))["id"]
    rows = []
    for place in (world, there):
        a, b = [(await ledger.person_account((await place.person()).user_id))["id"]
                for _ in range(2)]
        for moment in MOMENTS:
            for debit, credit in ((a, issuance), (a, b)):
                rows.append(Transfer(debit=debit, credit=credit, amount=7, kind="redeem",
                                     created_at=moment, community=world.community_id,
                                     idempotency_key=unique("k"), content_hash="x"))
    return [r["id"] for r in await Transfer.insert(*rows).returning(Transfer.id)]


async def raw_rows(community_id: int, grid_id: int | None) -> tuple[list, list, list]:
    """The rows the trends count, read one by one (what the reports did before)."""
    wish = Wish.community == community_id
    done = (WishEvent.wish.community == community_id) & (WishEvent.to_state == "confirmed")
    issuance = await queries._issuance(community_id)
    paid = (Transfer.community == community_id) & (Transfer.debit == issuance["id"])
    if grid_id:
        wish &= Wish.grid == grid_id
        done &= WishEvent.wish.grid == grid_id
        paid &= Transfer.credit.owner.grid == grid_id
    return ([(r["created_at"], 1) for r in await Wish.select(Wish.created_at).where(wish)],
            [(r["at"], 1) for r in await WishEvent.select(WishEvent.at).where(done)],
            [(r["created_at"], r["amount"]) for r in await Transfer.select(
                Transfer.created_at, Transfer.amount).where(paid)])


async def test_database_buckets_equal_python_buckets_of_the_raw_rows(world: World) -> None:
    there = await history(world)
    building = await Building.select(Building.id).where(Building.grid == there).first()
    made = await unpaid_transfers(world, World(world.community_id, there, building["id"]))
    try:
        await check_buckets(world, there)
    finally:
        # Rows the ledger did not write (balances unchanged): gone before the ledger's own
        # check reads the shared database.
        await Transfer.delete().where(Transfer.id.is_in(made))


async def check_buckets(world: World, there: int) -> None:
    months, weeks = figures.month_buckets(LAST, 12), figures.week_buckets(LAST, 12)
    for grid_id in (None, world.grid_id, there):
        monthly, weekly = await queries.trends(world.community_id, grid_id, LAST)
        posted, confirmed, issued = await raw_rows(world.community_id, grid_id)
        for trend, starts, is_monthly in ((monthly, months, True), (weekly, weeks, False)):
            assert trend.posted == figures.bucket_counts(posted, starts, is_monthly)
            assert trend.confirmed == figures.bucket_counts(confirmed, starts, is_monthly)
            assert trend.issued == figures.bucket_counts(issued, starts, is_monthly)
        one = await queries.trend(world.community_id, grid_id, LAST, monthly=True)
        assert one == monthly


async def test_a_moment_at_local_midnight_counts_in_the_month_it_starts(world: World) -> None:
    await history(world)
    monthly, weekly = await queries.trends(world.community_id, None, LAST)
    assert monthly.labels[0] == "2025-08" and monthly.labels[-3:] == [
        "2026-05", "2026-06", "2026-07"]
    # August 2025 opens at its local midnight; the moment a second before is July's (and
    # both wishes were posted four hours before, in July).
    assert monthly.posted[0] == 0 and monthly.confirmed[0] == 1
    # May: 23:59:59 on 31 May; June: midnight 1 June and 23:59:59 on 30 June; July: the rest
    # (midnight 1 July, Sunday 5 July, Monday 6 July and midnight 20 July: still July).
    assert monthly.confirmed[-3:] == [1, 2, 4]
    assert monthly.issued[-3:] == [10, 20, 40]
    # The week of 29 June: 30 June 23:59:59, 1 July 00:00, Sunday 5 July 23:59:59; the week
    # of 6 July opens at its Monday's midnight; 20 July is after the last week shown.
    assert weekly.labels[-3:] == ["06-29", "07-06", "07-13"]
    assert weekly.confirmed[-3:] == [3, 1, 0]
    assert clock.local(MOMENTS[7]).date() == date(2026, 7, 6)
