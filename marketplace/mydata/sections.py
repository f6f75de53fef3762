"""A person's data, domain by domain: one function per section of "Download my data".

Each section is a list of rows with exactly the columns of ``COLUMNS`` (the CSV header,
the JSON keys). Only the person's own rows are read, and other people appear only as the
person saw them on the site: by display name (the helper on their wish, the owner of a
wish they claimed, the staff member who changed their points) — never by phone, address
or login.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from marketplace.accounts.tables import HelperProfile, ProxyLink, Session, StaffMembership, User
from marketplace.activities.tables import Participation
from marketplace.audit.labels import action_label
from marketplace.audit.tables import AuditEvent
from marketplace.care.tables import InNeed
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.notifications.messages import render
from marketplace.notifications.tables import Notification
from marketplace.privacy.tables import Consent, ContactView, PrivacyRequest
from marketplace.reports.tables import IssuedCertificate, VolunteerIdentity
from marketplace.rewards.tables import MerchantMember, RedeemCode
from marketplace.wishes.tables import Wish, WishClaim, WishEvent

Rows = list[dict[str, Any]]

COLUMNS: dict[str, tuple[str, ...]] = {
    "profile": ("id", "login", "display_name", "phone", "address", "community", "grid",
                "building", "language", "elder_mode", "managed_by_staff", "is_admin",
                "is_active", "created_at", "last_login_at"),
    "staff_memberships": ("community", "grid", "active", "since"),
    "helper_profile": ("kind", "work_unit", "party_branch", "status", "review_note",
                       "reviewed_at", "listed_on_honour_roll", "since"),
    "merchant_roles": ("shop", "role", "shop_status", "shop_address", "shop_contact",
                       "since"),
    "wishes": ("id", "title", "description", "category", "status", "points", "team_size",
               "wished_by", "posted_by", "helpers", "reject_reason", "fulfil_note", "hours",
               "rating", "rating_comment", "dispute_reason", "photo", "fulfil_photo",
               "created_at", "updated_at"),
    "claims": ("wish_id", "wish_title", "wish_status", "wish_owner", "joined_at", "active"),
    "wish_events": ("wish_id", "at", "action", "from_state", "to_state", "note", "by",
                    "on_behalf_of"),
    "points": ("id", "at", "kind", "change", "balance_after", "reference", "memo",
               "counterparty", "counterparty_kind", "reversed"),
    "codes": ("code", "offer", "shop", "price", "status", "created_at", "expires_at",
              "redeemed_at", "closed_at"),
    "notifications": ("at", "kind", "text", "link", "read_at"),
    "proxy_links": ("role", "other_person", "active", "added_at", "revoked_at"),
    "activities": ("activity", "place", "starts_at", "points", "method", "checked_in_at"),
    "in_need": ("reason", "active", "marked_at", "cleared_at"),
    "consents": ("kind", "version", "agreed", "purpose", "given_by", "recorded_as",
                 "given_at", "withdrawn_at"),
    "sessions": ("started_at", "last_seen_at", "device"),
    "audit": ("at", "action", "by", "detail"),
    "privacy_requests": ("id", "kind", "text", "contact_preference", "status", "created_at",
                         "due_on", "answer", "answered_at"),
    "contact_views": ("at", "viewer", "viewer_role", "context", "wish_id", "fields"),
    "volunteer_identity": ("id_type", "id_number", "volunteer_number"),
    "certificates": ("number", "first_day", "last_day", "issued_at", "notes", "revoked_at"),
}


def _rows(name: str, found: list[dict[str, Any]], keys: dict[str, str] | None = None) -> Rows:
    """``found`` with its keys renamed (``keys``: column → key of the query's row)."""
    keys = keys or {}
    return [{col: row.get(keys.get(col, col)) for col in COLUMNS[name]} for row in found]


async def profile(user_id: int) -> Rows:
    found = await User.select(
        User.id, User.login, User.display_name, User.phone, User.address,
        User.community.name, User.grid.name, User.building.name, User.language,
        User.elder_mode, User.managed_by_staff, User.is_admin, User.is_active,
        User.created_at, User.last_login_at).where(User.id == user_id)
    return _rows("profile", found, {"community": "community.name", "grid": "grid.name",
                                    "building": "building.name"})


async def staff_memberships(user_id: int) -> Rows:
    found = await StaffMembership.select(
        StaffMembership.community.name, StaffMembership.grid.name, StaffMembership.active,
        StaffMembership.created_at).where(StaffMembership.user == user_id)
    return _rows("staff_memberships", found, {
        "community": "community.name", "grid": "grid.name", "since": "created_at"})


async def helper_profile(user_id: int) -> Rows:
    found = await HelperProfile.select().where(HelperProfile.user == user_id)
    return _rows("helper_profile", found, {"since": "created_at"})


async def merchant_roles(user_id: int) -> Rows:
    found = await MerchantMember.select(
        MerchantMember.merchant.name, MerchantMember.role, MerchantMember.merchant.status,
        MerchantMember.merchant.address, MerchantMember.merchant.contact,
        MerchantMember.created_at).where(MerchantMember.user == user_id)
    for row in found:
        if row["role"] != "owner":  # a cashier sees the shop, its details are the owner's
            row["merchant.address"] = row["merchant.contact"] = ""
    return _rows("merchant_roles", found, {
        "shop": "merchant.name", "shop_status": "merchant.status",
        "shop_address": "merchant.address", "shop_contact": "merchant.contact",
        "since": "created_at"})


async def _helper_names(wish_ids: list[int]) -> dict[int, str]:
    if not wish_ids:
        return {}
    names: dict[int, list[str]] = {}
    for row in await WishClaim.select(WishClaim.wish, WishClaim.helper.display_name).where(
            WishClaim.wish.is_in(wish_ids) & (WishClaim.active == True)  # noqa: E712
    ).order_by(WishClaim.id):
        names.setdefault(int(row["wish"]), []).append(row["helper.display_name"])
    return {wish: "; ".join(found) for wish, found in names.items()}


async def wishes(user_id: int) -> Rows:
    found = await Wish.select(
        Wish.all_columns(), Wish.category.name, Wish.posted_by.display_name,
    ).where(Wish.owner == user_id).order_by(Wish.id)
    helpers = await _helper_names([int(r["id"]) for r in found])
    for row in found:
        row["helpers"] = helpers.get(int(row["id"]), "")
        if row["posted_by"] == user_id:
            row["posted_by.display_name"] = ""  # blank: posted by the person themselves
    return _rows("wishes", found, {"category": "category.name",
                                   "posted_by": "posted_by.display_name"})


async def claims(user_id: int) -> Rows:
    found = await WishClaim.select(
        WishClaim.wish, WishClaim.wish.title, WishClaim.wish.status,
        WishClaim.wish.owner.display_name, WishClaim.joined_at, WishClaim.active,
    ).where(WishClaim.helper == user_id).order_by(WishClaim.id)
    return _rows("claims", found, {"wish_id": "wish", "wish_title": "wish.title",
                                   "wish_status": "wish.status",
                                   "wish_owner": "wish.owner.display_name"})


def _took_part(user_id: int) -> Any:
    """Events of the person's own wishes (their timeline) and those they acted in."""
    return (WishEvent.wish.is_in(Wish.select(Wish.id).where(Wish.owner == user_id))
            | (WishEvent.actor == user_id) | (WishEvent.on_behalf_of == user_id))


async def wish_events(user_id: int) -> Rows:
    found = await WishEvent.select(
        WishEvent.all_columns(), WishEvent.actor.display_name,
        WishEvent.on_behalf_of.display_name,
    ).where(_took_part(user_id)).order_by(WishEvent.id)
    return _rows("wish_events", found, {"wish_id": "wish", "by": "actor.display_name",
                                        "on_behalf_of": "on_behalf_of.display_name"})


async def points(user_id: int) -> Rows:
    found = await ledger.statement(user_id)
    found.reverse()  # oldest first, as the running balance grew
    return _rows("points", found, {"at": "created_at", "balance_after": "running"})


async def codes(user_id: int) -> Rows:
    found = await RedeemCode.select(
        RedeemCode.all_columns(), RedeemCode.offer.title, RedeemCode.merchant.name,
    ).where(RedeemCode.resident == user_id).order_by(RedeemCode.id)
    return _rows("codes", found, {"offer": "offer.title", "shop": "merchant.name"})


def _text(kind: str, params: str) -> str:
    try:
        values = json.loads(params or "{}")
    except ValueError:
        values = {}
    return render(kind, values if isinstance(values, dict) else {})


async def notifications(user_id: int) -> Rows:
    found = await Notification.select().where(Notification.user == user_id).order_by(
        Notification.id)
    for row in found:
        row["text"] = _text(row["kind"], row["params"])
    return _rows("notifications", found, {"at": "created_at"})


async def proxy_links(user_id: int) -> Rows:
    found = await ProxyLink.select(
        ProxyLink.all_columns(), ProxyLink.resident.display_name,
        ProxyLink.proxy.display_name,
    ).where((ProxyLink.resident == user_id) | (ProxyLink.proxy == user_id)).order_by(
        ProxyLink.id)
    for row in found:
        mine = row["resident"] == user_id
        row["role"] = "acts for me" if mine else "I act for them"
        row["other_person"] = row["proxy.display_name" if mine else "resident.display_name"]
    return _rows("proxy_links", found)


async def activities(user_id: int) -> Rows:
    found = await Participation.select(
        Participation.activity.title, Participation.activity.place,
        Participation.activity.starts_at, Participation.activity.points,
        Participation.method, Participation.created_at,
    ).where(Participation.user == user_id).order_by(Participation.id)
    return _rows("activities", found, {
        "activity": "activity.title", "place": "activity.place",
        "starts_at": "activity.starts_at", "points": "activity.points",
        "checked_in_at": "created_at"})


async def in_need(user_id: int) -> Rows:
    return _rows("in_need", await InNeed.select().where(InNeed.user == user_id))


async def consents(user_id: int) -> Rows:
    """The person's choices: the privacy notice versions, the honour roll, being in need."""
    found = await Consent.select().where(Consent.user == user_id).order_by(Consent.id)
    return _rows("consents", found)


async def sessions(user_id: int) -> Rows:
    found = await Session.select(Session.created_at, Session.last_seen_at,
                                 Session.user_agent).where(Session.user == user_id)
    return _rows("sessions", found, {"started_at": "created_at", "device": "user_agent"})


async def audit(user_id: int) -> Rows:
    """Audit lines about the person (their account, their helper registration), not the
    lines of what they did to others as staff: those are other people's data."""
    about = (AuditEvent.target_type == "user") & (AuditEvent.target_id == user_id)
    helper = await HelperProfile.select(HelperProfile.id).where(
        HelperProfile.user == user_id).first()
    if helper is not None:
        about = about | ((AuditEvent.target_type == "helper_profile")
                         & (AuditEvent.target_id == helper["id"]))
    found = await AuditEvent.select(
        AuditEvent.at, AuditEvent.action, AuditEvent.detail, AuditEvent.actor.display_name,
    ).where(about).order_by(AuditEvent.id)
    for row in found:
        row["action"] = action_label(row["action"])
    return _rows("audit", found, {"by": "actor.display_name"})


async def privacy_requests(user_id: int) -> Rows:
    found = await PrivacyRequest.select().where(
        PrivacyRequest.person == user_id).order_by(PrivacyRequest.id)
    return _rows("privacy_requests", found)


async def contact_views(user_id: int) -> Rows:
    """Who saw the person's phone or unit/room: the viewer by display name, as on Me."""
    found = await ContactView.select(*ContactView.all_columns(),
                                     ContactView.viewer.display_name).where(
        ContactView.resident == user_id).order_by(ContactView.id)
    return _rows("contact_views", found, {"viewer": "viewer.display_name"})


async def volunteer_identity(user_id: int) -> Rows:
    return _rows("volunteer_identity", await VolunteerIdentity.select().where(
        VolunteerIdentity.user == user_id))


async def certificates(user_id: int) -> Rows:
    return _rows("certificates", await IssuedCertificate.select().where(
        IssuedCertificate.person == user_id).order_by(IssuedCertificate.id))


SECTIONS: dict[str, Callable[[int], Awaitable[Rows]]] = {
    "profile": profile, "staff_memberships": staff_memberships,
    "helper_profile": helper_profile, "merchant_roles": merchant_roles, "wishes": wishes,
    "claims": claims, "wish_events": wish_events, "points": points, "codes": codes,
    "notifications": notifications, "proxy_links": proxy_links, "activities": activities,
    "in_need": in_need, "consents": consents, "sessions": sessions, "audit": audit,
    "privacy_requests": privacy_requests, "contact_views": contact_views,
    "volunteer_identity": volunteer_identity, "certificates": certificates,
}


async def size(user_id: int) -> int:
    """How many rows the export will hold, near enough (the long sections): decides
    whether it is made at once or in the background."""
    account = await ledger.existing_person_account(user_id)
    transfers = 0
    if account is not None:
        transfers = await Transfer.count().where(
            (Transfer.debit == account["id"]) | (Transfer.credit == account["id"]))
    return transfers + sum([
        await Wish.count().where(Wish.owner == user_id),
        await WishClaim.count().where(WishClaim.helper == user_id),
        await WishEvent.count().where(_took_part(user_id)),
        await Notification.count().where(Notification.user == user_id),
        await RedeemCode.count().where(RedeemCode.resident == user_id),
        await Participation.count().where(Participation.user == user_id),
        await AuditEvent.count().where((AuditEvent.target_type == "user")
                                       & (AuditEvent.target_id == user_id)),
    ])
