"""Points expiry: a community may let points expire N months after they were earned.

Points are spent oldest first (``rules.open_lots``); what is left of lots older than N
months moves to the community's *expired* sink as one ``expire`` transfer per account.
Safe to run twice and from several processes: each account is expired inside one
transaction that locks the account first, and the transfer's idempotency key names the
account's state (its newest transfer), so two runs over the same state post one transfer.
Points set aside by an open hold are never expired (``rules.due_to_expire``).

Each run finds the accounts with anything due in one set-based query (``due_by``) and
reads the history of those only: with nothing due, a run is a couple of statements.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from marketplace import db
from marketplace.clock import local_time
from marketplace.community.tables import Community
from marketplace.i18n import _
from marketplace.ledger import rules, service
from marketplace.ledger.tables import Account, Transfer
from marketplace.notifications import service as notifications

WARN_DAYS = 30


async def _flows(account_id: int) -> list[tuple[int, datetime, int]]:
    rows = await Transfer.select(
        Transfer.id, Transfer.created_at, Transfer.amount, Transfer.debit, Transfer.credit
    ).where((Transfer.debit == account_id) | (Transfer.credit == account_id)).order_by(
        Transfer.id
    )
    return [(r["id"], r["created_at"], rules.signed(r["amount"], account_id, r["debit"],
                                                    r["credit"])) for r in rows]


async def _months(community_id: int) -> int:
    row = await Community.select(Community.points_expiry_months).where(
        Community.id == community_id).first()
    return int(row["points_expiry_months"] or 0) if row else 0


async def schedule(user_id: int) -> list[tuple[datetime, int]]:
    """When the person's points expire, soonest first (empty when they never do)."""
    account = await service.existing_person_account(user_id)
    if account is None:
        return []
    months = await _months(int(account["community"]))
    if months <= 0 or account["balance"] <= 0:
        return []
    lots = rules.open_lots(await _flows(int(account["id"])))
    return rules.expiry_schedule(lots, int(account["held"]), months)


async def next_expiry(user_id: int, moment: datetime) -> tuple[str, int] | None:
    """The next local day on which points expire, and how many: for "My points"."""
    by_day: dict[str, int] = {}
    for at, points in await schedule(user_id):
        if at > moment:
            day = local_time(at, "%Y-%m-%d")
            by_day[day] = by_day.get(day, 0) + points
    if not by_day:
        return None
    day = min(by_day)
    return day, by_day[day]


async def expire_account(account_id: int, moment: datetime) -> dict[str, Any] | None:
    """Expire what is due on one person's account; None when nothing is."""
    async with db.transaction():
        await service.lock_account(account_id)
        account = await Account.select().where(Account.id == account_id).first()
        if account is None or account["kind"] != rules.PERSON:
            return None
        months = await _months(int(account["community"]))
        flows = await _flows(account_id)
        lots = rules.open_lots(flows)
        amount, last_lot = rules.due_to_expire(lots, int(account["held"]), months, moment)
        if amount <= 0:
            return None
        sink = await service.sink_account(rules.EXPIRED, int(account["community"]))
        # The newest transfer pins the state the amount was computed from: a rerun over
        # the same state replays this transfer; a later state gets a new key.
        key = f"expire:{account_id}:{last_lot}:{flows[-1][0]}"
        memo = _("Points older than %(n)s months expired.", n=months)
        done = await service.transfer(account_id, int(sink["id"]), amount, "expire",
                                      f"transfer:{last_lot}", None, memo, key)
        # In the same transaction as the expiry; a replayed transfer is told once.
        await notifications.send(int(account["owner"]), "points_expired", link="/points",
                                 dedupe_key=f"points_expired:{done['id']}",
                                 points=amount, months=months)
        return done


# Person accounts in the given communities holding unheld points that came in before
# ``since``. Points are spent oldest first, so an account's unheld points older than that
# are its unheld balance minus what it received since (never less than zero): this reads
# the recent transfers once, for every account, instead of each account's whole history.
_DUE_BEFORE = """
SELECT a.id, a.owner, a.community
FROM ledger_account a
LEFT JOIN (SELECT t.credit, sum(t.amount) AS recent FROM ledger_transfer t
           WHERE t.created_at >= {} GROUP BY t.credit) r ON r.credit = a.id
WHERE a.kind = 'person' AND a.community IN (%s)
  AND a.balance - a.held > coalesce(r.recent, 0)
ORDER BY a.id
"""


async def _expiring_communities(community_id: int | None) -> dict[int, list[int]]:
    """Communities where points expire, by their number of months."""
    query = Community.select(Community.id, Community.points_expiry_months).where(
        Community.points_expiry_months > 0)
    if community_id is not None:
        query = query.where(Community.id == community_id)
    by_months: dict[int, list[int]] = {}
    for row in await query:
        by_months.setdefault(int(row["points_expiry_months"]), []).append(int(row["id"]))
    return by_months


async def due_by(moment: datetime, community_id: int | None = None) -> list[dict[str, Any]]:
    """Person accounts that may have points expiring by ``moment``, found in one query per
    expiry length: every other account certainly has none (``rules.newest_due_before``).
    Nothing due means two statements, however many accounts hold points."""
    found: list[dict[str, Any]] = []
    for months, ids in (await _expiring_communities(community_id)).items():
        since = rules.newest_due_before(moment, months)
        sql = _DUE_BEFORE % ", ".join("{}" for _ in ids)
        found += await Account.raw(sql, since, *ids)
    return sorted(found, key=lambda a: int(a["id"]))


async def expire_due(moment: datetime, community_id: int | None = None) -> int:
    """Timer job and ``marketplace ledger expire``: returns the points expired."""
    total = 0
    for account in await due_by(moment, community_id):
        done = await expire_account(int(account["id"]), moment)
        total += int(done["amount"]) if done else 0
    return total


async def warn_expiring(moment: datetime, community_id: int | None = None) -> int:
    """Tell holders WARN_DAYS ahead which of their points expire when (once per day)."""
    horizon = moment + timedelta(days=WARN_DAYS)
    sent = 0
    for account in await due_by(horizon, community_id):
        by_day: dict[str, int] = {}
        for at, points in await schedule(int(account["owner"])):
            if moment < at <= horizon:
                day = local_time(at, "%Y-%m-%d")
                by_day[day] = by_day.get(day, 0) + points
        for day, points in by_day.items():
            await notifications.send(
                int(account["owner"]), "points_expiring", link="/points",
                dedupe_key=f"points_expiring:{account['id']}:{day}", points=points, date=day)
            sent += 1
    return sent
