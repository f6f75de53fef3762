"""Codes: issue (hold points, reserve stock), cancel, expire, and redeem at the merchant.

Race safety on SQLite and PostgreSQL comes from conditional UPDATEs, never from reading
first: stock is taken with ``stock_left >= 1``, the per-person limit with ``used < limit``,
points with the ledger's ``balance - held >= price``, and a code is spent with
``status = 'active'`` — of simultaneous requests exactly the allowed number win, and the
losers' transactions roll back whole. Rows are locked in one order (code, offer, limit
counter, ledger account), so concurrent requests cannot deadlock.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from piccolo.columns.combination import WhereRaw

from marketplace import clock, db, settings
from marketplace.accounts import proxies, throttle
from marketplace.audit import service as audit
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.i18n import N_, _
from marketplace.ledger import holds
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.rewards import codes, merchants, offers
from marketplace.rewards.tables import LimitCounter, Offer, RedeemAttempt, RedeemCode

MAX_FAILURES = 5  # wrong codes a cashier may type per FAILURE_WINDOW
LINK_FAILURES = 20  # wrong codes arriving in links (?code=) per FAILURE_WINDOW
FAILURE_WINDOW = timedelta(minutes=15)
# The ledger's own hold timer is only a safety net: our expiry job returns stock too.
HOLD_GRACE = timedelta(minutes=30)
PERIOD_NAMES = {"day": N_("day"), "week": N_("week"), "month": N_("month")}


# --- issuing --------------------------------------------------------------------------


async def _take_stock(offer: dict[str, Any]) -> None:
    if offer["stock_left"] is None:
        return
    taken = await Offer.update({Offer.stock_left: Offer.stock_left - 1}).where(
        (Offer.id == offer["id"]) & (Offer.stock_left >= 1)).returning(Offer.id)
    if not taken:
        raise Conflict(_("Sorry, this offer is sold out."))


async def _take_limit(offer: dict[str, Any], user_id: int, moment: datetime) -> str:
    if offer["limit_count"] is None:
        return ""
    key = f"{offer['id']}:{user_id}:{codes.period_key(offer['limit_period'], moment)}"
    await LimitCounter.insert(LimitCounter(key=key, used=0)).on_conflict(action="DO NOTHING")
    taken = await LimitCounter.update({LimitCounter.used: LimitCounter.used + 1}).where(
        (LimitCounter.key == key) & WhereRaw("used < {}", offer["limit_count"])
    ).returning(LimitCounter.id)
    if not taken:
        period = PERIOD_NAMES[offer["limit_period"]]
        raise DomainError(_("You have reached this offer's limit of %(n)s per %(period)s.",
                            n=offer["limit_count"], period=_(period)))
    return key


async def issue(actor: Principal, offer_id: int) -> dict[str, Any]:
    """Hold the price and give the resident a one-time code for the offer."""
    offer = await offers.visible_offer(actor, offer_id)
    moment = clock.now()
    expires = moment + timedelta(minutes=settings.get().code_minutes)
    code = codes.new_code()
    async with db.transaction():
        await _take_stock(offer)
        limit_key = await _take_limit(offer, actor.user_id, moment)
        hold = await holds.hold(actor.user_id, offer["price"], f"code:{code}",
                                 expires + HOLD_GRACE, f"code:{uuid.uuid4().hex}")
        rows = await RedeemCode.insert(RedeemCode(
            code=code, offer=offer_id, merchant=offer["merchant"], resident=actor.user_id,
            price=offer["price"], hold_id=hold["id"], limit_key=limit_key, expires_at=expires,
        )).returning(*RedeemCode.all_columns())
        if actor.agent_id is not None:  # got for the resident by a proxy or staff
            await _done_for(actor, offer, int(rows[0]["id"]))
    return rows[0]


async def _done_for(actor: Principal, offer: dict[str, Any], code_id: int) -> None:
    await audit.record(actor.agent_id, actor.community_id, "acted_for", "redeem_code",
                       code_id, f"code for user {actor.user_id}")
    await notifications.send(actor.user_id, "done_for_you_code",
                             link=f"/rewards/codes/{code_id}", offer=offer["title"],
                             points=offer["price"], agent=actor.agent_name)


# --- giving back ----------------------------------------------------------------------


async def _give_back(code: dict[str, Any]) -> None:
    """A code that ends unused returns its item, its limit slot and its points."""
    await Offer.update({Offer.stock_left: Offer.stock_left + 1}).where(
        (Offer.id == code["offer"]) & Offer.stock_left.is_not_null())
    if code["limit_key"]:
        await LimitCounter.update({LimitCounter.used: LimitCounter.used - 1}).where(
            (LimitCounter.key == code["limit_key"]) & (LimitCounter.used > 0))
    # Conflict: the ledger's safety-net timer released it already.
    with contextlib.suppress(Conflict):
        await holds.release_hold(code["hold_id"])


async def _close(code_id: int, status: str, extra: Any = None) -> dict[str, Any] | None:
    query = RedeemCode.update({
        RedeemCode.status: status, RedeemCode.closed_at: clock.now(),
    }).where((RedeemCode.id == code_id) & (RedeemCode.status == "active"))
    if extra is not None:
        query = query.where(extra)
    rows = await query.returning(*RedeemCode.all_columns())
    return rows[0] if rows else None


async def own_code(actor: Principal, code_id: int) -> dict[str, Any]:
    row = await RedeemCode.select(
        RedeemCode.all_columns(), RedeemCode.offer.title, RedeemCode.merchant.name,
        RedeemCode.merchant.address, RedeemCode.cashier.display_name,
        RedeemCode.resident.display_name,
    ).where(RedeemCode.id == code_id).first()
    # The resident's, or theirs to hand over for them (proxies.may_act_for).
    if row is None or not await proxies.may_act_for(actor, int(row["resident"])):
        raise NotFound(_("No such code."))
    return row


async def cancel(actor: Principal, code_id: int) -> None:
    await own_code(actor, code_id)
    async with db.transaction():
        closed = await _close(code_id, "cancelled")
        if closed is None:
            raise Conflict(_("This code is no longer active."))
        await _give_back(closed)


async def renew(actor: Principal, code_id: int) -> dict[str, Any]:
    """A fresh code for the same offer in place of an active or expired one, in one
    transaction: the old code's item, limit slot and points come back and are taken again
    for the new one (elder mode shows no ticking countdown; the code is renewed instead)."""
    old = await own_code(actor, code_id)
    if old["status"] not in ("active", "expired"):
        raise Conflict(_("This code is no longer active."))
    # A proxy renews the resident's code with the resident's points, never their own.
    holder = await proxies.act_for(actor, int(old["resident"]))
    async with db.transaction():
        closed = await _close(code_id, "cancelled") if old["status"] == "active" else None
        if closed is not None:
            await _give_back(closed)
        return await issue(holder, old["offer"])


async def expire_codes(moment: datetime) -> int:
    """Timer job: codes past their expiry release their hold, stock and limit slot."""
    due = await RedeemCode.select(RedeemCode.id).where(
        (RedeemCode.status == "active") & (RedeemCode.expires_at < moment))
    done = 0
    for row in due:
        async with db.transaction():
            closed = await _close(row["id"], "expired", RedeemCode.expires_at < moment)
            if closed is None:
                continue  # redeemed, cancelled or expired meanwhile by someone else
            await _give_back(closed)
            done += 1
    await RedeemAttempt.delete().where(RedeemAttempt.at < moment - timedelta(days=1))
    return done


async def cancel_codes_of(user_id: int) -> int:
    """Closing an account: every active code of the person is cancelled as the resident's
    own cancel would, giving back its item, limit slot and held points."""
    due = await RedeemCode.select(RedeemCode.id).where(
        (RedeemCode.resident == user_id) & (RedeemCode.status == "active"))
    done = 0
    for row in due:
        closed = await _close(int(row["id"]), "cancelled")
        if closed is not None:
            await _give_back(closed)
            done += 1
    return done


async def codes_of(actor: Principal) -> list[dict[str, Any]]:
    """``actor``'s own codes, newest first."""
    return await RedeemCode.select(
        RedeemCode.all_columns(), RedeemCode.offer.title, RedeemCode.merchant.name,
    ).where(RedeemCode.resident == actor.user_id).order_by(
        RedeemCode.id, ascending=False).limit(100)


