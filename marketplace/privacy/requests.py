"""Privacy questions and complaints (PIPL Art. 50; Regulations Art. 20).

A signed-in person asks; the request lands in the queue of their community's staff
(administrators see every community's) with a due day 15 working days later; staff close it
with a reasoned answer, which the person is told about and reads on their requests page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marketplace import clock, db
from marketplace.accounts.tables import StaffMembership
from marketplace.audit import service as audit
from marketplace.db import MAX_ID
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import N_, _
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.privacy import calendar
from marketplace.privacy.tables import PrivacyRequest

TEXT_MAX = 2000
PREFERENCE_MAX = 200
ANSWER_MIN, ANSWER_MAX = 10, 4000
MINE_SHOWN = 50
QUEUE_SHOWN = 200

KINDS = {
    "question": N_("A question about my personal information"),
    "access": N_("See or copy my personal information"),
    "correction": N_("Correct my personal information"),
    "deletion": N_("Delete my personal information"),
    "complaint": N_("A complaint"),
    "other": N_("Something else"),
}

Row = dict[str, Any]


async def due_on(asked: date) -> date:
    return await calendar.due_on(asked)


def is_overdue(row: Row, today: date) -> bool:
    return row["status"] == "open" and today > row["due_on"]


def _checked(kind: str, text: str, preference: str) -> tuple[str, str, str]:
    if kind not in KINDS:
        raise DomainError(_("Please choose what your request is about."), "kind")
    text, preference = text.strip(), preference.strip()
    if not text:
        raise DomainError(_("Please write your question or complaint."), "text")
    if len(text) > TEXT_MAX:
        raise DomainError(_("Please keep it to %(n)s characters.", n=TEXT_MAX), "text")
    if len(preference) > PREFERENCE_MAX:
        raise DomainError(_("Please keep it to %(n)s characters.", n=PREFERENCE_MAX),
                          "contact_preference")
    return kind, text, preference


async def submit(actor: Principal, kind: str, text: str, preference: str = "") -> int:
    """A new request of ``actor`` (or of the resident a proxy acts for) in their community's
    queue; its staff are told."""
    kind, text, preference = _checked(kind, text, preference)
    async with db.transaction():
        rows = await PrivacyRequest.insert(PrivacyRequest(
            person=actor.user_id, community=actor.community_id, kind=kind, text=text,
            contact_preference=preference, due_on=await due_on(clock.today()),
        )).returning(PrivacyRequest.id)
        request_id = int(rows[0]["id"])
        await audit.record(actor.acting_id, actor.community_id, "privacy_request_made",
                           "privacy_request", request_id)
        staff = await StaffMembership.select(StaffMembership.user).where(
            (StaffMembership.community == actor.community_id)
            & (StaffMembership.active == True)).distinct()  # noqa: E712
        for member in staff:
            if member["user"] != actor.user_id:
                await notifications.send(int(member["user"]), "privacy_request_new",
                                         f"/staff/privacy-requests/{request_id}")
    return request_id


def _columns() -> list[Any]:
    return [PrivacyRequest.all_columns(), PrivacyRequest.person.display_name,
            PrivacyRequest.person.login, PrivacyRequest.answered_by.display_name,
            PrivacyRequest.community.name]


async def mine(actor: Principal) -> list[Row]:
    """The person's own requests, newest first, with their answers."""
    return await PrivacyRequest.select(*_columns()).where(
        PrivacyRequest.person == actor.user_id).order_by(
        PrivacyRequest.id, ascending=False).limit(MINE_SHOWN)


async def queue(actor: Principal, community_id: int | None, status: str = "open") -> list[Row]:
    """Requests of ``community_id`` (None: every community, administrators only), oldest
    due first; ``status`` open, answered or all."""
    allowed = actor.is_admin if community_id is None else actor.can_staff(community_id)
    if not allowed:
        raise Forbidden(_("This page is for staff of that community."))
    query = PrivacyRequest.select(*_columns())
    if community_id is not None:
        query = query.where(PrivacyRequest.community == community_id)
    if status in ("open", "answered"):
        query = query.where(PrivacyRequest.status == status)
    order = status != "answered"  # open ones: the soonest due first; answered: newest
    return await query.order_by(PrivacyRequest.due_on, ascending=order).order_by(
        PrivacyRequest.id, ascending=order).limit(QUEUE_SHOWN)


async def get(actor: Principal, request_id: int) -> Row:
    """One request, for staff of its community (NotFound to everyone else, the person
    included: they read theirs on their own page)."""
    row = None
    if 0 < request_id <= MAX_ID:
        row = await PrivacyRequest.select(*_columns()).where(
            PrivacyRequest.id == request_id).first()
    if row is None or not actor.can_staff(int(row["community"])):
        raise NotFound(_("No such request."))
    return row


async def answer(actor: Principal, request_id: int, text: str) -> None:
    """Closes the request with a reasoned answer; the person is told."""
    row = await get(actor, request_id)
    text = text.strip()
    if len(text) < ANSWER_MIN:
        raise DomainError(_("Please give a reasoned answer (at least %(n)s characters).",
                            n=ANSWER_MIN), "answer")
    if len(text) > ANSWER_MAX:
        raise DomainError(_("Please keep it to %(n)s characters.", n=ANSWER_MAX), "answer")
    if row["person"] in (actor.user_id, actor.acting_id):
        raise Forbidden(_("Another staff member must answer your own request."))
    async with db.transaction():
        done = await PrivacyRequest.update({
            PrivacyRequest.status: "answered", PrivacyRequest.answer: text,
            PrivacyRequest.answered_by: actor.acting_id,
            PrivacyRequest.answered_at: clock.now(),
        }).where((PrivacyRequest.id == request_id) & (PrivacyRequest.status == "open")
                 ).returning(PrivacyRequest.id)
        if not done:
            raise Conflict(_("This request was answered already."), "answer")
        await audit.record(actor.acting_id, int(row["community"]), "privacy_request_answered",
                           "privacy_request", request_id, text[:200])
        await notifications.send(int(row["person"]), "privacy_request_answered",
                                 f"/privacy/requests#request-{request_id}",
                                 day=clock.local_time(row["created_at"], "%Y-%m-%d"))


async def open_count(actor: Principal) -> int:
    """Open requests of the person, for the Me page's summary."""
    return await PrivacyRequest.count().where(
        (PrivacyRequest.person == actor.user_id) & (PrivacyRequest.status == "open"))


async def erase_person(user_id: int, removed: str) -> None:
    """Closing an account: the person's requests keep their kind, dates and who answered
    (the office's record that it answered in time); the words on both sides go."""
    await PrivacyRequest.update({
        PrivacyRequest.text: removed, PrivacyRequest.contact_preference: "",
        PrivacyRequest.answer: removed,
    }).where(PrivacyRequest.person == user_id)
