"""Read-side queries for wish pages: lists with keyset pagination and queues for staff."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from marketplace import db, naturalsort, paging, quickread, textsearch
from marketplace.accounts.tables import User
from marketplace.db import MAX_ID
from marketplace.wishes.rules import SEARCH_MAX, State
from marketplace.wishes.tables import Wish, WishClaim

PAGE_SIZE = 20

# Public cards show the grid and building at most: never the owner's phone or address.
CARD_COLUMNS = (
    Wish.id, Wish.title, Wish.points, Wish.status, Wish.created_at, Wish.wished_by,
    Wish.grid.name, Wish.building.name, Wish.category.name, Wish.community, Wish.photo,
)


@dataclass(frozen=True)
class ListFilter:
    community_id: int
    grid_id: int | None = None
    category_id: int | None = None
    text: str = ""
    before: int | None = None  # keyset: show wishes with a smaller id (older)


# The open-wishes list is the page people open most: its SQL is written once here
# (Piccolo spent longer building this select than the database spent running it). The
# same columns and names as CARD_COLUMNS; tests compare the two.
_OPEN_WISHES = """
SELECT w.id, w.title, w.points, w.status, w.created_at, w.wished_by,
       g.name AS "grid.name", b.name AS "building.name", c.name AS "category.name",
       w.community, w.photo
FROM wish w
LEFT JOIN grid g ON g.id = w.grid
LEFT JOIN building b ON b.id = w.building
LEFT JOIN wish_category c ON c.id = w.category
WHERE w.community = {} AND w.status = {}"""
_CARD_TYPES = {"created_at": quickread.TIMESTAMPTZ, "wished_by": quickread.DATE}
_BEFORE = " AND w.id < {}"
_BY_GRID = " AND w.grid = {}"
_BY_CATEGORY = " AND w.category = {}"
_NEWEST_FIRST = " ORDER BY w.id DESC LIMIT {}"


@functools.cache
def _open_wishes_sql(before: bool, by_grid: bool, by_category: bool) -> str:
    return (_OPEN_WISHES + (_BEFORE if before else "") + (_BY_GRID if by_grid else "")
            + (_BY_CATEGORY if by_category else "") + _NEWEST_FIRST)


async def open_wishes(f: ListFilter) -> paging.Page:
    """Open wishes newest first: one page and the cursor for the next (older) one."""
    if any(n is not None and not 0 < n <= MAX_ID for n in (f.grid_id, f.category_id)):
        return paging.Page([], None)  # no grid or category has such an id
    if f.before is not None and f.before < 1:
        return paging.Page([], None)  # no wish is older than that
    text = f.text.strip()[:SEARCH_MAX]
    if text:
        return await _search_open_wishes(f, text)
    before = paging.cursor(f.before)
    if before is not None:
        before = min(before, MAX_ID)  # the column is 32-bit; no id reaches MAX_ID anyway
    args = [n for n in (before, f.grid_id, f.category_id) if n]
    sql = _open_wishes_sql(bool(before), bool(f.grid_id), bool(f.category_id))
    rows = await quickread.read_rows(sql, f.community_id, State.OPEN, *args, PAGE_SIZE + 1,
                                     types=_CARD_TYPES)
    return paging.page_of(rows, "id", PAGE_SIZE)


# The list's filter choices on every visit: the community's active grids and active
# categories, each by name, in one statement where it took two (``community.grids``,
# ``categories.categories``; a test compares them).
_FILTER_OPTIONS = """
SELECT 'category' AS kind, id, name FROM wish_category WHERE community = {} AND active = {}
UNION ALL
SELECT 'grid' AS kind, id, name FROM grid WHERE community = {} AND archived = {}
ORDER BY 1, 3, 2"""

Options = list[tuple[int, str]]


async def filter_options(community_id: int) -> tuple[Options, Options]:
    """(grids, categories) of the wish list's filter, as ``(id, name)`` pairs by name."""
    rows = await quickread.read(_FILTER_OPTIONS, community_id, True, community_id, False)
    grids = naturalsort.by_name([(r["id"], r["name"]) for r in rows if r["kind"] == "grid"],
                                lambda pair: str(pair[1]))
    return grids, [(r["id"], r["name"]) for r in rows if r["kind"] == "category"]


async def _search_open_wishes(f: ListFilter, text: str) -> paging.Page:
    query = Wish.select(*CARD_COLUMNS).where(
        (Wish.community == f.community_id) & (Wish.status == State.OPEN))
    if f.grid_id:
        query = query.where(Wish.grid == f.grid_id)
    if f.category_id:
        query = query.where(Wish.category == f.category_id)
    like = textsearch.contains(text)
    query = query.where(Wish.title.ilike(like) | Wish.description.ilike(like))
    return await paging.newest_first(query, Wish.id, paging.cursor(f.before), PAGE_SIZE)


async def owned_by(user_id: int) -> list[dict[str, Any]]:
    return await Wish.select(*CARD_COLUMNS, Wish.reject_reason).where(
        Wish.owner == user_id).order_by(Wish.id, ascending=False).limit(100)


async def claimed_by(user_id: int) -> list[dict[str, Any]]:
    ids = await WishClaim.select(WishClaim.wish).where(
        (WishClaim.helper == user_id) & (WishClaim.active == True))  # noqa: E712
    if not ids:
        return []
    return await Wish.select(*CARD_COLUMNS, Wish.claim_deadline).where(
        Wish.id.is_in([r["wish"] for r in ids])).order_by(Wish.id, ascending=False)


