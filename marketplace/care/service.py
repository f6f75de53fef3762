"""爱心帮扶: staff mark residents in need; anyone in the community may give them points
within the community's limits (per gift, per giver per month).

The monthly limit is a read-decide-write step: the giver's account is locked for the
transaction (``ledger.lock_account``), so two gifts at once cannot both squeeze under it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marketplace import clock, db
from marketplace.accounts import service as accounts
from marketplace.accounts.tables import User
from marketplace.care.tables import InNeed
from marketplace.community import rules as community_rules
from marketplace.community.tables import Community
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.notifications import service as notifications
from marketplace.principal import Principal

MAX_LIMIT = community_rules.LIMIT_MAX
CARE_FIELDS = {"donation_max_per_gift": "per_gift", "donation_max_per_month": "per_month",
               "points_expiry_months": "expiry_months", "adjust_approval_over": "approval_over"}


def _require_staff(actor: Principal, community_id: int) -> None:
    """Staff act in their own communities only; administrators everywhere."""
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))


async def _member(user_id: int) -> dict[str, Any]:
    row = await User.select(User.id, User.community, User.display_name).where(
        User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such person."))
    return row


async def mark_in_need(actor: Principal, user_id: int, reason: str) -> None:
    person = await _member(user_id)
    community_id = int(person["community"])
    _require_staff(actor, community_id)
    reason = reason.strip()
    if not 1 <= len(reason) <= 200:
        raise DomainError(_("Please give the reason (up to 200 characters)."), "reason")
    async with db.transaction():
        values = {InNeed.reason: reason, InNeed.active: True, InNeed.marked_by: actor.user_id,
                  InNeed.marked_at: ledger.now(), InNeed.cleared_by: None,
                  InNeed.cleared_at: None}
        updated = await InNeed.update(values).where(InNeed.user == user_id).returning(
            InNeed.id)
        if not updated:
            await InNeed.insert(InNeed(user=user_id, community=community_id, reason=reason,
                                       marked_by=actor.user_id))
        await accounts.audit(actor.user_id, community_id, "in_need_marked", "user", user_id,
                             reason)


async def clear_in_need(actor: Principal, user_id: int) -> None:
    person = await _member(user_id)
    community_id = int(person["community"])
    _require_staff(actor, community_id)
    async with db.transaction():
        await InNeed.update({InNeed.active: False, InNeed.cleared_by: actor.user_id,
                             InNeed.cleared_at: ledger.now()}).where(
            (InNeed.user == user_id) & (InNeed.active == True))  # noqa: E712
        await accounts.audit(actor.user_id, community_id, "in_need_cleared", "user", user_id)


async def in_need(community_id: int) -> list[dict[str, Any]]:
    """Who in the community may be given points: every member of it may see the list."""
    return await InNeed.select(
        InNeed.user, InNeed.user.display_name, InNeed.reason, InNeed.marked_at,
        InNeed.marked_by.display_name,
    ).where((InNeed.community == community_id) & (InNeed.active == True)  # noqa: E712
            ).order_by(InNeed.user.display_name)


async def rules_of(community_id: int) -> dict[str, int]:
    row = await Community.select(
        Community.donation_max_per_gift, Community.donation_max_per_month,
        Community.points_expiry_months, Community.adjust_approval_over).where(
            Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return row


async def overview(actor: Principal, community_id: int) -> dict[str, Any]:
    """The staff page of the community: who is in need, and its point rules."""
    _require_staff(actor, community_id)
    return {"in_need": await in_need(community_id), "rules": await rules_of(community_id)}


async def set_rules(actor: Principal, community_id: int, per_gift: int, per_month: int,
                    expiry_months: int, *, approval_over: int | None = None) -> None:
    """The point rules of the care page (the community rules page sets them too, through
    the same ``community.rules.update``); ``approval_over`` (None: unchanged) is the most
    points a staff adjustment may move without a second staff member's approval."""
    _require_staff(actor, community_id)
    changes = {"donation_max_per_gift": per_gift, "donation_max_per_month": per_month,
               "points_expiry_months": expiry_months}
    if approval_over is not None:
        changes["adjust_approval_over"] = approval_over
    try:
        await community_rules.update(actor, community_id, changes)
    except DomainError as exc:
        # This page names its fields as it always did.
        raise DomainError(exc.message, CARE_FIELDS.get(exc.field or "", exc.field)) from exc


def month_start(moment: datetime) -> datetime:
    """The first instant of the local calendar month of ``moment``."""
    return clock.day_start(clock.local_date(moment).replace(day=1))


async def given_this_month(account_id: int, moment: datetime) -> int:
    rows = await Transfer.select(Transfer.amount).where(
        (Transfer.debit == account_id) & (Transfer.kind == "donate")
        & (Transfer.created_at >= month_start(moment)))
    return sum(r["amount"] for r in rows)


async def give(giver: Principal, to_user: int, amount: int, memo: str,
               key: str) -> dict[str, Any]:
    """Points from ``giver`` to a resident in need of the same community."""
    memo = memo.strip()[:200]
    target = await InNeed.select(InNeed.community).where(
        (InNeed.user == to_user) & (InNeed.active == True)).first()  # noqa: E712
    if target is None or int(target["community"]) != giver.community_id:
        raise DomainError(_("Please choose one of the residents in need listed."), "to_user")
    if to_user == giver.user_id:
        raise DomainError(_("You cannot give points to yourself."), "to_user")
    limits = await rules_of(giver.community_id)
    if amount > limits["donation_max_per_gift"]:
        raise DomainError(_("At most %(n)s points per gift in this community.",
                            n=limits["donation_max_per_gift"]), "amount")
    async with db.transaction():
        if await Transfer.exists().where(Transfer.idempotency_key == key):
            # The same form sent twice: the ledger answers with the first gift.
            return await ledger.donate(giver.user_id, to_user, amount, giver.user_id, memo, key)
        account = await ledger.person_account(giver.user_id)
        await ledger.lock_account(int(account["id"]))
        given = await given_this_month(int(account["id"]), ledger.now())
        left = limits["donation_max_per_month"] - given
        if amount > left:
            raise DomainError(_("You can give %(n)s more points this month (the community's "
                                "limit is %(m)s a month).", n=max(0, left),
                                m=limits["donation_max_per_month"]), "amount")
        transfer = await ledger.donate(giver.user_id, to_user, amount, giver.user_id, memo,
                                       key)
        await notifications.send(to_user, "gift_received", link="/points",
                                 giver=giver.display_name, points=amount, memo=memo or "—")
    return transfer


async def erase_person(user_id: int, actor_id: int, removed: str) -> None:
    """Closing an account: an in-need flag ends and its reason (often sensitive: income,
    health) is erased; who marked and cleared it, and when, stay on record."""
    await InNeed.update({InNeed.active: False, InNeed.cleared_by: actor_id,
                         InNeed.cleared_at: ledger.now()}).where(
        (InNeed.user == user_id) & (InNeed.active == True))  # noqa: E712
    await InNeed.update({InNeed.reason: removed}).where(InNeed.user == user_id)
