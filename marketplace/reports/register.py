"""Statutory service certificates (志愿服务证明) and their register.

Following 《志愿服务记录与证明出具办法》 (Ministry of Civil Affairs order No. 67, 2021) and
the 2015 certificate's fields: the volunteer's name, ID type and number (masked), volunteer
number; the service and its hours (actual service time, no travel), apart by who confirmed
them; the issuing organisation (the residents' committee), its person in charge, the staff
member who handled it and a contact; a certificate number, the date of issue, notes, a
place for the seal and a verification QR code.

Staff of the person's community issue one; it is written to the register with everything
it prints, so it reads the same whatever changes later. Staff list the register and
revoke a certificate with a reason; its verification page then says it is revoked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from marketplace import clock, db, paging, textsearch
from marketplace.audit import service as audit
from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.reports import cards, certificates, records
from marketplace.reports.tables import IssuedCertificate, VolunteerIdentity

PAGE_SIZE = 20
NOTES_MAX = 300
REASON_MAX = 300


def _staff(actor: Principal, community_id: int) -> None:
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))


async def _person(user_id: int) -> dict[str, Any]:
    who = await records.person(user_id)
    if who is None:
        raise NotFound(_("No such person."))
    return who


# --- the person's identity on certificates --------------------------------------------


async def identity(user_id: int) -> dict[str, str]:
    row = await VolunteerIdentity.select(
        VolunteerIdentity.id_type, VolunteerIdentity.id_number,
        VolunteerIdentity.volunteer_number).where(VolunteerIdentity.user == user_id).first()
    return row or {"id_type": "", "id_number": "", "volunteer_number": ""}


def id_type_options() -> list[tuple[str, str]]:
    return [(code, _(label)) for code, label in certificates.ID_TYPES.items()]


def clean_identity(id_type: str, id_number: str, volunteer_number: str) -> dict[str, str]:
    """Checked and masked: what may be stored. Raises DomainError on the field."""
    if id_type not in certificates.ID_TYPES:
        raise DomainError(_("Please choose the type of ID."), "id_type")
    try:
        masked = certificates.mask_id(id_number)
    except ValueError:
        raise DomainError(_("Please enter the ID number: 6 to 32 letters, digits or *."),
                          "id_number") from None
    number = volunteer_number.strip()
    if number and not certificates.volunteer_number_ok(number):
        raise DomainError(_("Please enter the volunteer number as letters, digits and "
                            "hyphens (up to 40)."), "volunteer_number")
    return {"id_type": id_type, "id_number": masked, "volunteer_number": number}


async def set_identity(actor: Principal, user_id: int, id_type: str, id_number: str,
                       volunteer_number: str) -> None:
    """The person themselves, or staff of their community."""
    who = await _person(user_id)
    if user_id != actor.user_id:
        _staff(actor, int(who["community"]))
    values = clean_identity(id_type, id_number, volunteer_number)
    async with db.transaction():
        await _store_identity(actor, who, values)


async def _store_identity(actor: Principal, who: dict[str, Any], values: dict[str, str]) -> None:
    user_id = int(who["id"])
    # Insert-or-nothing first, then update: two saves at once never trip the unique user.
    await VolunteerIdentity.insert(VolunteerIdentity(user=user_id)).on_conflict(
        action="DO NOTHING")
    await VolunteerIdentity.update({
        VolunteerIdentity.id_type: values["id_type"],
        VolunteerIdentity.id_number: values["id_number"],
        VolunteerIdentity.volunteer_number: values["volunteer_number"],
        VolunteerIdentity.updated_by: actor.acting_id,
        VolunteerIdentity.updated_at: clock.now(),
    }).where(VolunteerIdentity.user == user_id)
    await audit.record(actor.acting_id, int(who["community"]), "volunteer_identity_changed",
                       "user", user_id)


# --- the issuing organisation ---------------------------------------------------------


async def issuer(actor: Principal, community_id: int) -> dict[str, Any]:
    _staff(actor, community_id)
    row = await Community.select(
        Community.id, Community.name, Community.formal_name, Community.person_in_charge,
        Community.office_phone).where(Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return row


async def set_issuer(actor: Principal, community_id: int, formal_name: str,
                     person_in_charge: str) -> None:
    await issuer(actor, community_id)
    values = {"formal_name": formal_name.strip(), "person_in_charge": person_in_charge.strip()}
    for name, limit in (("formal_name", 100), ("person_in_charge", 64)):
        if len(values[name]) > limit:
            raise DomainError(_("Please keep this under %(n)s characters.", n=limit), name)
    async with db.transaction():
        await Community.update({Community.formal_name: values["formal_name"],
                                Community.person_in_charge: values["person_in_charge"]}).where(
            Community.id == community_id)
        await audit.record(actor.acting_id, community_id, "certificate_issuer_changed",
                           "community", community_id, " · ".join(values.values()))


# --- issuing --------------------------------------------------------------------------


def _content(record: records.ServiceRecord) -> list[list[Any]]:
    """The service by category: [category, wishes, minutes]. No wish titles: a title can
    name a household, and the certificate leaves the community."""
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for w in record.detail.wishes:
        entry = by_category[w["wish.category.name"] or ""]
        entry[0] += 1
        entry[1] += int(w["wish.hours"] or 0)
    return [[name, n, minutes] for name, (n, minutes) in sorted(by_category.items())]


async def _printed(actor: Principal, who: dict[str, Any], first: date, last: date,
                   ident: dict[str, str]) -> dict[str, Any]:
    """Everything the certificate prints, as it will be stored."""
    community = await issuer(actor, int(who["community"]))
    record = await records.service_record(who, clock.day_start(first), clock.day_end(last))
    helper = who.get("helper") or {}
    return {
        "name": who["display_name"], "kind": helper.get("kind") or "",
        "id_type": ident["id_type"], "id_number": ident["id_number"],
        "volunteer_number": ident["volunteer_number"]
        or certificates.platform_number(int(who["community"]), int(who["id"])),
        "national_number": bool(ident["volunteer_number"]),
        "organisation": community["formal_name"] or community["name"],
        "community": community["name"], "person_in_charge": community["person_in_charge"],
        "handled_by": actor.display_name, "contact": community["office_phone"],
        "figures": json.loads(cards.from_tally(record.tally).to_json()),
        "content": _content(record),
    }


def _check_period(first: date, last: date) -> None:
    if last < first:
        raise DomainError(_("The last day must not be before the first."), "date_to")
    if last > clock.today():
        raise DomainError(_("A certificate covers service already done: the last day "
                            "cannot be in the future."), "date_to")


async def issue(actor: Principal, user_id: int, first: date, last: date, notes: str,
                ident: dict[str, str]) -> int:
    """Write the certificate to the register with the next number of the community's
    year, and the person's ID type and numbers (``ident``: id_type, id_number,
    volunteer_number) for the next one; returns its id."""
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        raise DomainError(_("Please keep this under %(n)s characters.", n=NOTES_MAX), "notes")
    _check_period(first, last)
    ident = clean_identity(ident["id_type"], ident["id_number"], ident["volunteer_number"])
    who = await _person(user_id)
    community_id = int(who["community"])
    printed = await _printed(actor, who, first, last, ident)
    year = clock.today().year
    async with db.transaction():
        await _store_identity(actor, who, ident)
        # Numbers are allocated one issuer at a time per community (the unique number is
        # the backstop): two staff issuing at once get consecutive numbers.
        await db.lock_row(Community, community_id, "NO KEY UPDATE")
        top = await IssuedCertificate.select(IssuedCertificate.sequence).where(
            (IssuedCertificate.community == community_id) & (IssuedCertificate.year == year)
        ).order_by(IssuedCertificate.sequence, ascending=False).first()
        sequence = (top["sequence"] if top else 0) + 1
        number = certificates.certificate_number(community_id, year, sequence)
        row = await IssuedCertificate.insert(IssuedCertificate(
            number=number, community=community_id, year=year, sequence=sequence,
            person=user_id, person_name=who["display_name"][:64], first_day=first,
            last_day=last, figures=json.dumps(printed, ensure_ascii=False), notes=notes,
            issuer=actor.acting_id, issued_at=clock.now())).returning(IssuedCertificate.id)
        cert_id = int(row[0]["id"])
        await audit.record(actor.acting_id, community_id, "certificate_issued", "user",
                           user_id, number)
    return cert_id


# --- the register ---------------------------------------------------------------------


_COLUMNS = (*IssuedCertificate.all_columns(), IssuedCertificate.issuer.display_name,
            IssuedCertificate.revoked_by.display_name)


def _shaped(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "printed": json.loads(row["figures"] or "{}"),
            "token": certificates.registered_token(int(row["id"]))}


async def listing(actor: Principal, community_id: int, query: str,
                  before: int | None) -> paging.Page:
    """The community's certificates, newest first; ``query`` finds a name or number."""
    _staff(actor, community_id)
    select = IssuedCertificate.select(*_COLUMNS).where(
        IssuedCertificate.community == community_id)
    if query.strip():
        like = textsearch.contains(query.strip())
        # SQLite's LIKE is already case-insensitive for ASCII and has no ILIKE.
        op = "like" if db.is_sqlite() else "ilike"
        select = select.where(getattr(IssuedCertificate.person_name, op)(like)
                              | getattr(IssuedCertificate.number, op)(like))
    found = await paging.newest_first(select, IssuedCertificate.id, before, PAGE_SIZE)
    return paging.Page([_shaped(r) for r in found.rows], found.next_before)


