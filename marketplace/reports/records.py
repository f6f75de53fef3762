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
from marketplace.wishes.tables import WishClaim, WishEvent


def _confirmed_in(community_id: int | None, start: datetime, end: datetime) -> Any:
    """The wishes of the community (None: of any) confirmed in [start, end): a sub-select,
    so a period's claims are read through it instead of every confirmed claim the
    community ever had."""
    return WishEvent.select(WishEvent.wish).where(_confirmations_of(community_id, start, end))


def _confirmations_of(community_id: int | None, start: datetime, end: datetime) -> Any:
    """Read through the index on the event's (community, to_state, at)."""
    where = ((WishEvent.to_state == "confirmed") & (WishEvent.at >= start)
             & (WishEvent.at < end))
    if community_id is not None:
        where &= WishEvent.community == community_id
    return where


def _claimed_by(helper_ids: list[int]) -> Any:
    return WishClaim.select(WishClaim.wish).where(
        (WishClaim.active == True) & WishClaim.helper.is_in(helper_ids or [-1]))  # noqa: E712


_CONFIRMATION_COLUMNS = (
    WishEvent.wish, WishEvent.action, WishEvent.at, WishEvent.wish.title,
    WishEvent.wish.hours, WishEvent.wish.rating, WishEvent.wish.category.name,
    WishEvent.wish.grid.name)


async def _confirmations(community_id: int | None, start: datetime, end: datetime,
                         helper_ids: list[int] | None) -> dict[int, dict[str, Any]]:
    where = _confirmations_of(community_id, start, end)
    if helper_ids is not None:
        where &= WishEvent.wish.is_in(_claimed_by(helper_ids))
    rows = await WishEvent.select(*_CONFIRMATION_COLUMNS).where(where)
    return {r["wish"]: r for r in rows}


def _period_claims(community_id: int | None, start: datetime, end: datetime) -> Any:
    """Active claims of confirmed wishes of the community confirmed in the period."""
    where = ((WishClaim.active == True) & (WishClaim.wish.status == "confirmed")  # noqa: E712
             & WishClaim.wish.is_in(_confirmed_in(community_id, start, end)))
    if community_id is not None:
        where &= WishClaim.wish.community == community_id
    return where


async def _claims(community_id: int | None, start: datetime, end: datetime,
                  helper_ids: list[int] | None) -> list[dict[str, Any]]:
    if community_id is None:
        # Bounded by the helpers (a few hundred claims): all their active claims, matched
        # below to the period's confirmations (a confirmed wish stays confirmed). Cheaper
        # than joining every wish or every confirmation of the county to them.
        where = WishClaim.active == True  # noqa: E712
    else:
        where = _period_claims(community_id, start, end)
    if helper_ids is not None:
        where &= WishClaim.helper.is_in(helper_ids or [-1])
    return await WishClaim.select(WishClaim.wish, WishClaim.helper,
                                  WishClaim.helper.display_name).where(where)


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
        confirmed = await _confirmations(community_id, start, end, helper_ids)
        claims = await _claims(community_id, start, end, helper_ids)
        activities = await _activities(community_id, start, end, helper_ids)
    out: dict[int, HelperTally] = {}
    for claim in claims:
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