async def staff_queue(community_id: int, status: str, after: int | None = None,
                      size: int = 200) -> list[dict[str, Any]]:
    """Oldest first, up to ``size + 1`` wishes with an id above ``after`` (a row beyond
    ``size`` says that more are waiting)."""
    where = (Wish.community == community_id) & (Wish.status == status)
    if after is not None:
        where &= Wish.id > after
    return await Wish.select(*CARD_COLUMNS, Wish.owner.display_name, Wish.escalated_at,
                             Wish.dispute_reason, Wish.description,
                             ).where(where).order_by(Wish.id).limit(size + 1)


async def queue_length(community_id: int, status: str) -> int:
    return await Wish.count().where((Wish.community == community_id) & (Wish.status == status))


async def escalated(community_id: int) -> list[dict[str, Any]]:
    return await Wish.select(*CARD_COLUMNS, Wish.owner.display_name, Wish.escalated_at).where(
        (Wish.community == community_id) & (Wish.status == "open")
        & Wish.escalated_at.is_not_null()
    ).order_by(Wish.escalated_at).limit(200)


async def open_claim_counts(user_ids: list[int]) -> dict[int, int]:
    """How many wishes each helper holds now: the helper picker shows it, so staff spread
    the work."""
    if not user_ids:
        return {}
    rows = await WishClaim.select(WishClaim.helper).where(
        WishClaim.helper.is_in(user_ids) & (WishClaim.active == True)  # noqa: E712
        & (WishClaim.wish.status == State.CLAIMED))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["helper"]] = counts.get(row["helper"], 0) + 1
    return counts


# --- one wish as one person sees it (every wish step and page starts here) --------------


@dataclass(frozen=True)
class WishFacts:
    """What deciding a step on a wish needs, from one statement: the wish row as
    ``Wish.select()`` gives it, its active claims first joiner first, its owner (the columns
    ``proxies.may_act_for`` reads), whether the owner has named the reader a proxy, the
    owner's proxies (told when the owner's step is next), the community's claim
    deadline, and which claimers' accounts are closed (``closing.closed_among``: a
    confirmation pays and tells only the others)."""

    wish: dict[str, Any]
    claims: list[dict[str, Any]]
    owner: dict[str, Any]
    reader_is_proxy: bool
    proxies: list[int]
    claim_deadline_days: int
    closed_claimers: frozenset[int]


_CLAIM_COLUMNS = ("id", "wish", "helper", "joined_at", "active", "assigned_by", "community")
_OWNER_COLUMNS = ("id", "login", "display_name", "community", "managed_by_staff",
                  "is_active")
_WISH_FACTS = """
SELECT w.*, {claim}, {owner}, c.claim_deadline_days AS "community.claim_deadline_days",
       h.is_active AS "helper_is_active",
       EXISTS(SELECT 1 FROM proxy_link p WHERE p.resident = w.owner AND p.proxy = {{}}
              AND p.active = {{}}) AS "reader_is_proxy",
       (SELECT {proxies} FROM proxy_link p
        WHERE p.resident = w.owner AND p.active = {{}}) AS "proxies"
FROM wish w
JOIN community c ON c.id = w.community
JOIN app_user o ON o.id = w.owner
LEFT JOIN wish_claim wc ON wc.wish = w.id AND wc.active = {{}}
LEFT JOIN app_user h ON h.id = wc.helper
WHERE w.id = {{}}
ORDER BY wc.joined_at, wc.id"""


@functools.cache
def _wish_facts_sql() -> str:
    # Built on first use: the proxies' id list is written differently per database.
    return _WISH_FACTS.format(
        claim=", ".join(f'wc.{c} AS "claim.{c}"' for c in _CLAIM_COLUMNS),
        owner=", ".join(f'o.{c} AS "owner.{c}"' for c in _OWNER_COLUMNS),
        proxies=db.id_list_sql("p.proxy"))


@functools.cache
def _facts_types() -> dict[str, Any]:
    # Every converted column of the three tables, as Piccolo converts it (a typed read
    # converted every integer too: three times the cost of the statement).
    owner = quickread.types_of(User, "owner.")
    return {**quickread.types_of(Wish), **quickread.types_of(WishClaim, "claim."),
            **{k: v for k, v in owner.items() if k[len("owner."):] in _OWNER_COLUMNS},
            "helper_is_active": quickread.BOOLEAN}


def _part(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k[len(prefix):]: v for k, v in row.items() if k.startswith(prefix)}


async def wish_facts(wish_id: int, reader_id: int) -> WishFacts | None:
    """The wish ``wish_id`` with what ``reader_id``'s step on it depends on (``WishFacts``),
    or None when there is no such wish. One statement where it took four."""
    if not 0 < wish_id <= MAX_ID:
        return None
    rows = await quickread.read(_wish_facts_sql(), reader_id, True, True, True, wish_id,
                                types=_facts_types())
    if not rows:
        return None
    first = rows[0]
    wish = {k: v for k, v in first.items() if "." not in k
            and k not in ("reader_is_proxy", "proxies", "helper_is_active")}
    claims = [_part(r, "claim.") for r in rows if r["claim.id"] is not None]
    for claim in claims:
        claim["active"] = True  # SQLite answers 1 for the joined boolean
    return WishFacts(
        wish=wish, claims=claims, owner=_part(first, "owner."),
        reader_is_proxy=bool(first["reader_is_proxy"]),
        proxies=sorted(db.parse_id_list(first["proxies"])),
        claim_deadline_days=int(first["community.claim_deadline_days"]),
        closed_claimers=frozenset(int(r["claim.helper"]) for r in rows
                                  if r["claim.id"] is not None and not r["helper_is_active"]))