# --- redeeming at the merchant --------------------------------------------------------


def _attempt_key(merchant_id: int, user_id: int, link: bool = False) -> str:
    return f"{'link:' if link else ''}{merchant_id}:{user_id}"


async def _failures(key: str) -> list[datetime]:
    rows = await RedeemAttempt.select(RedeemAttempt.at).where(
        (RedeemAttempt.key == key) & (RedeemAttempt.at > clock.now() - FAILURE_WINDOW)
    ).order_by(RedeemAttempt.at)
    return [clock.aware(r["at"]) for r in rows]


def _locked(wait_seconds: int) -> DomainError:
    return DomainError(_("Too many wrong codes. Please wait %(wait)s and try again.",
                         wait=throttle.wait_text(wait_seconds)), "code")


async def _check_throttle(actor: Principal, merchant_id: int) -> int:
    """The wrong codes this cashier typed lately; refuses once there are MAX_FAILURES."""
    failures = await _failures(_attempt_key(merchant_id, actor.user_id))
    if len(failures) >= MAX_FAILURES:
        until = failures[len(failures) - MAX_FAILURES] + FAILURE_WINDOW
        raise _locked(max(1, int((until - clock.now()).total_seconds())))
    return len(failures)


async def _wrong(actor: Principal, merchant_id: int, before: int, typed: bool) -> DomainError:
    """A code not valid here. Only typed codes count against the cashier: a link (a scanned
    QR, or one sent by anyone) must not lock the till. Links have their own, larger count
    so that they cannot be used to guess codes either."""
    await RedeemAttempt.insert(RedeemAttempt(key=_attempt_key(merchant_id, actor.user_id,
                                                              link=not typed)))
    wrong = _("That is not a valid code for this shop. Please check it with the resident.")
    if not typed:
        return DomainError(wrong, "code")
    left = MAX_FAILURES - before - 1
    if left <= 0:
        more = _locked(int(FAILURE_WINDOW.total_seconds())).message
    else:
        more = _("1 try left.") if left == 1 else _("%(n)s tries left.", n=left)
    # Two sentences as one message: Chinese joins them without a space.
    return DomainError(_("%(first)s %(then)s", first=wrong, then=more), "code")


