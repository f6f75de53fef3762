"""The text of every notification kind, translated when a person reads it."""

from __future__ import annotations

import logging
from typing import Any

from marketplace.i18n import N_, _

log = logging.getLogger(__name__)

# Placeholders are filled from the notification's params; names and titles are user text
# and are escaped by the template like any other text.
MESSAGES: dict[str, str] = {
    "wish_approved": N_("Your wish “{title}” was approved; helpers can now see it."),
    "wish_rejected": N_("Your wish “{title}” was not approved: {reason}"),
    "wish_claimed": N_("{helper} claimed your wish “{title}”."),
    "wish_released": N_("{helper} released your wish “{title}”; it is open again."),
    "wish_cancelled": N_("The wish “{title}” you claimed was cancelled by the resident."),
    "claim_lapsed": N_("Your claim on “{title}” lapsed after its deadline; it is open again."),
    "claim_due_soon": N_("Your claim on “{title}” is due within 24 hours."),
    "claim_due_in": N_("Your claim on “{title}” is due within {hours} hours."),
    "wish_fulfilled": N_("{helper} reports your wish “{title}” done. Please confirm it."),
    "wish_confirmed": N_("“{title}” was confirmed: you earned {points} points."),
    "wish_auto_confirmed": N_("“{title}” was confirmed automatically after {days} days."),
    "wish_disputed": N_("The resident disputed “{title}”: {reason}"),
    "wish_reopened": N_("Staff reopened “{title}” after a dispute."),
    "dispute_resolved_paid": N_("Staff settled the dispute about “{title}”: it counts as "
                                "done and the helper is paid. {note}"),
    "dispute_resolved_reopened": N_("Staff settled the dispute about “{title}”: the wish is "
                                    "open again. {note}"),
    "wish_assigned": N_("Staff asked you to help with “{title}”."),
    "assignment_declined": N_("{helper} declined the wish “{title}”."),
    "wish_escalated": N_("Nobody claimed “{title}” in time; staff will find a helper."),
    "wish_escalated_staff": N_("Nobody has claimed “{title}”: please assign a helper."),
    "claim_released_by_staff": N_("Staff released your claim on “{title}”."),
    "points_received": N_("You received {points} points: {memo}"),
    "points_expiring": N_("{points} of your points expire on {date}."),
    "activity_paid": N_("You earned {points} points for taking part in “{title}”."),
    "gift_received": N_("{giver} gave you {points} points: {memo}"),
    "merchant_verified": N_("Your shop “{name}” was verified. You can add offers now."),
    "merchant_declined": N_("Your shop “{name}” was not verified: {reason}"),
    "cashier_invited": N_("{owner} invites you to be a cashier of “{name}”. Open to accept "
                          "or decline."),
    "code_redeemed": N_("Your code for “{offer}” was redeemed at {merchant}."),
    "wish_expired": N_("Your wish “{title}” expired: nobody claimed it by the day you "
                       "needed it. You can post it again."),
    "wish_claim_lapsed": N_("The helper's claim on your wish “{title}” lapsed after its "
                            "deadline; it is open again."),
    "helper_verified": N_("You are now a verified helper: you can claim wishes."),
    "helper_declined": N_("Your helper registration was not verified: {reason}"),
    "settlement_closed": N_("Staff closed the settlement of “{name}” for {start}–{end}: "
                            "{points} points, {yuan} yuan."),
    "settlement_paid": N_("The settlement of “{name}” for {start}–{end} was marked paid. "
                          "{note}"),
    "points_expired": N_("{points} of your points expired (older than {months} months)."),
    # Steps someone took for the resident (a proxy, or staff for a managed account).
    "wish_fulfilled_for": N_("{helper} reports “{title}” done for {resident}. Please "
                             "confirm it for them."),
    "done_for_you_post": N_("{agent} posted the wish “{title}” for you."),
    "done_for_you_confirm": N_("{agent} confirmed “{title}” as done for you."),
    "done_for_you_dispute": N_("{agent} asked staff to look at “{title}” for you."),
    "done_for_you_cancel": N_("{agent} cancelled the wish “{title}” for you."),
    "done_for_you_code": N_("{agent} got a code for “{offer}” for you, with {points} of "
                            "your points."),
    "privacy_request_new": N_("A resident sent a privacy request: please answer it within "
                              "15 working days."),
    "privacy_request_answered": N_("Your privacy request of {day} was answered. Open to "
                                   "read the answer."),
    "wish_street_escalated": N_("{community} asks the street to find a helper for “{title}”: "
                                "{reason}"),
    "wish_street_assigned": N_("The street ({street}) found a helper for “{title}”."),
    "wish_sent_back": N_("The street ({street}) sent “{title}” back to the community: {note}"),
}


def render(kind: str, params: dict[str, Any]) -> str:
    template = MESSAGES.get(kind)
    if template is None:
        log.warning("unknown notification kind %r", kind)
        return kind
    try:
        return _(template).format(**params)
    except (KeyError, IndexError, ValueError):
        log.warning("notification %r lacks params: %r", kind, params)
        return _(template)
