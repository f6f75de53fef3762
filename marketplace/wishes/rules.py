"""The wish lifecycle as pure data: which action moves which state, and who may do it.

No database or web imports: the service asks ``transition()`` before every change, and
the tests walk every (state, action, role) cell. The limits of what people type live here
too, so the form, the API schema, the template's ``maxlength`` and the service share them.

    pending ─approve→ open ─claim/assign→ claimed ─fulfil→ fulfilled ─confirm→ confirmed
       └reject→ rejected  └cancel/expire→   └release/lapse/decline→ open └dispute→ disputed
                                          claimed ─join/leave→ claimed (team claims)
                                                          disputed ─resolve_confirm→ confirmed
                                                          disputed ─resolve_reopen→ open
    open ─escalate→ open (on the street's queue, 街道兜底) ─send_back→ open (community's)
                                                  └assign (street staff)→ claimed
"""

from __future__ import annotations

import math
from enum import StrEnum

from marketplace.errors import DomainError
from marketplace.i18n import _

# --- what people type: one limit each for the page, the API schema and the service ----
# Title and description are refused when too long (the person shortens them); free-text
# notes are kept up to their limit (the service cuts them; browsers stop at maxlength).
TITLE_MIN = 2
TITLE_MAX = 80  # the column's length
DESCRIPTION_MAX = 2000
NOTE_MAX = 500  # what was done, a release/decline/cancel note, a ruling; a history note
REASON_MAX = 300  # why a wish is rejected or disputed: the other side reads it
COMMENT_MAX = 300  # the resident's word of thanks with the rating
CATEGORY_NAME_MAX = 60
HOURS_MAX = 24  # hours one helper may report for one wish
SEARCH_MAX = 80  # characters of the search box that are used


