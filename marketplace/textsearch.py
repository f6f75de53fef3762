"""The one LIKE pattern for "contains what the person typed", below every domain.

The search's own wildcards are dropped: a typed "%" or "_" matches nothing special, and a
backslash (the escape character on PostgreSQL) cannot end the pattern.
"""

from __future__ import annotations


def contains(text: str) -> str:
    return "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"
