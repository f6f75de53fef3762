"""Two staff adding the same grid or building name at the same moment: one wins, the other
gets the usual polite refusal, and the database never holds the duplicate."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from marketplace import db
from marketplace.community import service
from marketplace.community.tables import Building, Community, Grid
from marketplace.errors import DomainError
from tests.conftest import World, unique

MIGRATION = next(Path(__file__).parents[2].glob(
    "migrations/community/community_2026_11_23t14_00_00_000000.py"))


@pytest.fixture
def slow_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen the gap between the name check and the write, so that without protection
    every rival would check before any of them writes (a real race, every time)."""
    real_check = service._refuse_duplicate

    async def check_then_pause(*args: Any, **kwargs: Any) -> None:
        await real_check(*args, **kwargs)
        await asyncio.sleep(0.05)

    monkeypatch.setattr(service, "_refuse_duplicate", check_then_pause)


async def _outcomes(*calls: Any) -> tuple[list[Any], list[BaseException]]:
    results = await asyncio.gather(*calls, return_exceptions=True)
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    return won, lost


async def test_simultaneous_adds_of_one_grid_name_make_one_grid(
        world: World, slow_check: None) -> None:
    staff, other = await world.person(staff=True), await world.person(staff=True)
    name = unique("East Gate ")
    won, lost = await _outcomes(service.add_grid(staff, world.community_id, name),
                                service.add_grid(other, world.community_id, name.upper()))
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], DomainError) and lost[0].field == "name"
    assert "already has a grid called" in lost[0].message
    rows = await Grid.select(Grid.id, Grid.name).where(Grid.community == world.community_id)
    assert [r["id"] for r in rows if r["name"].casefold() == name.casefold()] == won


async def test_simultaneous_building_names_in_one_community_make_one_building(
        world: World, slow_check: None) -> None:
    staff = await world.person(staff=True)
    second_grid = await service.add_grid(staff, world.community_id, unique("West "))
    name = unique("Block ")
    # The same grid twice, and another grid of the same community: names are per community.
    won, lost = await _outcomes(service.add_building(staff, world.grid_id, name),
                                service.add_building(staff, world.grid_id, f" {name} "),
                                service.add_building(staff, second_grid, name.lower()))
    assert len(won) == 1 and len(lost) == 2
    assert all(isinstance(e, DomainError) and "already has a building called" in e.message
               for e in lost)
    rows = await Building.select(Building.id, Building.name).where(
        Building.grid.community == world.community_id)
    assert [r["id"] for r in rows if r["name"].casefold() == name.casefold()] == won


async def test_simultaneous_renames_to_one_name_leave_one_grid_with_it(
        world: World, slow_check: None) -> None:
    staff = await world.person(staff=True)
    first = await service.add_grid(staff, world.community_id, unique("Old "))
    second = await service.add_grid(staff, world.community_id, unique("Old "))
    name = unique("Riverside ")
    won, lost = await _outcomes(service.rename(staff, "grid", first, name),
                                service.rename(staff, "grid", second, name))
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], DomainError)
    assert await Grid.count().where(Grid.name == name) == 1


async def test_the_database_refuses_a_duplicate_the_service_did_not_see(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    name = unique("South ")
    await Grid.insert(Grid(community=world.community_id, name=name))
    with pytest.raises(db.DUPLICATE_ERRORS):
        await Grid.insert(Grid(community=world.community_id, name=name.lower()))
    await Building.insert(Building(grid=world.grid_id, name=name))
    with pytest.raises(db.DUPLICATE_ERRORS):
        await Building.insert(Building(grid=world.grid_id, name=name.upper()))
    # Another community may use the name.
    other = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    await Grid.insert(Grid(community=other[0]["id"], name=name))

    # A check that misses the rival (as when it commits just after): the index refuses the
    # insert, and the person still gets the polite message rather than an error page.
    real_check = service._refuse_duplicate
    calls: list[str] = []

    async def first_check_misses(kind: str, *args: Any, **kwargs: Any) -> None:
        calls.append(kind)
        if len(calls) > 1:
            await real_check(kind, *args, **kwargs)

    monkeypatch.setattr(service, "_refuse_duplicate", first_check_misses)
    staff = await world.person(staff=True)
    with pytest.raises(DomainError, match="already has a grid called"):
        await service.add_grid(staff, world.community_id, name.upper())
    assert calls == ["grid", "grid"]
    assert await Grid.count().where(Grid.community == world.community_id) == 2


async def test_migration_renames_old_duplicates_before_building_the_index(
        world: World) -> None:
    spec = importlib.util.spec_from_file_location("place_names_migration", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    name = unique("Twin ")
    await migration.drop_indexes()
    try:
        rows = await Grid.insert(Grid(community=world.community_id, name=name),
                                 Grid(community=world.community_id, name=name.upper())
                                 ).returning(Grid.id)
    finally:
        await migration.create_indexes()
    first, second = sorted(int(r["id"]) for r in rows)
    names = {r["id"]: r["name"] for r in await Grid.select(Grid.id, Grid.name).where(
        Grid.id.is_in([first, second]))}
    assert names == {first: name, second: f"{name.upper()} ({second})"}
    with pytest.raises(db.DUPLICATE_ERRORS):
        await Grid.insert(Grid(community=world.community_id, name=name.lower()))
