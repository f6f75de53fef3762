"""Merchant onboarding: apply, staff verify or decline, owner invites and removes cashiers
(an invited person becomes a cashier only by accepting).

A person acts for a merchant when they are a member (owner or cashier) of a *verified*
merchant; ``merchant_ids_for_user`` feeds that into the Principal on every request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from marketplace import clock, db
from marketplace.accounts.tables import User
from marketplace.audit import service as audit
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.rewards.tables import CashierInvite, Merchant, MerchantMember, Offer


async def merchant_ids_for_user(user_id: int) -> frozenset[int]:
    rows = await MerchantMember.select(MerchantMember.merchant).where(
        (MerchantMember.user == user_id) & (MerchantMember.merchant.status == "verified"))
    return frozenset(int(r["merchant"]) for r in rows)


_MERCHANT_IDS = """SELECT {ids} FROM merchant_member mm JOIN merchant mc ON mc.id = mm.merchant
WHERE mm."user" = u.id AND mc.status = 'verified'"""


def merchant_ids_sql() -> str:
    """``merchant_ids_for_user`` as a scalar subquery on ``u.id``, the person in who is
    asking's query (``accounts.sessions.session_row``), which reads it in the same round
    trip as the session (ids as text, see ``db.parse_id_list``)."""
    return _MERCHANT_IDS.format(ids=db.id_list_sql("mm.merchant"))


async def get(merchant_id: int) -> dict[str, Any]:
    row = await Merchant.select().where(Merchant.id == merchant_id).first()
    if row is None:
        raise NotFound(_("No such merchant."))
    return row


async def _role(user_id: int, merchant_id: int) -> str | None:
    row = await MerchantMember.select(MerchantMember.role).where(
        MerchantMember.key == f"{merchant_id}:{user_id}").first()
    return row["role"] if row else None


@dataclass(frozen=True)
class Membership:
    merchant: dict[str, Any]
    role: str  # owner | cashier

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


async def membership(actor: Principal, merchant_id: int, owner: bool = False) -> Membership:
    """The verified merchant ``actor`` works for, and as what; owner-only actions ask
    ``owner=True``. Everyone else is refused."""
    merchant = await get(merchant_id)
    role = await _role(actor.user_id, merchant_id)
    if merchant["status"] != "verified" or role is None:
        raise Forbidden(_("This page is for the staff of that merchant."))
    if owner and role != "owner":
        raise Forbidden(_("Only the merchant's owner can do that."))
    return Membership(merchant, role)


async def require_member(actor: Principal, merchant_id: int, owner: bool = False
                         ) -> dict[str, Any]:
    """The verified merchant ``actor`` works for (see ``membership``)."""
    return (await membership(actor, merchant_id, owner)).merchant


async def require_staff(actor: Principal, merchant_id: int) -> dict[str, Any]:
    """A merchant as staff of its community (or an administrator) see it."""
    merchant = await get(merchant_id)
    if not actor.can_staff(merchant["community"]):
        raise Forbidden(_("This page is for staff of that community."))
    return merchant


@dataclass
class Application:
    name: str
    address: str
    opening_hours: str
    contact: str
    description: str = ""
    logo: str = ""


def _clean(app: Application) -> Application:
    fields = {"name": (app.name, 2, 80), "address": (app.address, 2, 200),
              "opening_hours": (app.opening_hours, 1, 120), "contact": (app.contact, 3, 64)}
    for field, (value, low, high) in fields.items():
        if not low <= len(value.strip()) <= high:
            raise DomainError(_("Please fill this in (%(low)s–%(high)s characters).",
                                low=low, high=high), field)
    if len(app.description) > 2000:
        raise DomainError(_("The description is too long (2000 characters at most)."),
                          "description")
    return Application(app.name.strip(), app.address.strip(), app.opening_hours.strip(),
                       app.contact.strip(), app.description.strip(), app.logo)


async def apply(actor: Principal, app: Application) -> int:
    app = _clean(app)
    if await Merchant.exists().where(
            (Merchant.owner == actor.user_id) & (Merchant.status == "pending")):
        raise Conflict(_("Your application is already waiting for staff."))
    async with db.transaction():
        rows = await Merchant.insert(Merchant(
            community=actor.community_id, owner=actor.user_id, name=app.name,
            address=app.address, opening_hours=app.opening_hours, contact=app.contact,
            description=app.description, logo=app.logo)).returning(Merchant.id)
        merchant_id = int(rows[0]["id"])
        await MerchantMember.insert(MerchantMember(
            merchant=merchant_id, user=actor.user_id, role="owner",
            key=f"{merchant_id}:{actor.user_id}", added_by=actor.user_id))
    return merchant_id


async def applications_of(actor: Principal) -> list[dict[str, Any]]:
    """The shops ``actor`` applied for, whatever became of them."""
    return await Merchant.select().where(Merchant.owner == actor.user_id).order_by(
        Merchant.id, ascending=False)


async def mine(actor: Principal) -> list[dict[str, Any]]:
    """Verified merchants ``actor`` works for, with their role."""
    return await MerchantMember.select(
        MerchantMember.role, MerchantMember.merchant.id, MerchantMember.merchant.name,
    ).where((MerchantMember.user == actor.user_id)
            & (MerchantMember.merchant.status == "verified")).order_by(MerchantMember.id)


async def review(actor: Principal, merchant_id: int, approve: bool, reason: str = "",
                 points_per_yuan: int | None = None) -> None:
    merchant = await get(merchant_id)
    if not actor.can_staff(merchant["community"]):
        raise Forbidden(_("Only staff of this community review its merchants."))
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError(_("Please tell the applicant why the shop is not verified."),
                          "reason")
    if points_per_yuan is not None and not 1 <= points_per_yuan <= 10000:
        raise DomainError(_("Points per yuan must be between 1 and 10000."),
                          "points_per_yuan")
    status = "verified" if approve else "declined"
    values: dict[Any, Any] = {Merchant.status: status, Merchant.review_note: reason[:300],
                              Merchant.reviewed_by: actor.user_id,
                              Merchant.reviewed_at: clock.now()}
    if points_per_yuan is not None:
        values[Merchant.points_per_yuan] = points_per_yuan
    async with db.transaction():
        moved = await Merchant.update(values).where(
            (Merchant.id == merchant_id) & (Merchant.status == "pending")).returning(Merchant.id)
        if not moved:
            raise Conflict(_("This application was already reviewed."))
        kind = "merchant_verified" if approve else "merchant_declined"
        await notifications.send(merchant["owner"], kind, link="/merchant",
                                 name=merchant["name"], reason=reason)
        await audit.record(actor.user_id, merchant["community"], kind, "merchant", merchant_id,
                           reason or merchant["name"])


async def set_rate(actor: Principal, merchant_id: int, points_per_yuan: int) -> None:
    merchant = await get(merchant_id)
    if not actor.can_staff(merchant["community"]):
        raise Forbidden(_("Only staff of this community manage its merchants."))
    if not 1 <= points_per_yuan <= 10000:
        raise DomainError(_("Points per yuan must be between 1 and 10000."),
                          "points_per_yuan")
    async with db.transaction():
        await Merchant.update({Merchant.points_per_yuan: points_per_yuan}).where(
            Merchant.id == merchant_id)
        await audit.record(actor.user_id, merchant["community"], "merchant_rate_set",
                           "merchant", merchant_id,
                           f"{merchant['points_per_yuan']} → {points_per_yuan}")


async def queue(actor: Principal, community_id: int) -> dict[str, list[dict[str, Any]]]:
    """A community's merchants by status (pending, verified, declined), for its staff."""
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))
    rows = await Merchant.select(
        Merchant.all_columns(), Merchant.owner.display_name, Merchant.owner.login,
    ).where(Merchant.community == community_id).order_by(Merchant.id)
    return {status: [r for r in rows if r["status"] == status]
            for status in ("pending", "verified", "declined")}


