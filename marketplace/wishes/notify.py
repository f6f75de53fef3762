"""Who is told what when a wish moves. Called by the wish service inside its transaction,
so a notification exists exactly when the change it reports was committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marketplace.accounts.tables import StaffMembership
from marketplace.notifications import service as notifications


async def staff_of(community_id: int) -> list[int]:
    rows = await StaffMembership.select(StaffMembership.user).where(
        (StaffMembership.community == community_id)
        & (StaffMembership.active == True)  # noqa: E712
    )
    return sorted({int(r["user"]) for r in rows})


async def tell(user_ids: Iterable[int], kind: str, wish: dict[str, Any],
               dedupe_key: str | None = None, **params: Any) -> None:
    """Send ``kind`` about ``wish`` to each person once (a person may hold two roles)."""
    for user_id in dict.fromkeys(user_ids):
        await notifications.send(user_id, kind, link=f"/wishes/{wish['id']}",
                                 dedupe_key=dedupe_key, title=wish["title"], **params)


async def tell_staff(wish: dict[str, Any], kind: str, **params: Any) -> None:
    await tell(await staff_of(wish["community"]), kind, wish, **params)
