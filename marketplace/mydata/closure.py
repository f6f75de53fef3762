"""Closing an account (注销; PIPL Art. 47, Network Data Security Management Regulations
Art. 23–24): at once, in one transaction.

First what is under way is ended the way each domain ends it — claims released, the
person's waiting wishes withdrawn, codes cancelled (their points released), adjustments
waiting for them declined, points left given to a resident in need or back to the
community — then every way in is closed and the personal data erased. Each domain erases
its own tables (``wishes.service.erase_author_text`` …), so the rule for a table lives
with the table. The ledger keeps every row and balance: its rows point to the anonymised
account. Photo files are deleted after the commit (no file I/O inside a transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace import db, idempotency
from marketplace.accounts import closing, managed, passwords, sessions
from marketplace.accounts.tables import User
from marketplace.audit import service as audit
from marketplace.care import service as care
from marketplace.errors import DomainError, Forbidden
from marketplace.i18n import _
from marketplace.ledger import corrections
from marketplace.ledger import service as ledger
from marketplace.mydata import wording
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.privacy import consents, exports
from marketplace.privacy import requests as privacy_requests
from marketplace.recovery import service as recovery
from marketplace.reports import erasure as report_erasure
from marketplace.rewards import merchants
from marketplace.rewards import service as rewards
from marketplace.rewards.tables import RedeemCode
from marketplace.wishes import core as wish_core
from marketplace.wishes import queries as wish_queries
from marketplace.wishes import service as wishes
from marketplace.wishes import uploads
from marketplace.wishes.rules import State
from marketplace.wishes.tables import Wish

OPEN_STATES = ("pending", "open", "claimed")


@dataclass(frozen=True)
class Preview:
    """What closing will do, shown before the person confirms."""

    user_id: int
    display_name: str
    community_id: int
    managed: bool
    claims: int  # claims that will be given back
    unconfirmed: int  # wishes the person fulfilled, still to be confirmed: not paid to them
    unconfirmed_points: int  # the person's share of those wishes' points
    wishes: int  # own wishes that will be withdrawn
    codes: int  # exchange codes that will be cancelled
    points: int  # points left once the codes' points are released
    in_need: list[dict[str, Any]]  # residents the points may be given to


async def _preview(user_id: int) -> Preview:
    person = await closing.person(user_id)
    claims = await wish_queries.claimed_by(user_id)
    claimed = [w for w in claims if w["status"] == "claimed"]
    unconfirmed, unconfirmed_points = await _unconfirmed(user_id, claims)
    waiting = await Wish.count().where((Wish.owner == user_id) & Wish.status.is_in(OPEN_STATES))
    codes = await RedeemCode.count().where(
        (RedeemCode.resident == user_id) & (RedeemCode.status == "active"))
    balance = await ledger.balance(user_id)
    community_id = int(person["community"])
    return Preview(
        user_id=user_id, display_name=person["display_name"], community_id=community_id,
        managed=bool(person["managed_by_staff"]), claims=len(claimed),
        unconfirmed=unconfirmed, unconfirmed_points=unconfirmed_points, wishes=waiting,
        codes=codes, points=balance.balance,
        in_need=[r for r in await care.in_need(community_id) if r["user"] != user_id])


async def _unconfirmed(user_id: int, claims: list[dict[str, Any]]) -> tuple[int, int]:
    """Wishes the person fulfilled that wait for their owner's confirmation (or staff's
    decision on a dispute), and the person's share of their points. The claims stay, so
    the owner can still confirm and the team is paid; a closed account's share is not
    (``closing.closed_among`` in the paying): the person is told before closing."""
    done = [w for w in claims if w["status"] in (State.FULFILLED, State.DISPUTED)]
    points = 0
    for wish in done:
        team = await wish_core.active_claimers(int(wish["id"]))
        points += wishes.split_points(int(wish["points"]), len(team))[team.index(user_id)]
    return len(done), points


async def own_preview(actor: Principal) -> Preview:
    _not_for_someone(actor)
    return await _preview(actor.user_id)


async def staff_preview(actor: Principal, user_id: int) -> Preview:
    """For staff of a staff-managed resident's community (NotFound for anyone else)."""
    await _managed_by(actor, user_id)
    return await _preview(user_id)


def _not_for_someone(actor: Principal) -> None:
    if actor.agent_id is not None:
        raise Forbidden(_("Only the person themselves can close their account."))