async def get(actor: Principal, cert_id: int) -> dict[str, Any]:
    row = await IssuedCertificate.select(*_COLUMNS).where(
        IssuedCertificate.id == cert_id).first()
    if row is None or not actor.can_staff(int(row["community"])):
        raise NotFound(_("No such certificate."))
    return _shaped(row)


async def revoke(actor: Principal, cert_id: int, reason: str) -> None:
    row = await get(actor, cert_id)
    if row["revoked_at"] is not None:
        raise Conflict(_("This certificate has been revoked already."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please say why the certificate is revoked."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Please keep this under %(n)s characters.", n=REASON_MAX), "reason")
    async with db.transaction():
        done = await IssuedCertificate.update({
            IssuedCertificate.revoked_at: clock.now(),
            IssuedCertificate.revoked_by: actor.acting_id,
            IssuedCertificate.revoke_reason: reason,
        }).where((IssuedCertificate.id == cert_id)
                 & IssuedCertificate.revoked_at.is_null()).returning(IssuedCertificate.id)
        if not done:
            raise Conflict(_("This certificate has been revoked already."))
        await audit.record(actor.acting_id, int(row["community"]), "certificate_revoked",
                           "user", int(row["person"]), f"{row['number']} · {reason}")


async def verified(cert_id: int) -> dict[str, Any] | None:
    """For the public verification page: the certificate as issued (revoked or not)."""
    row = await IssuedCertificate.select(*_COLUMNS).where(
        IssuedCertificate.id == cert_id).first()
    return _shaped(row) if row else None

