"""Helpers' confirmed service in a period: the honour roll, service records, work units.

A wish counts for every helper who held its claim when it was confirmed, with the wish's
hours; the confirming action decides whether the hours were confirmed by the resident,
by staff (a dispute resolved) or automatically (no answer in time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marketplace import db
from marketplace.accounts.tables import HelperProfile, User
from marketplace.ledger.tables import Account, Transfer
from marketplace.reports import figures
from marketplace.reports.figures import HelperTally
from marketplace.wishes.tables import WishClaim, WishService

# A helper's confirmed service of a period as kept when each wish was confirmed
# (``WishService``: a row per helper who held its claim, with the confirming action), and
# the wish's details: one read, where the period's confirmations and the helpers' claims
# were two matched in Python (tests/reports/test_honour_roll_kept.py holds the two alike).
_SERVED_COLUMNS = (
    WishService.wish, WishService.helper, WishService.helper.display_name,
    WishService.action, WishService.confirmed_at.as_alias("at"), WishService.wish.title,
    WishService.wish.hours, WishService.wish.rating, WishService.wish.category.name,
    WishService.wish.grid.name)
# What a record's line of a wish holds (the confirmation and its wish).
_DETAIL_KEYS = ("wish", "action", "at", "wish.title", "wish.hours", "wish.rating",
                "wish.category.name", "wish.grid.name")


async def _served(community_id: int | None, start: datetime, end: datetime,
                  helper_ids: list[int] | None) -> list[dict[str, Any]]:
    where = (WishService.confirmed_at >= start) & (WishService.confirmed_at < end)
    if community_id is not None:
        where &= WishService.community == community_id
    if helper_ids is not None:
        where &= WishService.helper.is_in(helper_ids or [-1])
    return await WishService.select(*_SERVED_COLUMNS).where(where).order_by(
        WishService.confirmed_at).order_by(WishService.wish)


async def _activities(community_id: int | None, start: datetime, end: datetime,
                      helper_ids: list[int] | None) -> list[dict[str, Any]]:
    # Transfer.community: the index on (community, created_at) bounds it to the period.
    where = ((Transfer.kind == "activity") & (Transfer.created_at >= start)
             & (Transfer.created_at < end))
    if community_id is not None:
        where &= Transfer.community == community_id
    if helper_ids is not None:
        # Through the helpers' own accounts (index on credit): a few hundred rows, where
        # the community's period is thousands for a three-year record.
        where &= Transfer.credit.is_in(Account.select(Account.id).where(
            Account.owner.is_in(helper_ids or [-1])))
    return await Transfer.select(Transfer.id, Transfer.credit.owner, Transfer.amount,
                                 Transfer.memo, Transfer.created_at).where(where).order_by(
        Transfer.created_at)


@dataclass
class Detail:
    wishes: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)


async def tallies(community_id: int | None, start: datetime, end: datetime,
                  helper_ids: list[int] | None = None,
                  details: dict[int, Detail] | None = None) -> dict[int, HelperTally]:
    """Per helper: confirmed wishes, minutes by who confirmed, ratings, activities.
    ``community_id`` None: wherever the helpers served (a work unit's members live in
    several communities), then ``helper_ids`` bounds it."""
    if community_id is None and helper_ids is None:
        raise ValueError("tallies of every community need the helpers named")
    with db.custom_plans():
        served, activities = await db.together(
            _served(community_id, start, end, helper_ids),
            _activities(community_id, start, end, helper_ids))
    out: dict[int, HelperTally] = {}
    for row in served:
        helper = int(row["helper"])
        tally = out.setdefault(helper, HelperTally(helper, row["helper.display_name"]))
        tally.wishes += 1
        who = figures.CONFIRMED_BY.get(row["action"], "staff")
        tally.minutes[who] += int(row["wish.hours"] or 0)
        if row["wish.rating"] is not None:
            tally.ratings.append(int(row["wish.rating"]))
        if details is not None:
            details.setdefault(helper, Detail()).wishes.append(
                {**{k: row[k] for k in _DETAIL_KEYS}, "confirmed_by": who})
    for row in activities:
        helper = int(row["credit.owner"])
        tally = out.setdefault(helper, HelperTally(helper))
        tally.activities += 1
        tally.activity_points += int(row["amount"])
        if details is not None:
            details.setdefault(helper, Detail()).activities.append(row)
    return out


# One row per listed helper who served in the period: confirmed wishes and minutes,
# summed per helper first and named after. The confirmed wishes' helpers are kept as they
# were at confirmation (``WishService``, written by the confirming step), so the period is
# read through the index on (community, confirmed_at, helper, minutes) alone, where it
# joined the period's confirmations to their wishes and claims (``HONOUR_ROLL_SQL``, still
# the definition: tests/reports/test_honour_roll_kept.py holds the two to the same answer).
# Each helper's profile is looked up by a sub-select per helper (a hundred or so): as a
# join or an EXISTS, PostgreSQL overestimated the helpers and read every profile of the
# county.
ROLL_NAMED_SQL = """
SELECT g.helper AS user_id, u.display_name AS name, g.wishes, g.minutes
FROM ({grouped}) g
JOIN app_user u ON u.id = g.helper
WHERE (SELECT COUNT(*) FROM helper_profile h WHERE h."user" = g.helper
         AND h.status = 'verified' AND h.listed_on_honour_roll = {{}}) > 0
"""
# Hand written because it joins the confirmations to the claims, which Piccolo's joins
# (along the selected table's foreign keys) cannot express. A wish is confirmed once (a
# terminal state), so it has one confirmation.
HONOUR_ROLL_SQL = ROLL_NAMED_SQL.format(grouped="""
      SELECT c.helper, COUNT(*) AS wishes, COALESCE(SUM(w.hours), 0) AS minutes
      FROM wish_event e
      JOIN wish w ON w.id = e.wish
      JOIN wish_claim c ON c.wish = w.id
      WHERE e.community = {} AND e.to_state = 'confirmed' AND e.at >= {} AND e.at < {}
        AND w.status = 'confirmed' AND c.active = {}
      GROUP BY c.helper""")
KEPT_ROLL_SQL = ROLL_NAMED_SQL.format(grouped="""
      SELECT s.helper, COUNT(*) AS wishes, COALESCE(SUM(s.minutes), 0) AS minutes
      FROM wish_service s
      WHERE s.community = {} AND s.confirmed_at >= {} AND s.confirmed_at < {}
      GROUP BY s.helper""")


def _roll(rows: list[dict[str, Any]], limit: int) -> list[figures.RollEntry]:
    return figures.rank([figures.RollEntry(int(r["user_id"]), r["name"], int(r["wishes"]),
                                           int(r["minutes"])) for r in rows], limit)


async def honour_roll(community_id: int, start: datetime, end: datetime,
                      limit: int = 10) -> list[figures.RollEntry]:
    """Verified helpers who did not opt out, ranked by confirmed wishes and hours.

    Counted and summed in the database from the kept service; the ranking (ties by name,
    the way Python sorts them) is done on those few rows, one per helper who served."""
    return _roll(await WishClaim.raw(KEPT_ROLL_SQL, community_id, start, end, True), limit)


async def honour_roll_from_history(community_id: int, start: datetime, end: datetime,
                                   limit: int = 10) -> list[figures.RollEntry]:
    """The same roll from the confirmations, wishes and claims themselves: the definition
    the kept service is held to."""
    return _roll(await WishClaim.raw(HONOUR_ROLL_SQL, community_id, start, end, True, True),
                 limit)


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
