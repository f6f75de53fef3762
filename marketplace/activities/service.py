"""Community activities: staff create them; residents check in with the code (or staff tick
attendance); each participant is paid once from the community's issuance (kind "activity").

Paid once, race-safe: the participation row has a unique "activity:user" key and is
inserted first (ON CONFLICT DO NOTHING) in the same transaction as the payment, so a second
check-in — concurrent or not — finds the row and pays nothing; the ledger's idempotency key
"activity:<id>:<user>" backs that up. Capacity is a conditional UPDATE of a counter.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from piccolo.columns.combination import WhereRaw

from marketplace import clock, db
from marketplace.accounts import throttle
from marketplace.accounts.tables import User
from marketplace.activities.tables import Activity, Participation
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from marketplace.principal import Principal

# No 0/O, 1/I/L: read aloud or typed from a poster without mistakes.
CODE_CHARS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
MAX_POINTS = 1000


def now() -> datetime:
    return clock.now()


def local_day(moment: datetime) -> str:
    return clock.local_time(moment, "%Y-%m-%d")


def new_code() -> str:
    return "".join(secrets.choice(CODE_CHARS) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Upper case without spaces or dashes: "ab3-k7q" and "AB3 K7Q" are the same code."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:12]


def _validate(title: str, place: str, points: int, capacity: int | None) -> tuple[str, str]:
    title, place = title.strip(), place.strip()
    if not 1 <= len(title) <= 100:
        raise DomainError(_("Please enter a title (up to 100 characters)."), "title")
    if len(place) > 100:
        raise DomainError(_("The place can have up to 100 characters."), "place")
    if not 1 <= points <= MAX_POINTS:
        raise DomainError(_("Points per participant must be between 1 and %(n)s.",
                            n=MAX_POINTS), "points")
    if capacity is not None and capacity < 1:
        raise DomainError(_("The capacity must be at least 1 (or left empty)."), "capacity")
    return title, place


def _require_staff(actor: Principal, community_id: int) -> None:
    """Staff act in their own communities only; administrators everywhere."""
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))


async def create(actor: Principal, community_id: int, title: str, place: str,
                 starts_at: datetime, points: int, capacity: int | None) -> int:
    _require_staff(actor, community_id)
    title, place = _validate(title, place, points, capacity)
    for _attempt in range(5):  # a code clash is rare (31^6 codes); try another
        code = new_code()
        rows = await Activity.insert(Activity(
            community=community_id, title=title, place=place, starts_at=starts_at,
            points=points, capacity=capacity, code=code, created_by=actor.user_id,
        )).on_conflict(target=Activity.code, action="DO NOTHING").returning(Activity.id)
        if rows:
            return int(rows[0]["id"])
    raise Conflict(_("Could not make a check-in code; please try again."))


async def get(activity_id: int) -> dict[str, Any]:
    row = await Activity.select().where(Activity.id == activity_id).first()
    if row is None:
        raise NotFound(_("No such activity."))
    return row


async def staffed(actor: Principal, activity_id: int) -> dict[str, Any]:
    """The activity, if ``actor`` is staff of its community."""
    activity = await get(activity_id)
    if not actor.can_staff(int(activity["community"])):
        raise Forbidden(_("This activity belongs to another community."))
    return activity


async def of_community(actor: Principal, community_id: int) -> list[dict[str, Any]]:
    _require_staff(actor, community_id)
    return await Activity.select().where(Activity.community == community_id).order_by(
        Activity.starts_at, ascending=False)


async def by_code(person: Principal, raw: str) -> dict[str, Any]:
    """The activity of ``person``'s community with this code (typed, or in a QR link).

    Codes are short, so guessing is slowed down per person (``throttle``, counted in the
    database); every wrong code — unknown, or another community's — gets the same answer.
    """
    code = normalise_code(raw)
    if not code:
        raise DomainError(_("Please type the code shown at the activity."), "code")
    k = throttle.key("checkin", person.user_id)
    try:
        ids, counts = await throttle.claim({k: throttle.CHECKIN})
    except throttle.Throttled as exc:
        raise throttle.Throttled(exc.wait_seconds, field="code") from None
    row = await Activity.select().where(Activity.code == code).first()
    if row is None or int(row["community"]) != person.community_id:
        message = _("No activity in your community has this code. Please check it and try "
                    "again.")
        wait = throttle.wait_after_failure(counts[k], throttle.CHECKIN)
        if wait:
            message += " " + _("Please wait %(wait)s before the next try.",
                               wait=throttle.wait_text(wait))
        raise DomainError(message, "code")
    await throttle.succeeded(ids)
    return row


def check_window(activity: dict[str, Any], moment: datetime) -> None:
    """Residents check in on the activity's (local) day only."""
    day = local_day(activity["starts_at"])
    if local_day(moment) != day:
        raise DomainError(_("Check-in for this activity is open on %(day)s only.", day=day),
                          "code")


