"""The open-wishes list's hand-written SQL answers exactly what the Piccolo select would,
for every filter, page and cursor."""

from __future__ import annotations

from datetime import date

from marketplace import paging
from marketplace.community import service as community
from marketplace.community.tables import Community, Grid
from marketplace.wishes import queries, service
from marketplace.wishes.tables import Category, Wish
from tests.conftest import World, unique


async def _piccolo(f: queries.ListFilter) -> paging.Page:
    query = Wish.select(*queries.CARD_COLUMNS).where(
        (Wish.community == f.community_id) & (Wish.status == "open"))
    if f.grid_id:
        query = query.where(Wish.grid == f.grid_id)
    if f.category_id:
        query = query.where(Wish.category == f.category_id)
    return await paging.newest_first(query, Wish.id, f.before, queries.PAGE_SIZE)


async def test_the_written_list_query_matches_the_piccolo_select(world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    errands = await service.add_category(staff, world.community_id, "Errands", 5)
    repairs = await service.add_category(staff, world.community_id, "Repairs", 8)
    g = await Grid.insert(Grid(community=world.community_id, name="Grid B")).returning(Grid.id)
    other_grid = int(g[0]["id"])
    ids = []
    for i in range(queries.PAGE_SIZE + 5):
        wish_id = await service.post_wish(owner, service.NewWish(
            errands if i % 3 else repairs, f"Wish {i}"))
        if i % 4 == 0:
            await Wish.update({Wish.grid: other_grid, Wish.building: None}).where(
                Wish.id == wish_id)
        if i % 5 == 1:  # a date wished by and a photo: their types as the select's
            await Wish.update({Wish.wished_by: date(2026, 12, i), Wish.photo: "p.jpg"}).where(
                Wish.id == wish_id)
        if i != 7:  # one stays pending: never listed
            await service.review(staff, wish_id, True)
        ids.append(wish_id)
    filters = [(grid, cat, before) for grid in (None, world.grid_id, other_grid)
               for cat in (None, errands, repairs) for before in (None, ids[10], ids[-1] + 1)]
    for grid, cat, before in filters:
        f = queries.ListFilter(world.community_id, grid, cat, "", before)
        written, built = await queries.open_wishes(f), await _piccolo(f)
        assert written == built, (grid, cat, before)
    first = await queries.open_wishes(queries.ListFilter(world.community_id))
    assert len(first.rows) == queries.PAGE_SIZE and first.next_before == first.rows[-1]["id"]
    newest = first.rows[0]  # "Wish 24": repairs, in grid B, without a building
    assert (newest["title"], newest["category.name"], newest["grid.name"]) == (
        "Wish 24", "Repairs", "Grid B")
    assert newest["building.name"] is None
    assert ids[7] not in [r["id"] for r in first.rows]


async def test_the_filter_choices_are_the_active_grids_and_categories_by_name(
        world: World) -> None:
    """One statement (``queries.filter_options``) answers what the two reads it replaced
    answer: active only, this community only, by name."""
    staff = await world.person(staff=True)
    for name in ("Repairs", "Errands", "Zebra crossing", "Hidden"):
        await service.add_category(staff, world.community_id, name, 5)
    await Category.update({Category.active: False}).where(
        (Category.name == "Hidden") & (Category.community == world.community_id))
    for name, archived in (("Grid C", False), ("Grid B", False), ("Old grid", True)):
        await Grid.insert(Grid(community=world.community_id, name=name, archived=archived))
    c = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    await Grid.insert(Grid(community=int(c[0]["id"]), name="Grid elsewhere"))
    await Category.insert(Category(community=int(c[0]["id"]), name="Elsewhere",
                                   default_points=5))
    grids, cats = await queries.filter_options(world.community_id)
    assert grids == [(g["id"], g["name"]) for g in await community.grids(world.community_id)]
    assert cats == [(c["id"], c["name"]) for c in await service.categories(world.community_id)]
    assert [n for _, n in grids] == ["Grid A", "Grid B", "Grid C"]
    assert [n for _, n in cats] == ["Errands", "Repairs", "Zebra crossing"]
