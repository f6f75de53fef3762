"""What a person may read of one wish: its page (the same read model for the HTML page and
the API), its notice for the board, and its photos.

Each answers NotFound unless the reader may see the wish (``core.visible``), and the
owner's contact details are decided here once, by ``rules.sees_contact``: a page or an
API answer cannot show what this model does not hold.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from marketplace import settings
from marketplace.community.tables import Community
from marketplace.errors import NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.privacy import access
from marketplace.wishes import core
from marketplace.wishes.rules import Role, State, buttons, sees_contact
from marketplace.wishes.tables import Wish, WishClaim

Row = dict[str, Any]

PHOTO_COLUMNS = {"wish": "photo", "fulfil": "fulfil_photo"}


@dataclass(frozen=True)
class Contact:
    phone: str
    address: str


@dataclass(frozen=True)
class WishDetail:
    """One wish as one reader may see it."""

    wish: Row  # with its category, grid, building, owner and poster names; no contact
    roles: frozenset[Role]  # the reader's relation to the wish
    actions: list[str]  # what the reader may do now (``rules.buttons``)
    contact: Contact | None  # the owner's phone and address: claimer(s) and staff only
    helpers: list[str]  # names of the helpers holding the claim, first joiner first
    history: list[Row]  # events, oldest first, each with ``stage_seconds`` until the next
    team_max: int  # the largest team the community allows (for the approve form)


async def detail(actor: Principal, wish_id: int, via: str = "wish") -> WishDetail:
    """The wish as ``actor`` may read it; when that includes the owner's contact, the
    showing is recorded for the owner to see (``via``: "wish" page or "api")."""
    _row, roles = await core.visible(actor, wish_id)
    wish = await Wish.select(
        Wish.all_columns(), Wish.owner.display_name, Wish.owner.phone, Wish.owner.address,
        Wish.posted_by.display_name, Wish.category.name, Wish.grid.name, Wish.building.name,
    ).where(Wish.id == wish_id).first()
    # Taken out of the row whoever reads: only ``contact`` carries them, when allowed.
    phone, address = wish.pop("owner.phone"), wish.pop("owner.address")
    team_max = await Community.select(Community.team_size_max).where(
        Community.id == wish["community"]).first()
    contact = Contact(phone, address) if sees_contact(roles) else None
    if contact is not None:
        await _record_contact(actor, wish, roles, contact, via)
    return WishDetail(
        wish=wish, roles=roles,
        actions=[a.value for a in buttons(State(wish["status"]), roles, core.at_street(wish))],
        contact=contact,
        helpers=await _helpers(wish_id), history=await _history(wish_id),
        team_max=team_max["team_size_max"],
    )


async def _record_contact(actor: Principal, wish: Row, roles: frozenset[Role],
                          contact: Contact, via: str) -> None:
    role = ("claimer" if Role.CLAIMER in roles
            else access.staff_role(actor, int(wish["community"])))
    await access.record(actor, [(int(wish["owner"]), access.fields_of(contact.phone,
                                                                       contact.address))],
                        via, role, wish_id=int(wish["id"]))


async def _helpers(wish_id: int) -> list[str]:
    rows = await WishClaim.select(WishClaim.helper.display_name).where(
        (WishClaim.wish == wish_id) & (WishClaim.active == True)  # noqa: E712
    ).order_by(WishClaim.joined_at).order_by(WishClaim.id)
    return [r["helper.display_name"] for r in rows]


async def _history(wish_id: int) -> list[Row]:
    """The timeline, each step with how long the wish stayed in it (None: still there)."""
    events = await core.history(wish_id)
    for current, following in zip(events, [*events[1:], None], strict=True):
        current["stage_seconds"] = (
            int((following["at"] - current["at"]).total_seconds()) if following else None)
    return events


async def notice(actor: Principal, wish_id: int) -> Row:
    """What a notice on the board shows: only what a passer-by may read (no name, phone,
    address or building)."""
    await core.visible(actor, wish_id)
    return await Wish.select(Wish.id, Wish.title, Wish.points, Wish.status, Wish.team_size,
                             Wish.grid.name, Wish.category.name).where(
        Wish.id == wish_id).first()


# What a passer-by who scans a notice may read: wishes helpers can still see or that were
# done. Pending, rejected, cancelled, expired and disputed ones are nobody's business.
PUBLIC_STATES = frozenset({State.OPEN, State.CLAIMED, State.FULFILLED, State.CONFIRMED})


def _signature(wish_id: int) -> str:
    mac = hmac.new(settings.get().secret_key.encode(), f"wish-notice|{wish_id}".encode(),
                   hashlib.sha256)
    return mac.hexdigest()[:12]


def public_path(wish_id: int) -> str:
    """The link a printed notice's QR code carries. Signed, so only printed (or shared)
    wishes can be read without signing in: counting through ids finds nothing."""
    return f"/w/{wish_id}/{_signature(wish_id)}"


async def public(wish_id: int, signature: str) -> Row:
    """The summary a passer-by reads: title, points, category, grid, community, status and
    how many helpers are wanted. Nothing about the person: no name, phone, address,
    building or photo, and no description (free text often holds a room number or a
    phone number, which no check finds reliably)."""
    if not hmac.compare_digest(signature.encode(), _signature(wish_id).encode()):
        raise NotFound(_("No such wish."))
    row = await Wish.select(Wish.id, Wish.title, Wish.points, Wish.status, Wish.team_size,
                            Wish.wished_by, Wish.community, Wish.grid.name,
                            Wish.category.name, Wish.community.name).where(
        Wish.id == wish_id).first()
    if row is None or row["status"] not in PUBLIC_STATES:
        raise NotFound(_("No such wish."))
    return row


async def photo(actor: Principal, wish_id: int, which: str) -> str | None:
    """The stored name of the wish's photo (``which``: "wish" or "fulfil"), or None."""
    wish, _roles = await core.visible(actor, wish_id)
    return wish.get(PHOTO_COLUMNS.get(which, "")) or None
