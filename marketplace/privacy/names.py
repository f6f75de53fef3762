"""How a resident in need is named to the neighbours who give them points (PIPL Art. 28-30:
no more than giving needs)."""

from __future__ import annotations

CJK_FIRST, CJK_LAST = "\u3400", "\u9fff"


def first_name_only(display_name: str) -> str:
    """A Chinese name as its first character (the surname) and 某 (王秀英 → 王某), the way
    notices name people; a name in Latin letters as its first word."""
    name = display_name.strip()
    if not name:
        return "某"
    if CJK_FIRST <= name[0] <= CJK_LAST:
        return name[0] + "某"
    return name.split()[0]