async def members(actor: Principal, merchant_id: int) -> list[dict[str, Any]]:
    """The owner and cashiers, shown to the people who work there."""
    await require_member(actor, merchant_id)
    return await MerchantMember.select(
        MerchantMember.id, MerchantMember.role, MerchantMember.user.display_name,
        MerchantMember.user.login, MerchantMember.created_at,
    ).where(MerchantMember.merchant == merchant_id).order_by(MerchantMember.id)


async def add_cashier(actor: Principal, merchant_id: int, login: str) -> int:
    """Invite the person with ``login`` to be a cashier: they are notified with a link and
    become a member only when they accept (``answer_invite``). Returns the invitation."""
    merchant = await require_member(actor, merchant_id, owner=True)
    login = login.strip().lower()
    user = await User.select(User.id, User.community).where(User.login == login).first()
    if user is None:
        raise DomainError(_("Nobody has that login."), "login")
    if user["community"] != merchant["community"]:
        raise DomainError(_("Cashiers must belong to the merchant's community."), "login")
    key = f"{merchant_id}:{user['id']}"
    if await MerchantMember.exists().where(MerchantMember.key == key):
        raise Conflict(_("That person already works for this merchant."), "login")
    async with db.transaction():
        await CashierInvite.insert(CashierInvite(
            merchant=merchant_id, user=user["id"], invited_by=actor.user_id, status="declined",
            key=key)).on_conflict(action="DO NOTHING")
        # Sent (again) only from a closed state: one open invitation per person and shop.
        rows = await CashierInvite.update({
            CashierInvite.status: "pending", CashierInvite.invited_by: actor.user_id,
            CashierInvite.created_at: clock.now(), CashierInvite.decided_at: None,
        }).where((CashierInvite.key == key) & (CashierInvite.status != "pending")
                 ).returning(CashierInvite.id)
        if not rows:
            raise Conflict(_("That person is already invited and has not answered yet."),
                           "login")
        invite_id = int(rows[0]["id"])
        await notifications.send(user["id"], "cashier_invited",
                                 link=f"/merchant/invites/{invite_id}",
                                 name=merchant["name"], owner=actor.display_name)
    return invite_id


