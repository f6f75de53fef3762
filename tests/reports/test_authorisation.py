"""Who may see which report is decided in reports.service, whichever page asks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from marketplace.community.tables import Community
from marketplace.errors import Forbidden, NotFound
from marketplace.reports import service
from tests.conftest import World, login, unique


async def _other_community() -> int:
    row = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    return int(row[0]["id"])


async def test_staff_see_their_own_community_and_administrators_every_one(
        world: World) -> None:
    staff, admin = await world.person(staff=True), await world.person(admin=True)
    other = await _other_community()
    period = service.parse_period(None, None)
    assert (await service.dashboard(staff, None, None, period))["community"]["id"] == \
        world.community_id
    with pytest.raises(Forbidden):
        await service.dashboard(staff, other, None, period)
    with pytest.raises(Forbidden):
        service.export(staff, "wishes", other, period)
    assert (await service.dashboard(admin, other, None, period))["community"]["id"] == other
    assert service.export(admin, "members", other, period).filename.startswith(
        f"members-{other}-")
    with pytest.raises(NotFound):
        service.export(staff, "passwords", world.community_id, period)


async def test_a_service_record_is_for_its_person_and_their_communitys_staff(
        world: World) -> None:
    helper, neighbour = await world.person(helper=True), await world.person()
    staff = await world.person(staff=True)
    period = service.parse_period(None, None, default_months=12)
    assert (await service.service_record(helper, helper.user_id, period)).tally.user_id == \
        helper.user_id
    assert await service.service_record(staff, helper.user_id, period)
    with pytest.raises(Forbidden):
        await service.service_record(neighbour, helper.user_id, period)
    elsewhere = replace(staff, staff_community_ids=frozenset({await _other_community()}))
    with pytest.raises(Forbidden):
        await service.service_record(elsewhere, helper.user_id, period)
    with pytest.raises(NotFound):
        await service.service_record(staff, 10**9, period)
    issued = await service.certificate(helper, period)
    assert issued.cert.user_id == helper.user_id
    verdict = await service.verify_certificate(issued.token)
    assert verdict.cert is not None and verdict.unchanged


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "2026-02-30", "soon"])
async def test_a_date_out_of_range_gets_the_polite_message(client, world: World,
                                                          raw: str) -> None:
    period, default = service.parse_period(raw, None), service.parse_period(None, None)
    assert period.error and (period.first, period.last) == (default.first, default.last)
    await login(client, await world.person(staff=True))
    for url in (f"/staff/reports?date_to={raw}", f"/me/record?date_from={raw}"):
        answer = await client.get(url, headers={"accept-language": "en"})
        assert answer.status_code == 200, (url, answer.status_code)
    # A download is not a page that can explain: refused before its first byte.
    answer = await client.get(f"/staff/reports/export/wishes.csv?date_to={raw}",
                              headers={"accept-language": "en"})
    assert answer.status_code == 400 and "Please enter the date as YYYY-MM-DD" in answer.text
    page = await client.get(f"/staff/reports?date_to={raw}", headers={"accept-language": "en"})
    assert "Please enter dates as YYYY-MM-DD" in page.text