class State(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    CLAIMED = "claimed"
    FULFILLED = "fulfilled"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CLAIM = "claim"
    JOIN = "join"  # another helper joins a team claim (team_size > 1)
    LEAVE = "leave"  # one member leaves a team claim; the others keep it
    ASSIGN = "assign"
    DECLINE = "decline"  # a helper whom staff assigned says no
    RELEASE = "release"
    LAPSE = "lapse"
    FULFIL = "fulfil"
    CONFIRM = "confirm"
    AUTO_CONFIRM = "auto_confirm"
    DISPUTE = "dispute"
    RESOLVE_CONFIRM = "resolve_confirm"
    RESOLVE_REOPEN = "resolve_reopen"
    CANCEL = "cancel"
    EXPIRE = "expire"
    ESCALATE = "escalate"  # community staff send a wish nobody can serve to the street
    SEND_BACK = "send_back"  # street staff return it to the community, with a note


# Moves nobody chooses from a button: timers do them, or another button covers them
# (leaving a team is "release").
NO_BUTTON = frozenset({Action.LAPSE, Action.AUTO_CONFIRM, Action.EXPIRE, Action.LEAVE})


class Role(StrEnum):
    """A person's relation to one wish (one person may have several)."""

    OWNER = "owner"  # the resident the wish is for
    CLAIMER = "claimer"  # a helper holding the claim (or a member of the claiming team)
    ASSIGNEE = "assignee"  # a claimer whom staff assigned (rather than who claimed)
    HELPER = "helper"  # a verified helper of the community, not holding the claim
    STAFF = "staff"  # staff of the wish's community
    STREET = "street"  # staff of the street the wish's community belongs to
    SYSTEM = "system"  # timers: deadlines, auto-confirmation, expiry


TERMINAL = frozenset({State.CONFIRMED, State.REJECTED, State.CANCELLED, State.EXPIRED})

# (from, action) -> (to, roles allowed)
_TABLE: dict[tuple[State, Action], tuple[State, frozenset[Role]]] = {
    (State.PENDING, Action.APPROVE): (State.OPEN, frozenset({Role.STAFF})),
    (State.PENDING, Action.REJECT): (State.REJECTED, frozenset({Role.STAFF})),
    (State.PENDING, Action.CANCEL): (State.CANCELLED, frozenset({Role.OWNER, Role.STAFF})),
    (State.OPEN, Action.CLAIM): (State.CLAIMED, frozenset({Role.HELPER})),
    (State.OPEN, Action.ASSIGN): (State.CLAIMED, frozenset({Role.STAFF, Role.STREET})),
    (State.OPEN, Action.ESCALATE): (State.OPEN, frozenset({Role.STAFF})),
    (State.OPEN, Action.SEND_BACK): (State.OPEN, frozenset({Role.STREET})),
    (State.OPEN, Action.CANCEL): (State.CANCELLED, frozenset({Role.OWNER, Role.STAFF})),
    (State.OPEN, Action.EXPIRE): (State.EXPIRED, frozenset({Role.SYSTEM})),
    (State.CLAIMED, Action.JOIN): (State.CLAIMED, frozenset({Role.HELPER})),
    (State.CLAIMED, Action.LEAVE): (State.CLAIMED, frozenset({Role.CLAIMER})),
    (State.CLAIMED, Action.DECLINE): (State.OPEN, frozenset({Role.ASSIGNEE})),
    (State.CLAIMED, Action.RELEASE): (State.OPEN, frozenset({Role.CLAIMER, Role.STAFF})),
    (State.CLAIMED, Action.LAPSE): (State.OPEN, frozenset({Role.SYSTEM})),
    (State.CLAIMED, Action.FULFIL): (State.FULFILLED, frozenset({Role.CLAIMER})),
    (State.CLAIMED, Action.CANCEL): (State.CANCELLED, frozenset({Role.OWNER, Role.STAFF})),
    (State.FULFILLED, Action.CONFIRM): (State.CONFIRMED, frozenset({Role.OWNER})),
    (State.FULFILLED, Action.AUTO_CONFIRM): (State.CONFIRMED, frozenset({Role.SYSTEM})),
    (State.FULFILLED, Action.DISPUTE): (State.DISPUTED, frozenset({Role.OWNER})),
    (State.DISPUTED, Action.RESOLVE_CONFIRM): (State.CONFIRMED, frozenset({Role.STAFF})),
    (State.DISPUTED, Action.RESOLVE_REOPEN): (State.OPEN, frozenset({Role.STAFF})),
}


class IllegalTransition(Exception):
    def __init__(self, reason: str, state: State, action: Action) -> None:
        super().__init__(reason)
        self.reason = reason  # "state" (not now) or "role" (not you)
        self.state = state
        self.action = action


def transition(state: State, action: Action, roles: frozenset[Role] | set[Role],
               at_street: bool = False) -> State:
    """The next state, or IllegalTransition saying whether the state or the role is wrong.

    ``at_street``: the wish waits on its street's escalation queue (街道兜底). Only then
    may street staff act on it (assign or send back), and only then not escalate again;
    while it is there the community's own staff may still assign it or cancel it."""
    entry = _TABLE.get((state, action))
    if entry is None:
        raise IllegalTransition("state", state, action)
    target, allowed = entry
    roles = set(roles)
    if not at_street:
        roles.discard(Role.STREET)  # street staff see the queue, not the community's work
        if action is Action.SEND_BACK:
            raise IllegalTransition("state", state, action)
    elif action is Action.ESCALATE:
        raise IllegalTransition("state", state, action)
    if not allowed & roles:
        raise IllegalTransition("role", state, action)
    # A helper may never act on their own wish: claiming it would pay themselves.
    if action in (Action.CLAIM, Action.JOIN) and Role.OWNER in roles:
        raise IllegalTransition("role", state, action)
    # Nobody confirms their own work, even if they are also the owner or staff.
    if action in (Action.CONFIRM, Action.RESOLVE_CONFIRM) and Role.CLAIMER in roles:
        raise IllegalTransition("role", state, action)
    return target


def allowed_actions(state: State, roles: frozenset[Role] | set[Role],
                    at_street: bool = False) -> list[Action]:
    """What to offer as buttons on the wish page for this person."""
    result = []
    for (from_state, action) in _TABLE:
        if from_state is not state:
            continue
        try:
            transition(state, action, roles, at_street)
        except IllegalTransition:
            continue
        result.append(action)
    return result


def buttons(state: State, roles: frozenset[Role] | set[Role],
            at_street: bool = False) -> list[Action]:
    """The actions a person chooses on the wish page (and the API lists as ``actions``)."""
    return [a for a in allowed_actions(state, roles, at_street) if a not in NO_BUTTON]


def sees_contact(roles: frozenset[Role] | set[Role]) -> bool:
    """Privacy: the owner's phone and exact address only for the claimer(s) and staff."""
    return bool(set(roles) & {Role.CLAIMER, Role.STAFF})


def minutes_spent(hours: str | float) -> int:
    """Hours a helper reports (typed "1.5" on the page, 1.5 in the API) as whole minutes."""
    try:
        value = float(hours.strip() or "0") if isinstance(hours, str) else float(hours)
    except ValueError as exc:  # "abc"
        raise DomainError(_("Hours spent must be a number, e.g. 1.5."), "hours") from exc
    if not math.isfinite(value):  # "nan", "inf"
        raise DomainError(_("Hours spent must be a number, e.g. 1.5."), "hours")
    if not 0 <= value <= HOURS_MAX:  # before multiplying: 1e308 hours would overflow
        raise _hours_out_of_range()
    return round(value * 60)


def check_minutes(minutes: int) -> None:
    """The service's own check, for callers that pass minutes directly (timers, demo)."""
    if not 0 <= minutes <= HOURS_MAX * 60:
        raise _hours_out_of_range()


def _hours_out_of_range() -> DomainError:
    return DomainError(_("Hours spent must be between 0 and %(n)s.", n=HOURS_MAX), "hours")
