"""爱心帮扶: staff mark residents in need; anyone in the community may give them points
within the community's limits (per gift, per giver per month).

The monthly limit is a read-decide-write step: the giver's account is locked for the
transaction (``ledger.lock_account``), so two gifts at once cannot both squeeze under it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marketplace import clock, db
from marketplace.accounts import proxies
from marketplace.accounts import service as accounts
from marketplace.accounts.tables import User
from marketplace.care.tables import InNeed
from marketplace.community import rules as community_rules
from marketplace.community.tables import Community
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.i18n import N_, _
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.privacy import consents
from marketplace.privacy.names import first_name_only

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


# A general category is all givers see of why a resident is listed (PIPL Art. 28-30:
# the reason staff write is sensitive and stays with staff and the resident).
CATEGORIES: dict[str, str] = {
    "alone": N_("Elderly, living alone"),
    "disability": N_("Disability"),
    "illness": N_("Illness"),
    "low_income": N_("Low income"),
    "other": N_("Other"),
}
# Shown to staff in the form, and kept with the consent as what the resident agreed to.
EFFECT = N_("Neighbours in the community can give this resident points. Givers see only "
            "the first character of the name and the category, never the reason. The "
            "resident sees the listing on their Me page and can withdraw consent at any "
            "time, which ends it at once.")


def category_label(code: str) -> str:
    return _(CATEGORIES.get(code, CATEGORIES["other"]))


async def _check_consent(user_id: int, category: str, consent: str) -> None:
    if category not in CATEGORIES:
        raise DomainError(_("Please choose a category."), "category")
    if consent not in consents.GIVEN_BY:
        raise DomainError(_("Please record the resident's separate consent (or their "
                            "proxy's) to be listed as in need."), "consent")
    if consent == "proxy" and not await proxies.agents_of(user_id):
        raise DomainError(_("This resident has no proxy: the resident's own consent is "
                            "needed."), "consent")


async def mark_in_need(actor: Principal, user_id: int, reason: str, *, category: str,
                       consent: str) -> None:
    """Staff list a resident as in need, recording the resident's (or the proxy's) separate
    consent with the reason and its effect; no consent, no listing."""
    person = await _member(user_id)
    community_id = int(person["community"])
    _require_staff(actor, community_id)
    reason = reason.strip()
    if not 1 <= len(reason) <= 200:
        raise DomainError(_("Please give the reason (up to 200 characters)."), "reason")
    await _check_consent(user_id, category, consent)
    async with db.transaction():
        values = {InNeed.reason: reason, InNeed.category: category, InNeed.active: True,
                  InNeed.marked_by: actor.user_id, InNeed.marked_at: ledger.now(),
                  InNeed.cleared_by: None, InNeed.cleared_at: None}
        updated = await InNeed.update(values).where(InNeed.user == user_id).returning(
            InNeed.id)
        if not updated:
            await InNeed.insert(InNeed(user=user_id, community=community_id, reason=reason,
                                       category=category, marked_by=actor.user_id))
        await consents.withdraw(user_id, consents.IN_NEED, actor.user_id)
        await consents.record(user_id, community_id, consents.IN_NEED,
                              recorded_by=actor.user_id, recorded_as="staff",
                              given_by=consent,
                              purpose=f"{category_label(category)} — {reason}")
        await accounts.audit(actor.user_id, community_id, "in_need_marked", "user", user_id,
                             f"{category} · {consent} · {reason}")


async def _end(user_id: int, by: int) -> bool:
    ended = await InNeed.update({InNeed.active: False, InNeed.cleared_by: by,
                                 InNeed.cleared_at: ledger.now()}).where(
        (InNeed.user == user_id) & (InNeed.active == True)  # noqa: E712
    ).returning(InNeed.id)
    await consents.withdraw(user_id, consents.IN_NEED, by)
    return bool(ended)


async def clear_in_need(actor: Principal, user_id: int) -> None:
    person = await _member(user_id)
    community_id = int(person["community"])
    _require_staff(actor, community_id)
    async with db.transaction():
        await _end(user_id, actor.user_id)
        await accounts.audit(actor.user_id, community_id, "in_need_cleared", "user", user_id)


async def withdraw_consent(actor: Principal) -> None:
    """The resident (or a proxy acting for them) withdraws consent: the listing ends now."""
    person = await _member(actor.user_id)
    async with db.transaction():
        if not await _end(actor.user_id, actor.acting_id):
            raise NotFound(_("You are not listed as in need."))
        await accounts.audit(actor.acting_id, int(person["community"]),
                             "in_need_consent_withdrawn", "user", actor.user_id)


async def in_need(community_id: int) -> list[dict[str, Any]]:
    """Who in the community is listed, in full: for staff pages only (the service that
    calls it has checked the staff role)."""
    return await InNeed.select(
        InNeed.user, InNeed.user.display_name, InNeed.reason, InNeed.category,
        InNeed.marked_at, InNeed.marked_by.display_name,
    ).where((InNeed.community == community_id) & (InNeed.active == True)  # noqa: E712
            ).order_by(InNeed.user.display_name)


async def for_givers(actor: Principal) -> list[dict[str, Any]]:
    """Who the actor may give points to: the first character of the name and a general
    category, never the full name or the reason (PIPL Art. 28-30)."""
    rows = await InNeed.select(InNeed.user, InNeed.user.display_name, InNeed.category).where(
        (InNeed.community == actor.community_id) & (InNeed.active == True)  # noqa: E712
        & (InNeed.user != actor.user_id)).order_by(InNeed.id)
    return [{"user": int(r["user"]), "name": first_name_only(r["user.display_name"]),
             "category": category_label(r["category"])} for r in rows]


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
    rows = await in_need(community_id)
    # Listings from before consents were recorded: staff record one or end the listing.
    agreed = await consents.standing_among([int(r["user"]) for r in rows], consents.IN_NEED)
    for row in rows:
        row["consent_missing"] = int(row["user"]) not in agreed
    return {"in_need": rows, "rules": await rules_of(community_id)}


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
