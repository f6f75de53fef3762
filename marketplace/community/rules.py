"""A community's rules, set by its staff: deadlines and reminders of claims, escalation and
automatic confirmation, the points a wish may carry, team size, expiry and gift limits.

Each rule is one column of ``Community`` (the wish, ledger and care services read them
there). Every change is one audit line naming the rule, its old and its new value.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace import db
from marketplace.audit import service as audit
from marketplace.community.tables import Community
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.i18n import N_, _
from marketplace.principal import Principal

POINTS_MAX = 10000  # points one wish or gift may carry at most; a typo beyond is refused
LIMIT_MAX = 100000
RETENTION_MAX = 3650  # ten years: beyond that, "keep" (0) says it honestly


@dataclass(frozen=True)
class Rule:
    name: str  # the Community column, and the form field
    label: str  # untranslated (N_): the form and the audit line translate it
    minimum: int
    maximum: int
    hint: str = ""


RULES: tuple[Rule, ...] = (
    Rule("claim_deadline_days", N_("Days a helper has to fulfil a claim"), 1, 60),
    Rule("claim_reminder_hours", N_("Hours before the deadline the helper is reminded"),
         1, 168),
    Rule("escalation_days", N_("Days an open wish waits before staff are alerted"), 1, 60),
    Rule("auto_confirm_days", N_("Days until a fulfilled wish is confirmed automatically"),
         1, 60),
    Rule("min_wish_points", N_("Fewest points a wish may carry"), 1, POINTS_MAX),
    Rule("max_wish_points", N_("Most points a wish may carry"), 1, POINTS_MAX),
    Rule("team_size_max", N_("Most helpers on one wish"), 1, 20),
    Rule("points_expiry_months", N_("Months until points expire (0 = never)"), 0, 120),
    Rule("donation_max_per_gift", N_("Most points per gift"), 1, LIMIT_MAX),
    Rule("donation_max_per_month", N_("Most points a person gives per month"), 1, LIMIT_MAX),
    Rule("adjust_approval_over",
         N_("Adjustments needing a second staff member (more points than)"), 0, LIMIT_MAX),
    Rule("retention_photo_days", N_("Days photos of closed wishes are kept (0 = keep)"),
         0, RETENTION_MAX),
    Rule("retention_note_days",
         N_("Days fulfilment notes of closed wishes are kept (0 = keep)"), 0, RETENTION_MAX),
    Rule("retention_session_days", N_("Days a sign-in session is kept at most (0 = keep)"),
         0, RETENTION_MAX),
)
RETENTION_RULES = ("retention_photo_days", "retention_note_days", "retention_session_days")
BY_NAME = {rule.name: rule for rule in RULES}


def require_staff(actor: Principal, community_id: int) -> None:
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))


async def current(actor: Principal, community_id: int) -> dict[str, int]:
    """The community's rules, for its staff."""
    require_staff(actor, community_id)
    row = await Community.select(*(Community._meta.get_column_by_name(r.name)
                                   for r in RULES)).where(Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return row


def check(values: dict[str, int]) -> None:
    """Each value within its range, and the pairs that must agree; the first problem is
    raised on its field."""
    for name, value in values.items():
        rule = BY_NAME[name]
        if not rule.minimum <= value <= rule.maximum:
            raise DomainError(_("%(rule)s: between %(low)s and %(high)s, please.",
                                rule=_(rule.label), low=rule.minimum, high=rule.maximum),
                              name)
    low, high = values.get("min_wish_points"), values.get("max_wish_points")
    if low is not None and high is not None and low > high:
        raise DomainError(_("The most points a wish may carry cannot be fewer than the "
                            "fewest."), "max_wish_points")
    gift, month = values.get("donation_max_per_gift"), values.get("donation_max_per_month")
    if gift is not None and month is not None and month < gift:
        raise DomainError(_("The monthly limit must be at least the limit per gift."),
                          "donation_max_per_month")
    deadline, reminder = values.get("claim_deadline_days"), values.get("claim_reminder_hours")
    if deadline is not None and reminder is not None and reminder >= deadline * 24:
        raise DomainError(_("The reminder must come before the deadline: fewer hours than "
                            "the days to fulfil a claim."), "claim_reminder_hours")


async def update(actor: Principal, community_id: int, changes: dict[str, int]) -> list[str]:
    """Set some of the rules (the others keep their values); returns the rules changed.
    Checked against the rules they pair with, whichever of the two is changed."""
    require_staff(actor, community_id)
    unknown = set(changes) - set(BY_NAME)
    if unknown:
        raise DomainError(_("Unknown rule."))
    async with db.transaction():
        await db.lock_row(Community, community_id, "NO KEY UPDATE")
        old = await current(actor, community_id)
        merged = {**old, **changes}
        check(merged)
        changed = [name for name in changes if changes[name] != old[name]]
        if not changed:
            return []
        await Community.update(
            {Community._meta.get_column_by_name(name): changes[name] for name in changed}
        ).where(Community.id == community_id)
        for name in changed:
            await audit.record(actor.user_id, community_id, "community_rule_changed",
                               "community", community_id,
                               f"{name}: {old[name]} → {changes[name]}")
    return changed


def describe(rule_name: str) -> str:
    return _(BY_NAME[rule_name].label) if rule_name in BY_NAME else rule_name

