"""What the pages and exports call each wish status and each step of a wish's history
(one list each, translated when shown)."""

from __future__ import annotations

from marketplace.i18n import N_, _

STATUS_NAMES: dict[str, str] = {
    "pending": N_("Waiting for review"), "open": N_("Open"), "claimed": N_("Claimed"),
    "fulfilled": N_("Done, waiting for confirmation"), "confirmed": N_("Confirmed"),
    "disputed": N_("Disputed"), "rejected": N_("Not accepted"),
    "cancelled": N_("Cancelled"), "expired": N_("Expired"),
}

# The history says what happened, not the state it left the wish in: an approval read as
# "Open · the staff member's name", which looked like the staff member had opened it.
EVENT_NAMES: dict[str, str] = {
    "post": N_("Posted"),
    "approve": N_("Approved"),
    "reject": N_("Not accepted"),  # the word residents see on the wish itself
    "claim": N_("Claimed"),
    "join": N_("Joined the team"),
    "leave": N_("Left the team"),
    "assign": N_("Assigned to a helper"),
    "decline": N_("Assignment declined"),
    "release": N_("Claim released"),
    "lapse": N_("Claim ran out of time"),
    "fulfil": N_("Reported done"),
    "confirm": N_("Confirmed done"),
    "auto_confirm": N_("Confirmed automatically"),
    "dispute": N_("Problem reported"),
    "resolve_confirm": N_("Resolved: confirmed and paid"),
    "resolve_reopen": N_("Resolved: open again"),
    "cancel": N_("Wish cancelled"),
    "expire": N_("Expired"),
    "escalate": N_("Escalated to the street"),
    "send_back": N_("Sent back to the community"),
}


def status_name(status: str) -> str:
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def event_name(action: str, to_state: str) -> str:
    """A step of the history in words; a step this list does not know by its new state."""
    return _(EVENT_NAMES[action]) if action in EVENT_NAMES else status_name(to_state)
