"""The privacy notice (PIPL Art. 17; Regulations Art. 21): its version, who runs each
community's site, and how long each kind of data is kept.

The notice's text is a template (``templates/privacy/notice.html``, translated like every
page); what changes its meaning changes ``VERSION``, and everyone signed in is asked
again (``web/consent_gate``)."""

from __future__ import annotations

from typing import Any

from marketplace import clock, db, settings
from marketplace.audit import service as audit_log
from marketplace.community.tables import Community
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.i18n import N_, _
from marketplace.principal import Principal
from marketplace.privacy.tables import Operator

# Bump when the notice says something new: every signed-in person is asked to agree again.
VERSION = "2026-11-30"

NAME_MAX = 100
CONTACT_MAX = 200

# How long each kind of data is kept, as the notice states it.
# How long each kind of data is kept. Where a community sets the time (its rules page:
# photos, fulfilment notes, sessions; the site's setting for contact-view records) the
# notice states that community's figure; elsewhere the fixed words below.
RETENTION: tuple[tuple[str, str], ...] = (
    (N_("Your profile (name, phone, address)"),
     N_("While your account is open; erased or made anonymous when you close it.")),
    (N_("Photos of wishes"),
     N_("Until the community's retention period after the wish is closed.")),
    (N_("Fulfilment notes"),
     N_("Until the community's retention period after the wish is closed.")),
    (N_("Sign-in sessions"),
     N_("Until you sign out, or after a time without use.")),
    (N_("Points ledger"),
     N_("Kept for the community's accounts; after closing, it points to an anonymous "
        "account.")),
    (N_("Records of who saw your contact details"),
     N_("At least six months (Cybersecurity Law Art. 21).")),
    (N_("Your consents"),
     N_("Kept as a record of what you agreed to and when, also after you withdraw.")),
)


def _after_closing(days: int) -> str:
    if days == 0:
        return _("Kept as long as the wish's record.")
    return _("%(n)s days after the wish is closed, then removed.", n=days)


async def retention(community_id: int | None = None) -> list[tuple[str, str]]:
    """The notice's retention table, with the community's own figures when one is known."""
    rows = [(what, _(how_long)) for what, how_long in RETENTION]
    found = None if community_id is None else await Community.select(
        Community.retention_photo_days, Community.retention_note_days,
        Community.retention_session_days).where(Community.id == community_id).first()
    if found is not None:
        rows[1] = (rows[1][0], _after_closing(int(found["retention_photo_days"])))
        rows[2] = (rows[2][0], _after_closing(int(found["retention_note_days"])))
        if found["retention_session_days"]:
            rows[3] = (rows[3][0], _("Until you sign out or after a time without use; at "
                                     "most %(n)s days.", n=found["retention_session_days"]))
    rows[5] = (rows[5][0], _("%(n)s months, then removed (at least six: Cybersecurity Law "
                             "Art. 21).", n=settings.get().contact_view_months))
    return [(_(what), how_long) for what, how_long in rows]


async def operator(community_id: int) -> dict[str, Any] | None:
    """Who runs this community's site: name and contact, or None while not set."""
    return await Operator.select(Operator.name, Operator.contact, Operator.updated_at).where(
        Operator.community == community_id).first()


async def operators() -> list[dict[str, Any]]:
    """Every active community with its operator (None where not set yet), by name."""
    communities = await Community.select(Community.id, Community.name).where(
        Community.archived == False).order_by(Community.name)  # noqa: E712
    found = {int(r["community"]): r for r in await Operator.select(
        Operator.community, Operator.name, Operator.contact)}
    return [{**c, "operator": found.get(int(c["id"]))} for c in communities]


async def community_name(community_id: int) -> str:
    row = await Community.select(Community.name).where(Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return str(row["name"])


async def operator_settings(actor: Principal, community_id: int) -> dict[str, Any]:
    """The staff page's data: only staff of the community, or an administrator."""
    name = await community_name(community_id)
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))
    return {"community_name": name, "operator": await operator(community_id)}


async def set_operator(actor: Principal, community_id: int, name: str, contact: str) -> None:
    """Staff of the community (or an administrator) name who runs its site."""
    await operator_settings(actor, community_id)
    name, contact = name.strip(), contact.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise DomainError(_("Please enter the operator's name (up to %(n)s characters).",
                            n=NAME_MAX), "name")
    if not 1 <= len(contact) <= CONTACT_MAX:
        raise DomainError(_("Please enter how to contact the operator (up to %(n)s "
                            "characters).", n=CONTACT_MAX), "contact")
    async with db.transaction():
        values = {Operator.name: name, Operator.contact: contact,
                  Operator.updated_by: actor.user_id, Operator.updated_at: clock.now()}
        updated = await Operator.update(values).where(
            Operator.community == community_id).returning(Operator.id)
        if not updated:
            await Operator.insert(Operator(community=community_id, name=name, contact=contact,
                                           updated_by=actor.user_id))
        await audit_log.record(actor.user_id, community_id, "privacy_operator_set",
                               "community", community_id, f"{name} · {contact}")