CODE_COLUMNS = (RedeemCode.all_columns(), RedeemCode.offer.title,
                RedeemCode.resident.display_name, RedeemCode.merchant.name,
                RedeemCode.merchant.community, RedeemCode.cashier.display_name)


async def lookup(actor: Principal, merchant_id: int, raw: str,
                 typed: bool = True) -> dict[str, Any]:
    """The code as the cashier sees it before confirming; refusals say why.

    ``typed``: the cashier typed it (a wrong one counts, tries left are told). Otherwise
    it came in a link (``?code=`` of a scanned QR): a wrong one does not count."""
    await merchants.require_member(actor, merchant_id)
    if typed:
        before = await _check_throttle(actor, merchant_id)
    else:
        before = 0
        links = await _failures(_attempt_key(merchant_id, actor.user_id, link=True))
        if len(links) >= LINK_FAILURES:
            raise DomainError(_("Please type the code shown by the resident."), "code")
    code = codes.normalise(raw)
    row = None
    if code is not None:
        row = await RedeemCode.select(*CODE_COLUMNS).where(RedeemCode.code == code).first()
    if row is None or row["merchant"] != merchant_id:
        # Another merchant's code is "wrong" here: it says nothing about other shops.
        raise await _wrong(actor, merchant_id, before, typed)
    _refuse_closed(row)
    return row


