"""What the pages and exports call each wish status (one list, translated when shown)."""

from __future__ import annotations

from marketplace.i18n import N_, _

STATUS_NAMES: dict[str, str] = {
    "pending": N_("Waiting for review"), "open": N_("Open"), "claimed": N_("Claimed"),
    "fulfilled": N_("Done, waiting for confirmation"), "confirmed": N_("Confirmed"),
    "disputed": N_("Disputed"), "rejected": N_("Not accepted"),
    "cancelled": N_("Cancelled"), "expired": N_("Expired"),
}


def status_name(status: str) -> str:
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status
