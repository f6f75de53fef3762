"""Every CSV the site hands out is written here: one escaping rule, one encoding.

Files open in a spreadsheet in a community office, usually Excel: a UTF-8 byte-order mark
makes it read Chinese correctly, and a text cell that starts like a formula (= + - @, or a
tab or carriage return that some spreadsheets skip before one) is quoted with a leading
apostrophe so it is shown, never run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any

from marketplace import clock

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Row = Sequence[Any]


def cell(value: Any) -> Any:
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime):
        return clock.local_time(value, TIME_FORMAT)
    return "" if value is None else value


def lines(rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def document(header: Row, rows: Iterable[Row]) -> bytes:
    """A whole (small) file: BOM, header, rows."""
    return (BOM + lines([header, *rows])).encode()


async def stream(header: Row, batches: AsyncIterator[Sequence[Row]]) -> AsyncIterator[bytes]:
    """A large file a batch at a time, so memory stays flat however many rows there are.

    Validate everything before handing this to a response: an error after the first chunk
    cuts the connection with a 200 already sent."""
    yield (BOM + lines([header])).encode()
    async for batch in batches:
        yield lines(batch).encode()
