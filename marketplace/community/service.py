"""Communities, grids and buildings: listing for forms, and the admin/staff management.

Places are public (every registration form lists them); managing them is for staff of
the place's community, and creating or renaming a community for administrators.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from marketplace import db, naturalsort, quickread
from marketplace.audit import service as audit
from marketplace.community.tables import Building, Community, Grid
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal

T = TypeVar("T")
KINDS = {"community": Community, "grid": Grid, "building": Building}


async def places(community_id: int | None = None) -> list[dict[str, Any]]:
    """Active communities with their grids and buildings, for the address selects."""
    query = Community.select(Community.id, Community.name).where(
        Community.archived == False  # noqa: E712
    ).order_by(Community.name)
    if community_id is not None:
        query = query.where(Community.id == community_id)
    communities = await query
    grids = naturalsort.by_name(await Grid.select(Grid.id, Grid.name, Grid.community).where(
        Grid.archived == False  # noqa: E712
    ), _name)
    buildings = naturalsort.by_name(await Building.select(
        Building.id, Building.name, Building.grid).where(
        Building.archived == False  # noqa: E712
    ), _name)
    by_grid: dict[int, list[dict[str, Any]]] = {}
    for b in buildings:
        by_grid.setdefault(b["grid"], []).append(b)
    by_community: dict[int, list[dict[str, Any]]] = {}
    for g in grids:
        g["buildings"] = by_grid.get(g["id"], [])
        by_community.setdefault(g["community"], []).append(g)
    for c in communities:
        c["grids"] = by_community.get(c["id"], [])
    return communities


_ACTIVE_GRIDS = "SELECT id, name FROM grid WHERE community = {} AND archived = {}"


def _name(row: dict[str, Any]) -> str:
    return str(row["name"])


async def grids(community_id: int) -> list[dict[str, Any]]:
    """The community's active grids, in the order people count them (naturalsort): one
    query, for filters that need no buildings (the wish list's, on every visit: its SQL
    is written once)."""
    rows = await quickread.read(_ACTIVE_GRIDS, community_id, False)
    return naturalsort.by_name(rows, _name)


async def get_community(community_id: int) -> dict[str, Any]:
    row = await Community.select().where(Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return row


def _require_staff_of(actor: Principal, community_id: int) -> None:
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))


async def structure(actor: Principal, community_id: int) -> dict[str, Any]:
    """The community with all grids and buildings, archived ones included (for managers)."""
    _require_staff_of(actor, community_id)
    community = await get_community(community_id)
    grids = naturalsort.by_name(
        await Grid.select().where(Grid.community == community_id), _name)
    buildings = naturalsort.by_name(
        await Building.select().where(Building.grid.community == community_id), _name)
    for g in grids:
        g["buildings"] = [b for b in buildings if b["grid"] == g["id"]]
    community["grids"] = grids
    return community


async def list_communities() -> list[dict[str, Any]]:
    """Every community, archived ones last: names are public (see ``places``)."""
    return await Community.select().order_by(Community.archived, Community.name)


async def managed_by(actor: Principal) -> list[dict[str, Any]]:
    """The communities ``actor`` manages: all of them for administrators."""
    if not actor.is_staff:
        raise Forbidden(_("This page is for community staff."))
    return [c for c in await list_communities() if actor.can_staff(c["id"])]


def _clean_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise DomainError(_("Please enter a name (up to 100 characters)."), "name")
    return name


async def create_community(actor: Principal, name: str, district: str = "") -> int:
    if not actor.is_admin:
        raise Forbidden(_("Only administrators create communities."))
    name = _clean_name(name)

    async def insert() -> int:
        rows = await Community.insert(
            Community(name=name, district=district.strip()[:100])
        ).returning(Community.id)
        community_id = int(rows[0]["id"])
        # In the write's transaction: the community exists exactly when its line does.
        await audit.record(actor.user_id, community_id, "community_created", "community",
                           community_id)
        return community_id

    return await _named_write("community", None, name, insert)


async def community_of(kind: str, object_id: int) -> int:
    """Which community a grid or building belongs to: staff are checked against it."""
    if kind == "community":
        await get_community(object_id)
        return object_id
    if kind == "grid":
        row = await Grid.select(Grid.community).where(Grid.id == object_id).first()
        if row is None:
            raise NotFound(_("No such grid."))
        return int(row["community"])
    if kind == "building":
        row = await Building.select(Building.grid.community).where(
            Building.id == object_id
        ).first()
        if row is None:
            raise NotFound(_("No such building."))
        return int(row["grid.community"])
    raise NotFound(_("Unknown kind of place."))


async def _authorise(actor: Principal, kind: str, object_id: int) -> int:
    community_id = await community_of(kind, object_id)
    allowed = actor.is_admin if kind == "community" else actor.can_staff(community_id)
    if not allowed:
        raise Forbidden(_("You cannot change places outside your community."))
    return community_id


async def _refuse_duplicate(kind: str, community_id: int | None, name: str,
                            except_id: int | None = None) -> None:
    """Two grids (or buildings) of one community with the same name would be mixed up on
    every form and report: refuse it, ignoring case and surrounding spaces. Archived ones
    count too (restore them instead). Community names are unique across the platform."""
    if kind == "grid":
        rows = await Grid.select(Grid.id, Grid.name).where(Grid.community == community_id)
        error: DomainError = DomainError(
            _("This community already has a grid called “%(name)s”.", name=name), "name")
    elif kind == "building":
        rows = await Building.select(Building.id, Building.name).where(
            Building.grid.community == community_id)
        error = DomainError(
            _("This community already has a building called “%(name)s”.", name=name), "name")
    else:
        rows = await Community.select(Community.id, Community.name)
        error = Conflict(_("A community with this name already exists."), "name")
    wanted = name.strip().casefold()
    if any(r["name"].strip().casefold() == wanted and r["id"] != except_id for r in rows):
        raise error


async def _named_write(kind: str, community_id: int | None, name: str,
                       write: Callable[[], Awaitable[T]], except_id: int | None = None) -> T:
    """Check the name and write it as one step. On PostgreSQL the community's row is locked
    first, so two requests adding the same name at once are checked one after the other
    (SQLite's write transactions are serialised already). A duplicate that still reaches the
    database (another process, a check this one missed) hits its unique index
    (migrations/community: lower(name) per community, per grid): it gets the same polite
    refusal, not an error page."""
    try:
        async with db.transaction():
            if community_id is not None:
                await db.lock_row(Community, community_id, "NO KEY UPDATE")
            await _refuse_duplicate(kind, community_id, name, except_id)
            return await write()
    except db.DUPLICATE_ERRORS:
        await _refuse_duplicate(kind, community_id, name, except_id)
        raise


async def add_grid(actor: Principal, community_id: int, name: str) -> int:
    _require_staff_of(actor, community_id)
    await get_community(community_id)
    name = _clean_name(name)

    async def insert() -> int:
        rows = await Grid.insert(Grid(community=community_id, name=name)).returning(Grid.id)
        return int(rows[0]["id"])

    return await _named_write("grid", community_id, name, insert)


async def add_building(actor: Principal, grid_id: int, name: str) -> int:
    community_id = await _authorise(actor, "grid", grid_id)
    name = _clean_name(name)

    async def insert() -> int:
        rows = await Building.insert(Building(grid=grid_id, name=name)).returning(Building.id)
        return int(rows[0]["id"])

    return await _named_write("building", community_id, name, insert)


async def rename(actor: Principal, kind: str, object_id: int, name: str) -> None:
    community_id = await _authorise(actor, kind, object_id)
    name = _clean_name(name)
    table = KINDS[kind]

    async def update() -> None:
        await table.update({table.name: name}).where(table.id == object_id)

    # A community's own name is unique platform-wide: no single community's lock covers it.
    await _named_write(kind, None if kind == "community" else community_id, name, update,
                       except_id=object_id)


async def name_of(actor: Principal, kind: str, object_id: int) -> str:
    """The place's name, for those who may change it."""
    await _authorise(actor, kind, object_id)
    table = KINDS[kind]
    row = await table.select(table.name).where(table.id == object_id).first()
    return str(row["name"]) if row else ""


async def set_archived(actor: Principal, kind: str, object_id: int, archived: bool) -> None:
    """Archive, never delete: people, wishes and points keep pointing at the place."""
    await _authorise(actor, kind, object_id)
    table = KINDS[kind]
    await table.update({table.archived: archived}).where(table.id == object_id)