def _refuse_closed(row: dict[str, Any]) -> None:
    if row["status"] == "redeemed":
        raise Conflict(_("This code was already used at %(time)s.",
                         time=clock.local_time(row["redeemed_at"])), "code")
    if row["status"] == "cancelled":
        raise Conflict(_("The resident cancelled this code."), "code")
    if row["status"] == "expired" or row["expires_at"] <= clock.now():
        raise Conflict(_("This code has expired. The resident can get a new one."), "code")


async def redeem(actor: Principal, merchant_id: int, raw: str) -> int:
    """Spend the code: points move to the merchant, the item is sold. Returns the code id."""
    merchant = await merchants.require_member(actor, merchant_id)
    await _check_throttle(actor, merchant_id)
    code = codes.normalise(raw) or "-"
    moment = clock.now()
    async with db.transaction():
        rows = await RedeemCode.update({
            RedeemCode.status: "redeemed", RedeemCode.redeemed_at: moment,
            RedeemCode.closed_at: moment, RedeemCode.cashier: actor.user_id,
        }).where(
            (RedeemCode.code == code) & (RedeemCode.merchant == merchant_id)
            & (RedeemCode.status == "active") & (RedeemCode.expires_at > moment)
        ).returning(*RedeemCode.all_columns())
        if rows:
            row = rows[0]
            await Offer.update({Offer.sold: Offer.sold + 1}).where(Offer.id == row["offer"])
            account = await ledger.merchant_account(merchant["community"], merchant_id)
            title = (await Offer.select(Offer.title).where(Offer.id == row["offer"]).first()
                     or {"title": ""})["title"]
            transfer = await holds.post_hold(row["hold_id"], account["id"], "redeem",
                                              actor.user_id, title)
            await RedeemCode.update({RedeemCode.transfer_id: transfer["id"]}).where(
                RedeemCode.id == row["id"])
            await notifications.send(row["resident"], "code_redeemed",
                                     link=f"/rewards/codes/{row['id']}", offer=title,
                                     merchant=merchant["name"])
            return int(row["id"])
    # Nothing changed: say why (and count a wrong code against the cashier).
    await lookup(actor, merchant_id, raw)
    raise Conflict(_("This code has expired. The resident can get a new one."), "code")


async def receipt_for_merchant(actor: Principal, merchant_id: int,
                               code_id: int) -> dict[str, Any]:
    await merchants.require_member(actor, merchant_id)
    row = await RedeemCode.select(*CODE_COLUMNS).where(
        (RedeemCode.id == code_id) & (RedeemCode.merchant == merchant_id)
        & (RedeemCode.status == "redeemed")).first()
    if row is None:
        raise NotFound(_("No such receipt."))
    return row


async def active_code_count(actor: Principal) -> int:
    """How many of ``actor``'s codes can still be shown at a shop (for the home page)."""
    return await RedeemCode.count().where(
        (RedeemCode.resident == actor.user_id) & (RedeemCode.status == "active")
        & (RedeemCode.expires_at > clock.now()))


async def limit_left(actor: Principal, offer: dict[str, Any]) -> int | None:
    """How many more codes ``actor`` may take for ``offer`` in the current period (None: no
    limit), so the offer page can say it before the tap rather than refuse after it."""
    if offer["limit_count"] is None:
        return None
    key = f"{offer['id']}:{actor.user_id}:{codes.period_key(offer['limit_period'], clock.now())}"
    row = await LimitCounter.select(LimitCounter.used).where(LimitCounter.key == key).first()
    return max(0, int(offer["limit_count"]) - (int(row["used"]) if row else 0))


async def tries_left(actor: Principal, merchant_id: int) -> int:
    """Wrong codes this cashier may still type before the till locks (shown on the redeem
    page before the next try, not only after a wrong one)."""
    failures = await _failures(_attempt_key(merchant_id, actor.user_id))
    return max(0, MAX_FAILURES - len(failures))
