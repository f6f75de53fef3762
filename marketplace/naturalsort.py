"""Names in the order people count them: 第二网格 before 第十网格 before 第十一网格, 2号楼
before 10号楼 (a database orders text character by character: 第一, 第三, 第二; 10号楼
before 2号楼). Grids and buildings are few per community, so they are sorted here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(r"(\d+|[零〇一二两三四五六七八九十百千]+)")


def chinese_number(text: str) -> int:
    """一 1, 十 10, 十二 12, 二十 20, 一百零五 105, 三千 3000; digits alone (二〇二六) as
    written."""
    if not any(c in _UNIT for c in text):
        return int("".join(str(_DIGIT[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in _UNIT:
            total += (1 if digit is None else digit) * _UNIT[c]
            digit = None
        else:
            digit = _DIGIT[c]
    return total + (digit or 0)


def key(name: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key: runs of digits or Chinese numerals compare as numbers, the rest as
    text (case aside)."""
    parts = []
    for i, part in enumerate(_NUMBER.split(name.strip())):
        if i % 2:
            value = int(part) if part.isdigit() else chinese_number(part)
            parts.append((0, value, ""))
        elif part:
            parts.append((1, 0, part.casefold()))
    return tuple(parts)


def by_name(rows: Iterable[T], name: Callable[[T], str]) -> list[T]:
    return sorted(rows, key=lambda row: key(name(row)))
