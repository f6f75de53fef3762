"""Replacing a closed account's texts (its name, phone, address, wish titles) where they
were copied into other people's records: notifications, audit details.

Pure functions, below every domain. Texts shorter than ``MIN_LENGTH`` are never replaced
inside longer ones: a one-character name would otherwise rewrite unrelated words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MIN_LENGTH = 2


def usable(replacements: Mapping[str, str]) -> dict[str, str]:
    """The replacements worth looking for, longest first (a name inside a title)."""
    kept = {old: new for old, new in replacements.items()
            if len(old.strip()) >= MIN_LENGTH and old != new}
    return dict(sorted(kept.items(), key=lambda item: -len(item[0])))


def text(value: str, replacements: Mapping[str, str]) -> str:
    for old, new in usable(replacements).items():
        value = value.replace(old, new)
    return value


def values(data: Any, replacements: Mapping[str, str]) -> Any:
    """Every string inside ``data`` (a decoded JSON value) with the replacements made."""
    if isinstance(data, str):
        return text(data, replacements)
    if isinstance(data, list):
        return [values(item, replacements) for item in data]
    if isinstance(data, dict):
        return {key: values(item, replacements) for key, item in data.items()}
    return data


def like_patterns(replacements: Mapping[str, str]) -> list[str]:
    """LIKE patterns that find every row holding one of the texts. ``%`` and ``_`` in a
    text only widen the match; the replacement itself is exact."""
    return [f"%{old}%" for old in usable(replacements)]
