"""The street and district roll-ups against a hand-built fixture: two communities of one
street with known wishes, histories, points, helpers and party members."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile
from marketplace.community.tables import WorkUnit
from marketplace.errors import Forbidden
from marketplace.ledger import service as ledger
from marketplace.principal import Principal
from marketplace.reports import areas as area_reports
from marketplace.reports import queries, rollup, stages
from marketplace.reports.service import Period
from marketplace.rewards import merchants, offers
from marketplace.rewards import service as rewards
from marketplace.wishes import service, street
from tests.areas.setup import Area, build_area
from tests.conftest import World, login, unique
from tests.reports.history import days_ago, make_wish

HOUR = 3600.0
# The CSV's columns in order (the header is in the reader's language).
COLUMNS = ["name", *area_reports.STATUSES, "posted", "escalated", "claim_median",
           "claim_p90", "fulfil_median", "fulfil_p90", "issued", "redeemed", "outstanding",
           "helpers", "reported", "report_in", "completion", "target"]


async def party_member(world: World) -> Principal:
    person = await world.person(helper=True)
    await HelperProfile.update({HelperProfile.kind: "party_member"}).where(
        HelperProfile.user == person.user_id)
    return await sessions.load_principal(person.user_id)


async def shop_sale(world: World, staff: Principal, resident: Principal) -> None:
    """40 welcome points to the resident, who spends 5 of them at a shop."""
    owner = await world.person()
    merchant_id = await merchants.apply(owner, merchants.Application(
        unique("Shop "), "1 River Road", "8:00–20:00", "13800001111", "Rice"))
    await merchants.review(staff, merchant_id, True)
    owner = await merchants.with_merchant_roles(await sessions.load_principal(owner.user_id))
    offer_id = await offers.create(owner, merchant_id, offers.OfferInput("Rice", 5))
    await ledger.award(world.community_id, resident.user_id, 40, "award", "welcome", None,
                       "Welcome", unique("k"))
    code = await rewards.issue(resident, offer_id)
    await rewards.redeem(owner, merchant_id, str(code["code"]))


async def fixture() -> tuple[Area, dict[str, bool]]:
    a = await build_area(target_hours=1)
    staff_two = await a.two.person(staff=True)
    owner_one, owner_two = a.resident, await a.two.person()
    h1, h3 = await party_member(a.one), await party_member(a.two)
    h2 = await a.one.person(helper=True)  # a volunteer, not a party member
    await party_member(a.one)  # reported, never served
    cat_one = await service.add_category(a.staff_one, a.one.community_id, "Repairs", 10)
    cat_two = await service.add_category(staff_two, a.two.community_id, "Repairs", 10)
    # one: confirmed (claim 2 h, fulfil 4 h, 90 min), claimed (6 h), pending, rejected,
    # open and escalated to the street.
    done = await make_wish(owner_one, a.staff_one, h1, cat_one, days_ago(10), [1, 2, 4, 1],
                           minutes=90)
    await make_wish(owner_one, a.staff_one, h2, cat_one, days_ago(5), [1, 6])
    await make_wish(owner_one, a.staff_one, h1, cat_one, days_ago(3), [])
    rejected = await service.post_wish(owner_one, service.NewWish(cat_one, "A new car"))
    await service.review(a.staff_one, rejected, approve=False, reason="Too big")
    stuck = await make_wish(owner_one, a.staff_one, h1, cat_one, days_ago(2), [1])
    await street.escalate(a.staff_one, stuck.wish_id, "Nobody here has a van")
    # two: confirmed (claim 10 h, fulfil 20 h, 30 min) and open.
    await make_wish(owner_two, staff_two, h3, cat_two, days_ago(8), [2, 10, 20, 1],
                    minutes=30)
    await make_wish(owner_two, staff_two, h3, cat_two, days_ago(1), [1])
    await shop_sale(a.one, a.staff_one, owner_one)
    await WorkUnit.insert(
        WorkUnit(district=a.district_id, name=unique("Bureau "), party_members=10),
        WorkUnit(district=a.district_id, name=unique("Asked "), party_members=100,
                 status="requested"))
    confirmed_at = done.posted + timedelta(hours=8)
    return a, {"h1_this_year": clock.local_date(confirmed_at).year == clock.today().year}


def last_month() -> Period:
    return Period(clock.today() - timedelta(days=30), clock.today())


async def test_street_rollup_per_community_and_total() -> None:
    a, facts = await fixture()
    r = await area_reports.street_rollup(a.street_staff, a.street_a, last_month())
    one, two = sorted(r.rows, key=lambda f: f.community_id != a.one.community_id)
    assert (one.community_id, two.community_id) == (a.one.community_id, a.two.community_id)
    assert one.status == {"confirmed": 1, "claimed": 1, "pending": 1, "rejected": 1,
                          "open": 1}
    assert two.status == {"confirmed": 1, "open": 1}
    assert (one.posted, one.approved, one.fulfilled) == (5, 3, 1)
    assert (one.street_escalated, two.street_escalated, r.total.street_escalated) == (1, 0, 1)
    assert (one.completion, two.completion) == (1 / 3, 1 / 2)
    assert r.total.completion == 2 / 5
    # The clock: pooled samples, not a median of the communities' medians.
    claim, fulfil = r.total.stages()["claim"], r.total.stages()["fulfil"]
    assert (claim.median, claim.p90, claim.count) == (6 * HOUR, 10 * HOUR, 3)
    assert (fulfil.median, fulfil.p90) == (12 * HOUR, 20 * HOUR)
    assert one.stages()["claim"].median == 4 * HOUR  # 2 h and 6 h
    # Points: 10 for the confirmed wish and 40 welcome points issued, 5 redeemed.
    assert (one.issued, one.redeemed, one.outstanding) == (50, 5, 45)
    assert (two.issued, two.redeemed, two.outstanding) == (10, 0, 10)
    assert (r.total.issued, r.total.redeemed, r.total.outstanding) == (60, 5, 55)
    assert (one.helpers, two.helpers, r.total.helpers) == (2, 1, 3)
    # Report-in: party members of the area ÷ the 10 declared (a requested unit's 100 not).
    assert r.declared == 10
    assert (one.reported, two.reported) == (2, 1)
    assert (one.report_in(r.declared), r.total.report_in(r.declared)) == (0.2, 0.3)
    # The year's target (1 h): only h1's 90 minutes reach it.
    assert r.target_hours == 1
    assert one.meeting_target == (1 if facts["h1_this_year"] else 0)
    assert two.meeting_target == 0 and two.target_share() == 0


async def test_district_rollup_has_each_street_and_the_total() -> None:
    a, _facts = await fixture()
    r = await area_reports.district_rollup(a.district_staff, a.district_id, last_month())
    assert {f.community_id for f in r.rows} == {
        a.one.community_id, a.two.community_id, a.other.community_id}
    by_name = {f.name: f for f in r.streets}
    street_a = next(f for name, f in by_name.items() if name.startswith("Street A"))
    street_b = next(f for name, f in by_name.items() if name.startswith("Street B"))
    assert (street_a.posted, street_a.issued, street_a.helpers) == (7, 60, 3)
    assert (street_b.posted, street_b.issued, street_b.reported) == (0, 0, 0)
    assert street_b.completion is None and street_b.stages()["claim"].median is None
    assert r.total.posted == 7 and r.total.report_in(r.declared) == 0.3


async def test_no_declared_members_shows_a_dash(client) -> None:
    a = await build_area()
    await login(client, a.district_staff)
    page = await client.get(f"/district/{a.district_id}")
    assert page.status_code == 200
    assert re.search(r'data-figure="report_in"[^>]*>—<', page.text)
    assert "—" in page.text


async def test_csv_of_the_rollup(client) -> None:
    a, _facts = await fixture()
    await login(client, a.street_staff)
    response = await client.get(f"/street/{a.street_a}/rollup.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    header, *rows = lines
    assert len(header.split(",")) == len(area_reports.csv_header())
    assert len(rows) == 3  # two communities and the street's total
    total = dict(zip(COLUMNS, rows[-1].split(","), strict=True))
    assert (total["posted"], total["escalated"], total["issued"]) == ("7", "1", "60")
    assert (total["claim_median"], total["claim_p90"]) == ("6.0", "10.0")
    assert (total["report_in"], total["completion"]) == ("30.0", "40.0")


async def test_the_clock_is_the_dashboards() -> None:
    """The roll-up's clock is the dashboard's (``reports.stages``, held to
    ``figures.stage_seconds`` by tests/reports/test_stage_clock.py), a wish claimed twice
    included."""
    a = await build_area()
    staff = a.staff_one
    helper, other = await a.one.person(helper=True), await a.one.person(helper=True)
    category = await service.add_category(staff, a.one.community_id, "Repairs", 10)
    for n, gaps in enumerate(([1, 3], [2, 5, 7], [1, 1, 30, 2], [4], [])):
        await make_wish(a.resident, staff, helper, category, days_ago(9 - n), gaps)
    twice = await make_wish(a.resident, staff, helper, category, days_ago(3), [1, 2])
    await service.release(helper, twice.wish_id, "Cannot today")
    await service.claim(other, twice.wish_id)
    await service.fulfil(other, twice.wish_id, "Done", 30)
    period = last_month()
    scope = queries.Scope(a.one.community_id, period.start, period.end)
    expected = stages.summaries(await queries.stage_samples(scope))
    r = await area_reports.street_rollup(a.street_staff, a.street_a, period)
    one = next(f for f in r.rows if f.community_id == a.one.community_id)
    for summary in expected:
        if summary.stage in rollup.CLOCK_STAGES:
            got = one.stages()[summary.stage]
            assert (got.count, got.median, got.p90) == (
                summary.count, summary.median, summary.p90), summary.stage


async def test_rollups_are_kept_briefly_and_checked_every_time() -> None:
    a = await build_area()
    first = await area_reports.street_rollup(a.street_staff, a.street_a, last_month())
    wish = await service.post_wish(a.resident, service.NewWish(
        await service.add_category(a.staff_one, a.one.community_id, "Repairs", 10), "Door"))
    again = await area_reports.street_rollup(a.street_staff, a.street_a, last_month())
    assert again.total.posted == first.total.posted  # kept for ROLLUP_CACHE_SECONDS
    with pytest.raises(Forbidden):  # who may see it is asked before the cache
        await area_reports.street_rollup(a.other_street_staff, a.street_a, last_month())
    area_reports.CACHE.clear()
    fresh = await area_reports.street_rollup(a.street_staff, a.street_a, last_month())
    assert fresh.total.posted == first.total.posted + 1 and wish
