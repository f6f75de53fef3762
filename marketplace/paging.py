"""Keyset paging on an id column: "newest first, N at a time" and "every row in batches".

Offsets get slower with every page and skip or repeat rows when new ones arrive; a cursor
(the last id shown) does neither. A cursor comes from a URL, so it is bounded here before it
reaches a query (a 64-bit number would overflow the column).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column
from piccolo.query import Select

from marketplace.db import MAX_ID

Row = dict[str, Any]


@dataclass(frozen=True)
class Page:
    rows: Sequence[Row]  # a list, or quickread.Rows
    next_before: int | None  # the cursor for the next (older) page; None on the last


def cursor(raw: int | str | None) -> int | None:
    """A ``before`` cursor from a URL or body: a usable id, or None (start from the top)."""
    try:
        value = int(raw) if raw not in (None, "") else None  # type: ignore[arg-type]
    except ValueError:
        return None
    return value if value is not None and 0 < value <= MAX_ID + 1 else None


async def newest_first(query: Select, id_column: Column, before: int | None,
                       size: int) -> Page:
    """One page of ``query`` in descending ``id_column`` order, older than ``before``."""
    if before is not None:
        query = query.where(id_column < before)
    rows = await query.order_by(id_column, ascending=False).limit(size + 1)
    return page_of(rows, id_column._meta.name, size)


def page_of(rows: Sequence[Row], key: str, size: int) -> Page:
    """Up to ``size + 1`` rows in descending ``key`` order as one page: a row beyond
    ``size`` only says that an older page exists."""
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, rows[-1][key] if more and rows else None)


Fetch = Callable[[int], Awaitable[list[Row]]]


async def batches(fetch: Fetch, size: int, key: str = "id") -> AsyncIterator[list[Row]]:
    """Every row, oldest first: ``fetch(after_id)`` returns up to ``size`` rows with a
    larger ``key`` in ascending order."""
    last = 0
    while True:
        rows = await fetch(last)
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1][key]
