"""Escalation to the street (街道兜底): community staff send a wish nobody can serve to
their street; street staff give it a helper of any community of the street (``claims.
assign``) or send it back with a note. The wish keeps its community throughout.

Who may do what is the lifecycle's (``rules.transition`` with ``at_street``); every step
is a wish event (who, when, why) and the community's staff are told what the street did.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marketplace import clock, db
from marketplace.audit import service as audit
from marketplace.community import areas
from marketplace.community.tables import Community
from marketplace.errors import DomainError, Forbidden
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.wishes import claims, core, notify
from marketplace.wishes.rules import NOTE_MAX, REASON_MAX, Action, Role
from marketplace.wishes.tables import Wish

QUEUE_MAX = 200


async def escalate(actor: Principal, wish_id: int, reason: str) -> None:
    """Community staff: nobody here can serve this wish; the street's queue takes it."""
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise DomainError(_("Please say why the community cannot serve this wish: the "
                            "street will read it."), "note")
    wish, roles = await core.visible(actor, wish_id)
    if Role.STAFF not in roles:
        raise Forbidden(_("You cannot do that with this wish."))
    street_id = await areas.street_of(int(wish["community"]))
    if street_id is None:
        raise DomainError(_("This community is not under a street yet: an administrator "
                            "places it under one first."), "note")
    async with db.transaction():
        wish = await core.move(wish_id, Action.ESCALATE, actor, reason, {
            Wish.street_status: core.STREET_QUEUED, Wish.street_escalated_at: clock.now()})
        community = await Community.select(Community.name).where(
            Community.id == wish["community"]).first()
        await notify.tell(await notify.street_staff_of(street_id), "wish_street_escalated",
                          wish, community=community["name"], reason=reason)
        await audit.record(actor.user_id, wish["community"], "wish_escalated_street", "wish",
                           wish_id, reason)


async def send_back(actor: Principal, wish_id: int, note: str) -> None:
    """Street staff return a wish to its community, saying why or what to try."""
    note = note.strip()[:NOTE_MAX]
    if not note:
        raise DomainError(_("Please add a note for the community."), "note")
    async with db.transaction():
        wish = await core.move(wish_id, Action.SEND_BACK, actor, note,
                               {Wish.street_status: core.STREET_RETURNED})
        await notify.tell_staff(wish, "wish_sent_back", street=actor.display_name, note=note)
        await audit.record(actor.user_id, wish["community"], "wish_sent_back", "wish",
                           wish_id, note)


async def picker_scope(actor: Principal, wish_id: int) -> tuple[int, ...]:
    """The communities whose helpers the assign form may offer for this wish: its own for
    its staff, every community of the street for street staff on the street's queue."""
    wish, roles = await core.visible(actor, wish_id)
    if not roles & {Role.STAFF, Role.STREET}:
        raise Forbidden(_("You cannot do that with this wish."))
    return tuple(await claims.helper_communities(wish, roles))


def require_street(actor: Principal, street_id: int) -> None:
    if street_id not in actor.street_ids and not actor.is_admin:
        raise Forbidden(_("This page is for staff of that street."))


async def queue(actor: Principal, street_id: int) -> list[dict[str, Any]]:
    """The street's escalated wishes waiting for it, oldest first, each with its wait."""
    require_street(actor, street_id)
    await areas.street(street_id)
    rows = await Wish.select(
        Wish.id, Wish.title, Wish.points, Wish.street_escalated_at, Wish.community,
        Wish.community.name, Wish.category.name, Wish.grid.name,
    ).where(
        (Wish.community.street == street_id) & (Wish.status == "open")
        & (Wish.street_status == core.STREET_QUEUED)
    ).order_by(Wish.street_escalated_at).order_by(Wish.id).limit(QUEUE_MAX)
    now = clock.now()
    for row in rows:
        row["waited_seconds"] = _waited(row["street_escalated_at"], now)
    return rows


def _waited(since: datetime | None, now: datetime) -> int:
    return 0 if since is None else max(0, int((now - clock.aware(since)).total_seconds()))