async def invite(actor: Principal, invite_id: int) -> dict[str, Any]:
    """An invitation as the invited person sees it; nobody else may."""
    row = await CashierInvite.select(
        CashierInvite.all_columns(), CashierInvite.merchant.name,
        CashierInvite.invited_by.display_name,
    ).where(CashierInvite.id == invite_id).first()
    if row is None or row["user"] != actor.user_id:
        raise NotFound(_("No such invitation."))
    return row


async def invites_for(actor: Principal) -> list[dict[str, Any]]:
    """Invitations waiting for ``actor``'s answer."""
    return await CashierInvite.select(
        CashierInvite.id, CashierInvite.merchant.name, CashierInvite.invited_by.display_name,
    ).where((CashierInvite.user == actor.user_id) & (CashierInvite.status == "pending")
            ).order_by(CashierInvite.id)


async def invited(actor: Principal, merchant_id: int) -> list[dict[str, Any]]:
    """The shop's invitations not yet answered, for the people who work there."""
    await require_member(actor, merchant_id)
    return await CashierInvite.select(
        CashierInvite.id, CashierInvite.user.display_name, CashierInvite.user.login,
    ).where((CashierInvite.merchant == merchant_id) & (CashierInvite.status == "pending")
            ).order_by(CashierInvite.id)


async def answer_invite(actor: Principal, invite_id: int, accept: bool) -> dict[str, Any]:
    """The invited person accepts (and becomes a cashier) or declines; once only."""
    row = await invite(actor, invite_id)
    async with db.transaction():
        moved = await CashierInvite.update({
            CashierInvite.status: "accepted" if accept else "declined",
            CashierInvite.decided_at: clock.now(),
        }).where((CashierInvite.id == invite_id) & (CashierInvite.status == "pending")
                 ).returning(CashierInvite.id)
        if not moved:
            raise Conflict(_("This invitation was already answered or withdrawn."))
        if accept:
            await MerchantMember.insert(MerchantMember(
                merchant=row["merchant"], user=actor.user_id, role="cashier", key=row["key"],
                added_by=row["invited_by"])).on_conflict(action="DO NOTHING")
    return row


async def withdraw_invite(actor: Principal, merchant_id: int, invite_id: int) -> None:
    await require_member(actor, merchant_id, owner=True)
    moved = await CashierInvite.update({
        CashierInvite.status: "declined", CashierInvite.decided_at: clock.now(),
    }).where((CashierInvite.id == invite_id) & (CashierInvite.merchant == merchant_id)
             & (CashierInvite.status == "pending")).returning(CashierInvite.id)
    if not moved:
        raise NotFound(_("No such invitation."))


async def remove_member(actor: Principal, merchant_id: int, member_id: int) -> None:
    await require_member(actor, merchant_id, owner=True)
    row = await MerchantMember.select().where(
        (MerchantMember.id == member_id) & (MerchantMember.merchant == merchant_id)).first()
    if row is None:
        raise NotFound(_("No such cashier."))
    if row["role"] == "owner":
        raise DomainError(_("The owner cannot be removed."))
    await MerchantMember.delete().where(MerchantMember.id == member_id)


async def with_merchant_roles(principal: Principal) -> Principal:
    """``principal`` with the verified merchants they act for. Accounts know nothing of
    shops, so who is asking is completed here: by the web layer on every request, and by
    demo data and tests that need a merchant's Principal."""
    ids = await merchant_ids_for_user(principal.user_id)
    return replace(principal, merchant_ids=ids) if ids else principal


async def leave_shops(user_id: int, phone: str) -> None:
    """Closing an account: the person stops working for any shop and open invitations
    to them end. A shop they own is a business, not personal data: it stays (its
    statements and settlements are the community's records) with its offers switched
    off, as nobody is left to run it; a contact that is the person's own phone goes."""
    owned = await Merchant.select(Merchant.id).where(Merchant.owner == user_id)
    owned_ids = [int(r["id"]) for r in owned]
    if owned_ids:
        await Offer.update({Offer.active: False}).where(Offer.merchant.is_in(owned_ids))
        if phone:
            await Merchant.update({Merchant.contact: ""}).where(
                Merchant.id.is_in(owned_ids) & (Merchant.contact == phone))
    await MerchantMember.delete().where(MerchantMember.user == user_id)
    await CashierInvite.update({
        CashierInvite.status: "declined", CashierInvite.decided_at: clock.now(),
    }).where((CashierInvite.user == user_id) & (CashierInvite.status == "pending"))
