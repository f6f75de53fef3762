"""The work-unit portal: its figures against a hand-built history, and who may see it."""

from __future__ import annotations

import csv
import io

import pytest

from marketplace.accounts.tables import HelperProfile
from marketplace.community.tables import District
from marketplace.errors import NotFound
from marketplace.wishes import service as wishes
from marketplace.workunits import portal
from tests.conftest import login, text_of
from tests.reports.history import days_ago, make_wish
from tests.workunits.conftest import Area, make_district

EN = {"accept-language": "en"}


async def _history(area: Area) -> tuple[int, dict]:
    """Unit with two members: Wang served 90 + 60 minutes (ratings 5, 4), Li 30 minutes
    (rating 3); the district's target is 2 hours a year, so Li is below it."""
    await District.update({District.yearly_target_hours: 2}).where(
        District.id == area.district_id)
    unit = await area.unit("潍城区税务局")
    wang, li = await area.member(unit, "王党员"), await area.member(unit, "李党员")
    outsider = await area.member(await area.unit("Another unit"), "外单位")
    staff = await area.world.person(staff=True)
    owner = await area.world.person(name="居民张阿姨")
    cat = await wishes.add_category(staff, area.world.community_id, "Repairs", 1)
    for helper, minutes, rating in ((wang, 90, 5), (wang, 60, 4), (li, 30, 3),
                                    (outsider, 500, 5)):
        await make_wish(owner, staff, helper, cat, days_ago(5), [1, 1, 1, 1],
                        minutes=minutes, rating=rating)
    return unit, {"wang": wang, "li": li, "outsider": outsider, "owner": owner}


async def test_portal_figures_from_a_hand_built_history(client, area: Area) -> None:
    unit, people = await _history(area)
    contact = await area.contact(unit)
    table = await portal.table(contact, unit, portal.period("year"))
    lines = {line.name: line for line in table.lines}
    assert set(lines) == {"王党员", "李党员"}  # only the unit's own members
    wang, li = lines["王党员"], lines["李党员"]
    assert (wang.tally.total_minutes, wang.tally.wishes) == (150, 2)
    assert (wang.tally.average_rating, len(wang.tally.ratings)) == (4.5, 2)
    assert (li.tally.total_minutes, li.tally.wishes, li.year_minutes) == (30, 1, 30)
    assert li.below_target and not wang.below_target and table.below == 1
    last_year = await portal.table(contact, unit, portal.period("last-year"))
    assert all(line.tally.total_minutes == 0 for line in last_year.lines)
    assert {line.name for line in last_year.lines if line.below_target} == {"李党员"}

    await login(client, contact)
    page = text_of((await client.get(f"/unit/{unit}", headers=EN)).text)
    assert "王党员" in page and "李党员" in page and "外单位" not in page
    assert "2.5" in page and "0.5 / 2 h" in page
    assert (await client.get("/unit", headers=EN)).headers["location"] == f"/unit/{unit}"
    # The portal leads to the service cards the communities sent (双报告), which it may open.
    assert f'href="/unit/{unit}/cards"' in (await client.get(f"/unit/{unit}")).text
    assert (await client.get(f"/unit/{unit}/cards", headers=EN)).status_code == 200
    r = await client.get(f"/unit/{unit}/members.csv?period=year")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["王党员"][5] == "2.5" and by_name["李党员"][5] == "0.5"
    assert by_name["李党员"][-1] != "" and by_name["王党员"][-1] == ""
    detail = await client.get(f"/unit/{unit}/members/{people['wang'].user_id}", headers=EN)
    assert detail.status_code == 200 and "Fix the door" in detail.text
    assert "居民张阿姨" not in detail.text  # residents are shown by grid only
    assert "Grid A" in detail.text
    other = await client.get(f"/unit/{unit}/members/{people['outsider'].user_id}")
    assert other.status_code == 404


async def test_only_the_units_contact_and_keepers_see_it(client, area: Area) -> None:
    unit, people = await _history(area)
    other_unit = await area.unit("Other")
    other_contact = await area.contact(other_unit)
    other_district_staff = await area.district_staff((await make_district())[0])
    staff_here = await area.world.person(staff=True)
    for refused in (other_contact, other_district_staff, staff_here, people["owner"],
                    people["wang"]):
        with pytest.raises(NotFound):
            await portal.table(refused, unit, portal.period("year"))
    for allowed in (await area.district_staff(), await area.world.person(admin=True)):
        assert len((await portal.table(allowed, unit, portal.period("year"))).lines) == 2
    await login(client, other_contact)
    for path in (f"/unit/{unit}", f"/unit/{unit}/members.csv",
                 f"/unit/{unit}/members/{people['wang'].user_id}", "/admin/work-units/",
                 f"/admin/work-units/{unit}", "/staff/wishes/"):
        assert (await client.get(path)).status_code in (403, 404), path


def test_periods() -> None:
    from datetime import date

    q = portal.period("quarter", date(2026, 11, 30))
    assert (q.first, q.last) == (date(2026, 10, 1), date(2026, 12, 31))
    y = portal.period("last-year", date(2026, 2, 1))
    assert (y.first, y.last) == (date(2025, 1, 1), date(2025, 12, 31))
    assert portal.period("<script>", date(2026, 2, 1)).key == "year"


async def test_the_table_is_kept_briefly_and_who_may_see_it_checked_every_time(
        area: Area) -> None:
    unit, people = await _history(area)
    contact = await area.contact(unit)
    first = await portal.table(contact, unit, portal.period("year"))
    await HelperProfile.update({HelperProfile.work_unit_ref: unit}).where(
        HelperProfile.user == people["outsider"].user_id)  # a third member joins
    again = await portal.table(contact, unit, portal.period("year"))
    assert len(again.lines) == len(first.lines) == 2  # kept for ROLLUP_CACHE_SECONDS
    other_contact = await area.contact(await area.unit("Elsewhere"))
    with pytest.raises(NotFound):  # asked before the cache
        await portal.table(other_contact, unit, portal.period("year"))
