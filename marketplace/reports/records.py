"""Helpers' confirmed service in a period: the honour roll, service records, work units.

A wish counts for every helper who held its claim when it was confirmed, with the wish's
hours; the confirming action decides whether the hours were confirmed by the resident,
by staff (a dispute resolved) or automatically (no answer in time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marketplace.accounts.tables import HelperProfile, User
from marketplace.ledger.tables import Transfer
from marketplace.reports import figures
from marketplace.reports.figures import HelperTally
from marketplace.wishes.tables import WishClaim, WishEvent


async def _confirmations(community_id: int, start: datetime,
                         end: datetime) -> dict[int, dict[str, Any]]:
    rows = await WishEvent.select(
        WishEvent.wish, WishEvent.action, WishEvent.at, WishEvent.wish.title,
        WishEvent.wish.hours, WishEvent.wish.rating, WishEvent.wish.category.name,
    ).where((WishEvent.to_state == "confirmed") & (WishEvent.wish.community == community_id)
            & (WishEvent.at >= start) & (WishEvent.at < end))
    return {r["wish"]: r for r in rows}


async def _claims(community_id: int, helper_ids: list[int] | None) -> list[dict[str, Any]]:
    where = ((WishClaim.active == True) & (WishClaim.wish.status == "confirmed")  # noqa: E712
             & (WishClaim.wish.community == community_id))
    if helper_ids is not None:
        where &= WishClaim.helper.is_in(helper_ids or [-1])
    return await WishClaim.select(WishClaim.wish, WishClaim.helper,
                                  WishClaim.helper.display_name).where(where)


async def _activities(community_id: int, start: datetime, end: datetime,
                      helper_ids: list[int] | None) -> list[dict[str, Any]]:
    where = ((Transfer.kind == "activity") & (Transfer.credit.community == community_id)
             & (Transfer.created_at >= start) & (Transfer.created_at < end))
    if helper_ids is not None:
        where &= Transfer.credit.owner.is_in(helper_ids or [-1])
    return await Transfer.select(Transfer.id, Transfer.credit.owner, Transfer.amount,
                                 Transfer.memo, Transfer.created_at).where(where).order_by(
        Transfer.created_at)


@dataclass
class Detail:
    wishes: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)


async def tallies(community_id: int, start: datetime, end: datetime,
                  helper_ids: list[int] | None = None,
                  details: dict[int, Detail] | None = None) -> dict[int, HelperTally]:
    """Per helper: confirmed wishes, minutes by who confirmed, ratings, activities."""
    confirmed = await _confirmations(community_id, start, end)
    out: dict[int, HelperTally] = {}
    for claim in await _claims(community_id, helper_ids):
        event = confirmed.get(claim["wish"])
        if event is None:
            continue
        helper = int(claim["helper"])
        tally = out.setdefault(helper, HelperTally(helper, claim["helper.display_name"]))
        tally.wishes += 1
        who = figures.CONFIRMED_BY.get(event["action"], "staff")
        tally.minutes[who] += int(event["wish.hours"] or 0)
        if event["wish.rating"] is not None:
            tally.ratings.append(int(event["wish.rating"]))
        if details is not None:
            details.setdefault(helper, Detail()).wishes.append({**event, "confirmed_by": who})
    for row in await _activities(community_id, start, end, helper_ids):
        helper = int(row["credit.owner"])
        tally = out.setdefault(helper, HelperTally(helper))
        tally.activities += 1
        tally.activity_points += int(row["amount"])
        if details is not None:
            details.setdefault(helper, Detail()).activities.append(row)
    return out


async def honour_roll(community_id: int, start: datetime, end: datetime,
                      limit: int = 10) -> list[HelperTally]:
    """Verified helpers who did not opt out, ranked by confirmed wishes and hours."""
    listed = await HelperProfile.select(HelperProfile.user).where(
        (HelperProfile.status == "verified")
        & (HelperProfile.listed_on_honour_roll == True)  # noqa: E712
        & (HelperProfile.user.community == community_id))
    ids = {int(r["user"]) for r in listed}
    found = await tallies(community_id, start, end)
    return figures.rank((t for uid, t in found.items() if uid in ids), limit)


@dataclass
class ServiceRecord:
    person: dict[str, Any]
    tally: HelperTally
    detail: Detail


async def person(user_id: int) -> dict[str, Any] | None:
    row = await User.select(User.id, User.display_name, User.community, User.community.name,
                            ).where(User.id == user_id).first()
    if row is None:
        return None
    profile = await HelperProfile.select(
        HelperProfile.kind, HelperProfile.work_unit, HelperProfile.party_branch,
        HelperProfile.status).where(HelperProfile.user == user_id).first()
    return {**row, "helper": profile}


async def service_record(who: dict[str, Any], start: datetime, end: datetime) -> ServiceRecord:
    """The record of ``who`` (a row from ``person``); who may see it is the service's call."""
    user_id = int(who["id"])
    details: dict[int, Detail] = {}
    found = await tallies(int(who["community"]), start, end, [user_id], details)
    tally = found.get(user_id, HelperTally(user_id, who["display_name"]))
    tally.name = who["display_name"]
    return ServiceRecord(who, tally, details.get(user_id, Detail()))


async def party_members(community_id: int) -> list[dict[str, Any]]:
    return await HelperProfile.select(
        HelperProfile.user, HelperProfile.user.display_name, HelperProfile.work_unit,
        HelperProfile.party_branch,
    ).where((HelperProfile.kind == "party_member") & (HelperProfile.status == "verified")
            & (HelperProfile.user.community == community_id))