async def check_in(person: Principal, raw_code: str, method: str = "code",
                   moment: datetime | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A resident checks in with the code (typed, or from the QR link) and is paid."""
    activity = await by_code(person, raw_code)
    check_window(activity, moment or now())
    paid = await _participate(activity, person.user_id, "qr" if method == "qr" else "code",
                              person.user_id)
    return activity, paid


async def record_attendance(actor: Principal, activity_id: int, user_ids: list[int],
                            moment: datetime | None = None) -> tuple[int, int]:
    """Staff tick who came; returns (paid now, already paid before)."""
    activity = await staffed(actor, activity_id)
    if local_day(moment or now()) < local_day(activity["starts_at"]):
        raise DomainError(_("Attendance can be recorded from the day of the activity."))
    # A closed account (注销) is no member any more: its points were settled at closing.
    members = await User.select(User.id).where(
        User.id.is_in(user_ids or [0]) & (User.community == activity["community"])
        & (User.is_active == True))  # noqa: E712
    if len(members) != len(set(user_ids)):
        raise Forbidden(_("Only members of the activity's community can be ticked."))
    paid = already = 0
    for user_id in sorted(set(user_ids)):
        try:
            await _participate(activity, user_id, "staff", actor.user_id)
        except Conflict:
            already += 1
            continue
        paid += 1
    return paid, already


async def _participate(activity: dict[str, Any], user_id: int, method: str,
                       recorded_by: int) -> dict[str, Any]:
    activity_id = int(activity["id"])
    async with db.transaction():
        rows = await Participation.insert(Participation(
            activity=activity_id, user=user_id, key=f"{activity_id}:{user_id}",
            method=method, recorded_by=recorded_by, transfer_id=0,
        )).on_conflict(target=Participation.key, action="DO NOTHING").returning(
            Participation.id)
        if not rows:
            raise Conflict(_("Already checked in: points for this activity are paid once."),
                           "code")
        room = await Activity.update({Activity.participants: Activity.participants + 1}).where(
            (Activity.id == activity_id)
            & WhereRaw("(capacity IS NULL OR participants < capacity)")
        ).returning(Activity.id)
        if not room:
            raise DomainError(_("This activity is full."), "code")
        transfer = await ledger.award(
            int(activity["community"]), user_id, int(activity["points"]), "activity",
            f"activity:{activity_id}", recorded_by, activity["title"],
            f"activity:{activity_id}:{user_id}")
        await Participation.update({Participation.transfer_id: transfer["id"]}).where(
            Participation.id == rows[0]["id"])
        await notifications.send(user_id, "activity_paid", link="/points",
                                 points=activity["points"], title=activity["title"])
    return transfer


async def attendance(actor: Principal, activity_id: int
                     ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """For staff of its community: the activity and who came (others are found with the
    person picker: a list of every member would be thousands long)."""
    activity = await staffed(actor, activity_id)
    return activity, await _participants(activity_id)


async def _participants(activity_id: int) -> list[dict[str, Any]]:
    return await Participation.select(
        Participation.user, Participation.user.display_name, Participation.method,
        Participation.created_at, Participation.recorded_by.display_name,
    ).where(Participation.activity == activity_id).order_by(Participation.id)


async def members(actor: Principal, community_id: int) -> list[dict[str, Any]]:
    """Active people of the community, for staff lists (attendance, residents in need)."""
    _require_staff(actor, community_id)
    return await _members(community_id)


async def _members(community_id: int) -> list[dict[str, Any]]:
    return await User.select(User.id, User.display_name, User.login).where(
        (User.community == community_id) & (User.is_active == True)  # noqa: E712
    ).order_by(User.display_name)
