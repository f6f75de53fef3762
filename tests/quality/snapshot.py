"""Every row of every table of the app, to show that a request wrote nothing.

The tables come from the Piccolo apps (``APP_REGISTRY``), so a new table is covered without
touching this file. One column is left out, see ``IGNORED_COLUMNS``.
"""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from marketplace.piccolo_conf import APP_REGISTRY

# Columns that change on a refused request as on any other, so they are not compared:
# - web_session.last_seen_at: the auth middleware touches the asking session (at most once
#   a minute) before any route decides anything; that is sign-in bookkeeping, not data.
#   The session rows themselves are compared (none may appear or go away).
# login_attempt (throttling) is compared in full: only POST /login writes it, and no
# refused request here is a sign-in.
IGNORED_COLUMNS: dict[str, frozenset[str]] = {"web_session": frozenset({"last_seen_at"})}

Snapshot = dict[str, dict[Any, tuple[Any, ...]]]  # table -> primary key -> row


def tables() -> list[type[Table]]:
    return [table for app in APP_REGISTRY.app_configs.values()
            for table in app.table_classes]


async def _rows(table: type[Table]) -> dict[Any, tuple[Any, ...]]:
    name = table._meta.tablename
    ignored = IGNORED_COLUMNS.get(name, frozenset())
    columns = [c for c in table._meta.columns if c._meta.name not in ignored]
    key = table._meta.primary_key._meta.name
    rows = await table.select(*columns)
    return {row[key]: tuple(row.values()) for row in rows}


async def snapshot() -> Snapshot:
    return {table._meta.tablename: await _rows(table) for table in tables()}


def changes(before: Snapshot, after: Snapshot, ignore: frozenset[str] = frozenset()
            ) -> list[str]:
    """What differs, one line per row added, removed or changed (tables in ``ignore``
    are skipped)."""
    found: list[str] = []
    for name, rows in after.items():
        if name in ignore:
            continue
        old = before.get(name, {})
        found += [f"{name} +{key}: {rows[key]}" for key in rows.keys() - old.keys()]
        found += [f"{name} -{key}: {old[key]}" for key in old.keys() - rows.keys()]
        found += [f"{name} ~{key}: {old[key]} -> {rows[key]}"
                  for key in rows.keys() & old.keys() if rows[key] != old[key]]
    return found
