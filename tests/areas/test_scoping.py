"""Who sees which roll-up: street staff their street's communities, district staff every
community of the district, administrators all; community staff, residents and another
street's staff are refused at every route."""

from __future__ import annotations

import pytest

from marketplace.principal import Principal
from tests.areas.setup import Area, build_area
from tests.conftest import login


def routes(a: Area) -> dict[str, list[str]]:
    s, d = f"/street/{a.street_a}", f"/district/{a.district_id}"
    return {
        "street": [s, f"{s}/rollup.csv", f"{s}/queue",
                   f"{s}/communities/{a.one.community_id}"],
        "district": [d, f"{d}/rollup.csv", f"{d}/communities/{a.other.community_id}"],
    }


async def status_of(client, who: Principal, paths: list[str]) -> set[int]:
    client.cookies.clear()
    await login(client, who)
    return {(await client.get(p)).status_code for p in paths}


@pytest.fixture
async def area() -> Area:
    return await build_area()


async def test_street_staff_see_their_street_only(client, area: Area) -> None:
    r = routes(area)
    assert await status_of(client, area.street_staff, r["street"]) == {200}
    assert await status_of(client, area.street_staff, r["district"]) == {403}
    b = f"/street/{area.street_b}"
    assert await status_of(client, area.street_staff, [b, f"{b}/rollup.csv", f"{b}/queue"]
                           ) == {403}
    # A community of another street, asked for through their own street's address.
    assert await status_of(client, area.street_staff, [
        f"/street/{area.street_a}/communities/{area.other.community_id}"]) == {404}


async def test_district_staff_see_everything_in_the_district(client, area: Area) -> None:
    r = routes(area)
    reads = [p for p in r["street"] if not p.endswith("/queue")] + r["district"]
    assert await status_of(client, area.district_staff, reads) == {200}
    page = await client.get(f"/district/{area.district_id}")
    for world in (area.one, area.two, area.other):
        assert f"/communities/{world.community_id}?" in page.text
    for street in (area.street_a, area.street_b):  # each street's own roll-up
        assert f'href="/street/{street}?' in page.text
    # The queue is the street's work, not the district's.
    assert await status_of(client, area.district_staff, [f"/street/{area.street_a}/queue"]
                           ) == {403}


async def test_others_are_refused(client, area: Area) -> None:
    everything = [*routes(area)["street"], *routes(area)["district"]]
    for who in (area.staff_one, area.resident, area.other_street_staff):
        assert await status_of(client, who, everything) <= {403, 404}, who.login
    client.cookies.clear()
    assert {(await client.get(p, follow_redirects=False)).status_code
            for p in everything} <= {302, 303, 401}


async def test_admins_see_all(client, area: Area) -> None:
    r = routes(area)
    assert await status_of(client, area.admin, [*r["street"], *r["district"]]) == {200}


async def test_drill_down_is_read_only(client, area: Area) -> None:
    await login(client, area.street_staff)
    page = await client.get(f"/street/{area.street_a}/communities/{area.one.community_id}")
    assert page.status_code == 200
    assert "/staff/reports/export/" not in page.text and "/staff/audit" not in page.text
    # The community's own staff pages stay closed to them.
    assert (await client.get(f"/staff/reports?community_id={area.one.community_id}")
            ).status_code == 403
