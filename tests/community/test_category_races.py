"""Two staff adding the same category name at once: one wins, the other is refused
politely, and the database never holds the twin (its unique index on lower(name))."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from marketplace import db
from marketplace.errors import DomainError
from marketplace.wishes import categories
from marketplace.wishes.tables import Category
from tests.conftest import World, unique

MIGRATION = next(Path(__file__).parents[2].glob(
    "migrations/wishes/wishes_2026_11_30t13_12_00_000000.py"))


@pytest.fixture
def slow_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen the gap between the name check and the write: without the lock every rival
    would check before any of them writes."""
    real_check = categories._refuse_duplicate

    async def check_then_pause(*args: Any, **kwargs: Any) -> None:
        await real_check(*args, **kwargs)
        await asyncio.sleep(0.05)

    monkeypatch.setattr(categories, "_refuse_duplicate", check_then_pause)


async def test_simultaneous_adds_of_one_name_make_one_category(world: World,
                                                               slow_check: None) -> None:
    staff, other = await world.person(staff=True), await world.person(staff=True)
    name = unique("Shopping ")
    results = await asyncio.gather(
        categories.add_category(staff, world.community_id, name, 5),
        categories.add_category(other, world.community_id, name.upper(), 5),
        categories.add_category(other, world.community_id, f" {name.lower()} ", 5),
        return_exceptions=True)
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 2
    assert all(isinstance(e, DomainError) and e.field == "name"
               and "already has a category called" in e.message for e in lost)
    rows = await Category.select(Category.id, Category.name).where(
        Category.community == world.community_id)
    assert [r["id"] for r in rows if r["name"].casefold() == name.casefold()] == won


async def test_the_index_refuses_a_twin_the_check_missed(world: World,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    name = unique("Rides ")
    await Category.insert(Category(community=world.community_id, name=name))
    with pytest.raises(db.DUPLICATE_ERRORS):
        await Category.insert(Category(community=world.community_id, name=name.upper()))
    real_check = categories._refuse_duplicate
    calls: list[int] = []

    async def first_check_misses(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) > 1:
            await real_check(*args, **kwargs)

    monkeypatch.setattr(categories, "_refuse_duplicate", first_check_misses)
    staff = await world.person(staff=True)
    with pytest.raises(DomainError, match="already has a category called"):
        await categories.add_category(staff, world.community_id, name.lower(), 5)
    assert len(calls) == 2
    assert await Category.count().where(Category.community == world.community_id) == 1


async def test_migration_renames_old_duplicates_before_building_the_index(world: World
                                                                          ) -> None:
    spec = importlib.util.spec_from_file_location("category_names_migration", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    name = unique("Twin ")
    await migration.drop_index()
    try:
        rows = await Category.insert(Category(community=world.community_id, name=name),
                                     Category(community=world.community_id, name=name.upper())
                                     ).returning(Category.id)
    finally:
        await migration.create_index()
    first, second = sorted(int(r["id"]) for r in rows)
    names = {r["id"]: r["name"] for r in await Category.select(
        Category.id, Category.name).where(Category.id.is_in([first, second]))}
    assert names == {first: name, second: f"{name.upper()} ({second})"}
    with pytest.raises(db.DUPLICATE_ERRORS):
        await Category.insert(Category(community=world.community_id, name=name.lower()))
