"""Who is told what when a wish moves. Called by the wish service inside its transaction,
so a notification exists exactly when the change it reports was committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marketplace.accounts import proxies
from marketplace.accounts.tables import AreaStaffMembership, StaffMembership, User
from marketplace.notifications import service as notifications
from marketplace.wishes.queries import WishFacts


async def staff_of(community_id: int) -> list[int]:
    rows = await StaffMembership.select(StaffMembership.user).where(
        (StaffMembership.community == community_id)
        & (StaffMembership.active == True)  # noqa: E712
    )
    return sorted({int(r["user"]) for r in rows})


async def street_staff_of(street_id: int) -> list[int]:
    rows = await AreaStaffMembership.select(AreaStaffMembership.user).where(
        (AreaStaffMembership.street == street_id)
        & (AreaStaffMembership.active == True)  # noqa: E712
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


async def tell_agents(wish: dict[str, Any], kind: str, facts: WishFacts | None = None,
                      **params: Any) -> None:
    """Those who act for the wish's owner — the proxies, and for an account managed by
    staff its community's staff — when the next step is the owner's. ``facts``: the owner
    and their proxies when read with the wish in this transaction already."""
    if facts is not None:
        owner, agents = facts.owner, list(facts.proxies)
    else:
        owner = await User.select(User.display_name, User.managed_by_staff).where(
            User.id == wish["owner"]).first()
        agents = await proxies.agents_of(wish["owner"])
    if owner["managed_by_staff"]:
        agents += await staff_of(wish["community"])
    await tell(agents, kind, wish, resident=owner["display_name"], **params)
