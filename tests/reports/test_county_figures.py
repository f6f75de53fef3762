"""The figures read at county scale (issue 13): the honour roll's SQL, transfers carrying
their community, and the public page's short cache with one computation at a time."""

from __future__ import annotations

import asyncio
import importlib.util
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from types import ModuleType

from marketplace import clock, settings
from marketplace.community.tables import Building, Community, Grid
from marketplace.ledger import checking
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.privacy import consents
from marketplace.reports import figures, records, service
from marketplace.reports.cache import ShortCache
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import WishClaim, WishEvent
from tests.conftest import World, login, unique
from tests.reports.history import days_ago, make_wish

CONFIRMED = [1, 1, 1, 1]  # approve, claim, fulfil, confirm: an hour apart
EN = {"accept-language": "en"}


async def another_world() -> World:
    c = await Community.insert(Community(name=unique("Community "))).returning(Community.id)
    g = await Grid.insert(Grid(community=c[0]["id"], name="Grid A")).returning(Grid.id)
    b = await Building.insert(Building(grid=g[0]["id"], name="B1")).returning(Building.id)
    return World(int(c[0]["id"]), int(g[0]["id"]), int(b[0]["id"]))


async def test_honour_roll_counts_the_periods_confirmed_wishes_of_listed_helpers(
        world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    busy, quick, shy = [await world.person(helper=True, name=unique(n))
                        for n in ("Busy ", "Quick ", "Shy ")]
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    for _ in range(3):
        await make_wish(owner, staff, busy, cat, days_ago(5), CONFIRMED, minutes=60)
    await make_wish(owner, staff, quick, cat, days_ago(5), CONFIRMED, minutes=200)
    await make_wish(owner, staff, quick, cat, days_ago(40), CONFIRMED, minutes=500)  # before
    await make_wish(owner, staff, quick, cat, days_ago(5), [1, 1, 1])  # fulfilled, not yet
    await make_wish(owner, staff, shy, cat, days_ago(5), CONFIRMED, minutes=999)
    for listed in (busy, quick):  # the shy one never says yes: opt-in (PIPL Art. 25)
        await consents.set_honour_roll(listed, True)
    elsewhere = await another_world()
    far_staff, far_owner = await elsewhere.person(staff=True), await elsewhere.person()
    far_helper = await elsewhere.person(helper=True)
    far_cat = await wishes.add_category(far_staff, elsewhere.community_id, "Repairs", 10)
    for _ in range(5):
        await make_wish(far_owner, far_staff, far_helper, far_cat, days_ago(5), CONFIRMED)

    roll = await records.honour_roll(world.community_id, days_ago(10), days_ago(0))

    assert [(r.user_id, r.wishes, r.total_minutes) for r in roll] == [
        (busy.user_id, 3, 180), (quick.user_id, 1, 200)]
    assert roll[0].name == busy.display_name


async def test_honour_roll_breaks_ties_by_hours_then_name(world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    b, a, c = [await world.person(helper=True, name=n)
               for n in ("B helper", "A helper", "C helper")]
    for helper in (b, a, c):
        await consents.set_honour_roll(helper, True)
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    for helper, minutes in ((b, 60), (a, 60), (c, 90)):
        await make_wish(owner, staff, helper, cat, days_ago(2), CONFIRMED, minutes=minutes)
    roll = await records.honour_roll(world.community_id, days_ago(10), days_ago(0), limit=2)
    assert [r.name for r in roll] == ["C helper", "A helper"]


async def test_a_transfer_carries_its_community_and_the_check_notices_a_wrong_one(
        world: World) -> None:
    helper = await world.person(helper=True)
    done = await ledger.award(world.community_id, helper.user_id, 5, "activity",
                              "activity:1", None, "Clean-up", unique("k"))
    row = await Transfer.select(Transfer.community).where(Transfer.id == done["id"]).first()
    assert row["community"] == world.community_id
    assert not [b for b in await checking.check() if f"transfer {done['id']}:" in b]

    elsewhere = await another_world()
    await Transfer.update({Transfer.community: elsewhere.community_id}).where(
        Transfer.id == done["id"])
    try:
        assert [b for b in await checking.check() if f"transfer {done['id']}:" in b]
    finally:
        await Transfer.update({Transfer.community: world.community_id}).where(
            Transfer.id == done["id"])


async def test_service_record_over_three_years_counts_only_its_helper_and_period(
        world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    me, other = await world.person(helper=True), await world.person(helper=True)
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    for days in (30, 400, 1000):
        await make_wish(owner, staff, me, cat, days_ago(days), CONFIRMED, minutes=30)
    await make_wish(owner, staff, me, cat, days_ago(1200), CONFIRMED, minutes=30)  # before
    await make_wish(owner, staff, other, cat, days_ago(30), CONFIRMED, minutes=45)
    await ledger.award(world.community_id, me.user_id, 5, "activity", "activity:1", None,
                       "Patrol", unique("k"))
    three_years = service.parse_period(
        clock.local_date(days_ago(3 * 365)).isoformat(), clock.today().isoformat())
    record = await service.service_record(me, me.user_id, three_years)
    assert record.tally.wishes == 3 and record.tally.total_minutes == 90
    assert record.tally.activities == 1 and record.tally.activity_points == 5
    assert len(record.detail.wishes) == 3


# --- the public page's cache -------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_concurrent_askers_share_one_computation() -> None:
    cache: ShortCache[int] = ShortCache(lambda: 60)
    computed = 0
    release = asyncio.Event()

    async def compute() -> int:
        nonlocal computed
        computed += 1
        await release.wait()
        return 42

    askers = [asyncio.ensure_future(cache.get("c1", compute)) for _ in range(20)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*askers) == [42] * 20
    assert computed == 1
    assert await cache.get("c1", compute) == 42 and computed == 1
    assert await cache.get("c2", compute) == 42 and computed == 2  # another key, its own


async def test_a_visitor_leaving_does_not_cancel_the_others_computation() -> None:
    cache: ShortCache[int] = ShortCache(lambda: 60)
    release = asyncio.Event()

    async def compute() -> int:
        await release.wait()
        return 7

    first = asyncio.ensure_future(cache.get("c", compute))
    second = asyncio.ensure_future(cache.get("c", compute))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == 7
    assert first.cancelled()


async def test_kept_values_expire_and_failures_are_not_kept() -> None:
    clock_ = FakeClock()
    cache: ShortCache[int] = ShortCache(lambda: 30, clock=clock_)
    answers = iter([1, 2, 3])

    async def compute() -> int:
        return next(answers)

    assert await cache.get("k", compute) == 1
    clock_.now += 29
    assert await cache.get("k", compute) == 1
    clock_.now += 2
    assert await cache.get("k", compute) == 2

    async def broken() -> int:
        raise RuntimeError("database went away")

    clock_.now += 31
    for _ in range(2):
        try:
            await cache.get("k", broken)
        except RuntimeError:
            pass
        else:
            raise AssertionError("the failure reached no one")
    assert await cache.get("k", compute) == 3


async def test_no_cache_when_switched_off() -> None:
    cache: ShortCache[int] = ShortCache(lambda: 0)
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert [await cache.get("k", compute) for _ in range(3)] == [1, 2, 3]


async def test_public_page_computes_once_for_a_crowd_and_shows_the_right_figures(
        client, world: World, monkeypatch) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    helper = await world.person(helper=True, name=unique("Listed "))
    await consents.set_honour_roll(helper, True)
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    for _ in range(2):
        await make_wish(owner, staff, helper, cat, days_ago(0.5), [0.1, 0.1, 0.1, 0.1])
    computed = []
    real = service._public_figures

    async def counting(community_id: int, day: object) -> service.PublicFigures:
        computed.append(community_id)
        await asyncio.sleep(0.05)  # long enough for the crowd to arrive meanwhile
        return await real(community_id, day)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_public_figures", counting)
    monkeypatch.setattr(settings, "_settings",
                        replace(settings.get(), public_page_cache_seconds=60))
    service.PUBLIC_CACHE.clear()
    pages = await asyncio.gather(*(client.get(f"/c/{world.community_id}", headers=EN)
                                   for _ in range(8)))
    assert [p.status_code for p in pages] == [200] * 8
    assert computed == [world.community_id]
    confirmed = re.search(r'data-figure="confirmed">(\d+)<', pages[0].text)
    assert confirmed and int(confirmed.group(1)) == 2
    assert helper.display_name in pages[-1].text
    assert "max-age=60" in pages[0].headers["cache-control"]
    # Chinese readers get Chinese charts from the same kept figures.
    zh = await client.get(f"/c/{world.community_id}", headers={"accept-language": "zh"})
    assert "每月确认的心愿数" in zh.text and "Wishes confirmed per month" not in zh.text
    assert computed == [world.community_id]


async def test_signed_in_public_page_is_not_kept_by_the_browser(client, world: World) -> None:
    person = await world.person()
    await login(client, person)
    page = await client.get(f"/c/{world.community_id}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"


def test_buckets_follow_local_days_at_their_edges() -> None:
    utc = UTC
    months = figures.month_buckets(date(2026, 6, 15), 2)  # May, June
    moments = [
        (datetime(2026, 5, 31, 15, 59, 59, tzinfo=utc), 1),  # 23:59:59 on 31 May in China
        (datetime(2026, 5, 31, 16, 0, tzinfo=utc), 10),  # midnight, 1 June in China
        (datetime(2026, 4, 30, 16, 0), 100),  # naive (SQLite): UTC, so 1 May in China
        (datetime(2026, 4, 30, 15, 0, tzinfo=utc), 1000),  # 30 April: before the buckets
        (datetime(2026, 6, 30, 16, 0, tzinfo=utc), 10000),  # 1 July: after them
    ]
    assert figures.bucket_counts(moments, months, monthly=True) == [101, 10]
    weeks = figures.week_buckets(date(2026, 6, 3), 2)  # weeks of Mon 25 May and Mon 1 June
    assert weeks == [date(2026, 5, 25), date(2026, 6, 1)]
    assert figures.bucket_counts(moments, weeks, monthly=False) == [1, 10]


async def test_the_migration_fills_in_the_community_of_older_transfers(world: World) -> None:
    path = settings.ROOT / "migrations" / "ledger" / "ledger_2026_11_30t13_20_01_000000.py"
    spec = importlib.util.spec_from_file_location("transfer_community_backfill", path)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    helper = await world.person(helper=True)
    done = await ledger.award(world.community_id, helper.user_id, 5, "activity",
                              "activity:1", None, "Clean-up", unique("k"))
    await Transfer.update({Transfer.community: None}).where(Transfer.id == done["id"])
    await migration.backfill()  # what `marketplace migrate` ran for the rows it found
    row = await Transfer.select(Transfer.community).where(Transfer.id == done["id"]).first()
    assert row["community"] == world.community_id


def _migration(folder: str, name: str) -> ModuleType:
    path = settings.ROOT / "migrations" / folder / name
    spec = importlib.util.spec_from_file_location(name.removesuffix(".py"), path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_every_wish_event_carries_its_wishs_community_and_old_ones_are_filled_in(
        world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    helper = await world.person(helper=True)
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    made = await make_wish(owner, staff, helper, cat, days_ago(3), CONFIRMED)
    events = WishEvent.select(WishEvent.community).where(WishEvent.wish == made.wish_id)
    assert [r["community"] for r in await events] == [world.community_id] * 5

    await WishEvent.update({WishEvent.community: None}).where(
        WishEvent.wish == made.wish_id)
    migration = _migration("wishes", "wishes_2026_11_30t16_00_01_000000.py")
    await migration.backfill()  # what `marketplace migrate` ran for the rows it found
    assert [r["community"] for r in await events] == [world.community_id] * 5


async def test_every_claim_carries_its_wishs_community_and_old_ones_are_filled_in(
        world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    helper = await world.person(helper=True)
    cat = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    made = await make_wish(owner, staff, helper, cat, days_ago(3), CONFIRMED)
    claims = WishClaim.select(WishClaim.community).where(WishClaim.wish == made.wish_id)
    assert [r["community"] for r in await claims] == [world.community_id]

    await WishClaim.update({WishClaim.community: None}).where(
        WishClaim.wish == made.wish_id)
    migration = _migration("wishes", "wishes_2026_12_01t04_30_01_000000.py")
    await migration.backfill()  # what `marketplace migrate` ran for the rows it found
    assert [r["community"] for r in await claims] == [world.community_id]