async def _managed_by(actor: Principal, user_id: int) -> dict[str, Any]:
    person = await managed.managed_person(actor, user_id)  # NotFound: not their community
    if not person["managed_by_staff"]:
        raise Forbidden(_("Residents who run their own account close it themselves, on "
                          "Me."))
    return person


async def close_own(actor: Principal, password: str, gift_to: int | None) -> None:
    """The person closes their own account, confirming with their password."""
    _not_for_someone(actor)
    person = await closing.person(actor.user_id)  # Conflict: closed already
    ok, _rehash = await passwords.verify_password(person["password_hash"], password)
    if not ok:
        raise DomainError(_("The password is not right."), "password")
    await _close(actor, actor.user_id, gift_to)


async def close_managed(actor: Principal, user_id: int, typed_name: str,
                        gift_to: int | None) -> None:
    """Staff close a staff-managed resident's account, typing the name to confirm."""
    person = await _managed_by(actor, user_id)
    if typed_name.strip() != person["display_name"]:
        raise DomainError(_("Please type the resident's name exactly as shown."), "confirm")
    await _close(actor, user_id, gift_to)


async def _recipient(gift_to: int | None, preview: Preview) -> int | None:
    if gift_to is None:
        return None
    if gift_to not in {int(r["user"]) for r in preview.in_need}:
        raise DomainError(_("Please choose one of the residents in need listed."), "gift_to")
    return gift_to


async def _close(actor: Principal, user_id: int, gift_to: int | None) -> None:
    recipient = await _recipient(gift_to, await _preview(user_id))
    async with db.transaction():
        await db.lock_row(User, user_id)
        person = await closing.person(user_id)  # Conflict when closed meanwhile
        await _end_what_is_under_way(actor, person, recipient)
        photos = await _erase(actor, person)
        files = await exports.erase_person(user_id)
        await audit.record(actor.acting_id, int(person["community"]), "account_closed",
                           "user", user_id)
    for name in photos:
        uploads.remove(name)
    exports.remove_files(files)


async def _end_what_is_under_way(actor: Principal, person: dict[str, Any],
                                 recipient: int | None) -> None:
    user_id = int(person["id"])
    # The person's own steps, taken as the person: the same releases and cancellations
    # (with their history rows and notifications) as the buttons make.
    await wishes.leave_all(await sessions.load_principal(user_id))
    await rewards.cancel_codes_of(user_id)
    await corrections.drop_pending_for(user_id, actor.acting_id, wording.removed())
    moved = await ledger.settle_closed_account(user_id, recipient, actor.acting_id,
                                               _("Account closed"))
    if moved is not None and recipient is not None:
        await notifications.send(recipient, "gift_received", link="/points",
                                 giver=wording.closed_name(user_id), points=moved["amount"],
                                 memo="—")
    await closing.end_access(user_id, actor.acting_id)
    await merchants.leave_shops(user_id, person["phone"])
    await recovery.end_codes(user_id)
    await idempotency.forget_person(user_id)


async def _erase(actor: Principal, person: dict[str, Any]) -> list[str]:
    """Every domain erases its part; returns the photo files to delete."""
    user_id, removed = int(person["id"]), wording.removed()
    name = wording.closed_name(user_id)
    owned = await Wish.select(Wish.id, Wish.title).where(Wish.owner == user_id)
    helper = person["helper"] or {}
    # Words that name the person, replaced wherever others' texts hold them; their wishes'
    # titles only in what is about those wishes (another wish may share a title).
    replacements = {person["display_name"]: name, person["login"]: name,
                    person["phone"]: "", person["address"]: "",
                    helper.get("work_unit", ""): "", helper.get("party_branch", ""): ""}
    about = {f"/wishes/{w['id']}": {w["title"]: removed} for w in owned}
    photos = await wishes.erase_author_text(user_id, removed)
    await wishes.scrub_texts(int(person["community"]), replacements)
    await care.erase_person(user_id, actor.acting_id, removed)
    await ledger.erase_memos(user_id, [f"wish:{w['id']}" for w in owned], removed)
    await ledger.scrub_memos(int(person["community"]), replacements)
    await notifications.erase_person(user_id, replacements, about)
    await audit.erase_person(user_id, [int(w["id"]) for w in owned], replacements)
    await privacy_requests.erase_person(user_id, removed)
    await consents.erase_person(user_id, removed)
    await report_erasure.erase_person(user_id, name, replacements)
    await closing.anonymise(user_id, person["login"], name)
    return photos
