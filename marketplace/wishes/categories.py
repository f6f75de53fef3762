"""Wish categories of a community: staff add them, rename them, set their default points
and switch them off. Names are unique per community whatever their case, also when two
staff add the same name at once (see ``_named_write``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from marketplace import db, quickread
from marketplace.audit import service as audit
from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.wishes.rules import CATEGORY_NAME_MAX
from marketplace.wishes.tables import Category

T = TypeVar("T")


# The active categories fill the wish list's filter on every visit: SQL written once.
ACTIVE_CATEGORIES_SQL = """SELECT id, community, name, default_points, active FROM wish_category
WHERE community = {} AND active = {} ORDER BY name"""


async def categories(community_id: int, active_only: bool = True) -> list[dict[str, Any]]:
    if active_only:
        return await quickread.read(ACTIVE_CATEGORIES_SQL, community_id, True,
                                    types={"active": quickread.BOOLEAN})
    return await Category.select().where(Category.community == community_id).order_by(
        Category.name)


def _require_staff(actor: Principal, community_id: int) -> None:
    if not actor.can_staff(community_id):
        raise Forbidden(_("Only staff of this community manage its categories."))


def _clean_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= CATEGORY_NAME_MAX:
        raise DomainError(_("Please enter a name (up to %(n)s characters).",
                            n=CATEGORY_NAME_MAX), "name")
    return name


def check_points(community: dict[str, Any], points: int) -> None:
    low, high = community["min_wish_points"], community["max_wish_points"]
    if not low <= points <= high:
        raise DomainError(
            _("Points must be between %(low)s and %(high)s in this community.", low=low,
              high=high), "points")


async def _community(community_id: int) -> dict[str, Any]:
    community = await Community.select().where(Community.id == community_id).first()
    if community is None:
        raise NotFound(_("No such community."))
    return community


async def _refuse_duplicate(community_id: int, name: str, except_id: int | None) -> None:
    rows = await Category.select(Category.id, Category.name).where(
        Category.community == community_id)
    wanted = name.casefold()
    if any(r["name"].strip().casefold() == wanted and r["id"] != except_id for r in rows):
        raise Conflict(_("This community already has a category called “%(name)s”.",
                         name=name), "name")


async def _named_write(community_id: int, name: str, write: Callable[[], Awaitable[T]],
                       except_id: int | None = None) -> T:
    """Check the name and write it as one step, the community's row locked on PostgreSQL
    (SQLite serialises writers already). A twin that still reaches the database meets the
    unique index on (community, lower(name)) and gets the same polite refusal."""
    try:
        async with db.transaction():
            await db.lock_row(Community, community_id, "NO KEY UPDATE")
            await _refuse_duplicate(community_id, name, except_id)
            return await write()
    except db.DUPLICATE_ERRORS:
        await _refuse_duplicate(community_id, name, except_id)
        raise


async def add_category(actor: Principal, community_id: int, name: str, points: int) -> int:
    _require_staff(actor, community_id)
    name = _clean_name(name)
    check_points(await _community(community_id), points)

    async def insert() -> int:
        rows = await Category.insert(
            Category(community=community_id, name=name, default_points=points)
        ).returning(Category.id)
        return int(rows[0]["id"])

    return await _named_write(community_id, name, insert)


async def _category(actor: Principal, category_id: int) -> dict[str, Any]:
    row = None
    if 0 < category_id <= db.MAX_ID:
        row = await Category.select().where(Category.id == category_id).first()
    if row is None:
        raise NotFound(_("No such category."))
    _require_staff(actor, int(row["community"]))
    return row


async def update_category(actor: Principal, category_id: int, name: str, points: int) -> None:
    """A new name and default points (wishes already posted keep their points)."""
    row = await _category(actor, category_id)
    community_id = int(row["community"])
    name = _clean_name(name)
    check_points(await _community(community_id), points)

    async def update() -> None:
        await Category.update({Category.name: name, Category.default_points: points}).where(
            Category.id == category_id)
        if row["name"] != name or row["default_points"] != points:
            await audit.record(actor.user_id, community_id, "category_changed", "community",
                               community_id, f"{row['name']} ({row['default_points']}) → "
                               f"{name} ({points})")

    await _named_write(community_id, name, update, except_id=category_id)


async def toggle_category(actor: Principal, category_id: int) -> None:
    row = await _category(actor, category_id)
    await Category.update({Category.active: not row["active"]}).where(
        Category.id == category_id)


async def community_of(actor: Principal, category_id: int) -> int:
    """The category's community, for its staff (NotFound / Forbidden otherwise)."""
    return int((await _category(actor, category_id))["community"])
