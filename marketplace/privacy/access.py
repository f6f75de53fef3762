"""Who saw a resident's contact details (issue 16 item 7; Cybersecurity Law Art. 21).

Every service that shows a resident's phone or unit/room to someone else (the wish page and
its API answer for the claimer and staff, the member pages, the members CSV) calls ``record``
in the same call that authorised the showing, never a template: one INSERT however many
residents a list shows. Nobody is recorded seeing their own contact. The resident reads the
list on Me, staff on the member page; ``purge`` keeps it ``CONTACT_VIEW_MONTHS`` (≥ 6).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from marketplace import paging, settings
from marketplace.accounts import members
from marketplace.accounts import service as accounts
from marketplace.accounts.tables import User
from marketplace.db import MAX_ID
from marketplace.errors import NotFound
from marketplace.i18n import N_, _
from marketplace.principal import Principal
from marketplace.privacy.tables import ContactView

PAGE_SIZE = 20

# What the resident reads beside each record (translated when shown).
ROLES = {"claimer": N_("Helper who took the wish"), "staff": N_("Community staff"),
         "admin": N_("Administrator")}
CONTEXTS = {"wish": N_("Wish page"), "api": N_("Wish in the app"),
            "member": N_("Member page"), "proxies": N_("Proxies page"),
            "export": N_("Member list download")}
FIELDS = {"phone": N_("phone"), "address": N_("unit/room")}


def fields_of(phone: str, address: str) -> str:
    """The fields a page really shows: an empty one reveals nothing."""
    return ",".join(name for name, value in (("phone", phone), ("address", address))
                    if value.strip())


def staff_role(actor: Principal, community_id: int) -> str:
    """How staff who see a member of ``community_id`` are named in the record."""
    return "staff" if community_id in actor.staff_community_ids else "admin"


async def record(actor: Principal, shown: Iterable[tuple[int, str]], context: str,
                 role: str, wish_id: int | None = None) -> int:
    """Records that ``actor`` (the person really at the screen) saw each ``(resident_id,
    fields)`` of ``shown``; returns how many records were written (one statement)."""
    if context not in CONTEXTS or role not in ROLES:
        raise ValueError(f"unknown contact view {context!r}/{role!r}")
    own = {actor.user_id, actor.acting_id}
    rows = [ContactView(resident=resident, viewer=actor.acting_id, viewer_role=role,
                        context=context, wish_id=wish_id, fields=fields)
            for resident, fields in shown if fields and resident not in own]
    if rows:
        await ContactView.insert(*rows)
    return len(rows)


async def member(actor: Principal, user_id: int) -> dict[str, Any]:
    """The staff member page's profile (``accounts.members.member``: staff of the member's
    community only), its phone and unit/room recorded as seen."""
    row = await members.member(actor, user_id)
    await record(actor, [(user_id, fields_of(row["phone"], row["address"]))], "member",
                 staff_role(actor, int(row["community.id"])))
    return row


async def proxies_profile(actor: Principal, user_id: int) -> dict[str, Any]:
    """The profile the proxies page shows (``accounts.service.profile``: the person or
    staff of their community); that page shows the unit/room, not the phone."""
    row = await accounts.profile(actor, user_id)
    await record(actor, [(user_id, fields_of("", row["address"]))], "proxies",
                 staff_role(actor, int(row["community.id"])))
    return row


async def seen(actor: Principal, resident_id: int, before: int | None = None) -> paging.Page:
    """Who saw ``resident_id``'s contact, newest first: for the resident and for staff of
    their community. Rows: ``at``, ``viewer.display_name``, ``viewer_role``, ``context``,
    ``wish_id``, ``fields``."""
    person = None
    if 0 < resident_id <= MAX_ID:
        person = await User.select(User.community).where(User.id == resident_id).first()
    if person is None or (resident_id != actor.user_id
                          and not actor.can_staff(int(person["community"]))):
        raise NotFound(_("No such person."))
    query = ContactView.select(
        ContactView.id, ContactView.at, ContactView.viewer.display_name,
        ContactView.viewer_role, ContactView.context, ContactView.wish_id,
        ContactView.fields).where(ContactView.resident == resident_id)
    return await paging.newest_first(query, ContactView.id, before, PAGE_SIZE)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the
    month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last_day = _days_in(year, month)
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _days_in(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return (following - datetime(year, month, 1)).days


async def purge(moment: datetime) -> int:
    """Timer job: removes records older than the kept months. The ``at`` index makes it a
    short range scan, so a tick with nothing due costs one cheap statement."""
    cutoff = months_before(moment, settings.get().contact_view_months)
    gone = await ContactView.delete().where(ContactView.at < cutoff).returning(ContactView.id)
    return len(gone)
