"""Merchant pages: apply, the shop's dashboard and cashiers, offers, redeem, statement."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromQuery

from marketplace import clock, csvfile, images
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.rewards import codes, merchants, offers, service, settlement, uploads
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_day, query_text, without_controls
from marketplace.web.render import csv_download, page, redirect, refused
from marketplace.web.request import AppRequest


async def _offer_input(form: Form) -> offers.OfferInput:
    unlimited = form.str("stock").strip() == ""
    return offers.OfferInput(
        title=form.str("title", max_length=200),
        description=form.str("description", max_length=4000, multiline=True),
        price=form.int("price", label=_("Points price"), minimum=1, maximum=100000) or 0,
        stock=None if unlimited else form.int("stock", label=_("Stock"), minimum=0),
        limit_count=form.int("limit_count", required=False, label=_("Limit"), minimum=1),
        limit_period=form.str("limit_period", "month", max_length=8),
        category=form.str("category", "other", max_length=16),
        valid_from=form.date("valid_from"),
        valid_to=form.date("valid_to"),
        active=form.bool("active"),
        photo=await uploads.store(form.file("photo"), "photo"),
    )


class MerchantController(Controller):
    path = "/merchant"
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="merchant_home")
    async def home(self, request: AppRequest) -> Any:
        me = request.principal
        return page(request, "rewards/merchant_home.html", mine=await merchants.mine(me),
                    applications=await merchants.applications_of(me),
                    invites=await merchants.invites_for(me))

    @get("/apply", name="merchant_apply")
    async def apply_form(self, request: AppRequest) -> Any:
        return page(request, "rewards/apply.html", "rewards/_apply_form.html", values={},
                    errors={})

    @post("/apply", request_max_body_size=images.max_body_bytes())
    async def apply(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            logo = await uploads.store(form.file("logo"), "logo")
            await merchants.apply(request.principal, merchants.Application(
                name=form.str("name", max_length=200), address=form.str("address", max_length=400),
                opening_hours=form.str("opening_hours", max_length=200),
                contact=form.str("contact", max_length=100),
                description=form.str("description", max_length=4000, multiline=True), logo=logo))
        except DomainError as exc:
            return page(request, "rewards/apply.html", "rewards/_apply_form.html",
                        status_code=refused(request, exc), values=form.values(),
                        errors={exc.field or "form": exc.message})
        return redirect(request, "/merchant",
                        _("Application sent. Community staff will verify your shop."))

    @get("/{merchant_id:int}", name="merchant_dashboard")
    async def dashboard(self, request: AppRequest, merchant_id: PathId) -> Any:
        return await _dashboard(request, request.principal, merchant_id)

    @post("/{merchant_id:int}/members", name="merchant_add_member")
    async def add_member(self, request: AppRequest, merchant_id: PathId) -> Any:
        me = request.principal
        form = await Form.read(request)
        try:
            await merchants.add_cashier(me, merchant_id, form.str("login", max_length=64))
        except DomainError as exc:
            return await _dashboard(request, me, merchant_id, {exc.field or "form": exc.message},
                                    form.values(), refused(request, exc))
        return redirect(request, f"/merchant/{merchant_id}",
                        _("Invitation sent: they become a cashier when they accept it."))

    @post("/{merchant_id:int}/invites/{invite_id:int}/withdraw",
          name="merchant_withdraw_invite")
    async def withdraw_invite(self, request: AppRequest, merchant_id: PathId,
                              invite_id: PathId) -> Any:
        try:
            await merchants.withdraw_invite(request.principal, merchant_id, invite_id)
        except DomainError as exc:
            return redirect(request, f"/merchant/{merchant_id}", exc.message, "error")
        return redirect(request, f"/merchant/{merchant_id}", _("Invitation withdrawn."))

    @get("/invites/{invite_id:int}", name="merchant_invite")
    async def invite(self, request: AppRequest, invite_id: PathId) -> Any:
        return page(request, "rewards/invite.html",
                    invite=await merchants.invite(request.principal, invite_id))

    @post("/invites/{invite_id:int}/accept", name="merchant_invite_accept")
    async def accept_invite(self, request: AppRequest, invite_id: PathId) -> Any:
        try:
            row = await merchants.answer_invite(request.principal, invite_id, True)
        except DomainError as exc:
            return redirect(request, f"/merchant/invites/{invite_id}", exc.message, "error")
        return redirect(request, f"/merchant/{row['merchant']}",
                        _("You are now a cashier of this shop."))

    @post("/invites/{invite_id:int}/decline", name="merchant_invite_decline")
    async def decline_invite(self, request: AppRequest, invite_id: PathId) -> Any:
        try:
            await merchants.answer_invite(request.principal, invite_id, False)
        except DomainError as exc:
            return redirect(request, f"/merchant/invites/{invite_id}", exc.message, "error")
        # A person who turned down the invitation has no shop page to go back to.
        return redirect(request, "/notifications", _("Invitation declined."))

    @post("/{merchant_id:int}/members/{member_id:int}/remove", name="merchant_remove_member")
    async def remove_member(self, request: AppRequest, merchant_id: PathId,
                            member_id: PathId) -> Any:
        try:
            await merchants.remove_member(request.principal, merchant_id, member_id)
        except DomainError as exc:
            return redirect(request, f"/merchant/{merchant_id}", exc.message, "error")
        return redirect(request, f"/merchant/{merchant_id}", _("Cashier removed."))

    @get("/{merchant_id:int}/offers", name="merchant_offers")
    async def offer_list(self, request: AppRequest, merchant_id: PathId) -> Any:
        me = request.principal
        shop = await merchants.membership(me, merchant_id)
        return page(request, "rewards/offers.html", merchant=shop.merchant,
                    rows=await offers.of_merchant(me, merchant_id), categories=offers.CATEGORIES,
                    is_owner=shop.is_owner)

    @get("/{merchant_id:int}/offers/new", name="merchant_new_offer")
    async def new_offer(self, request: AppRequest, merchant_id: PathId) -> Any:
        merchant = await merchants.require_member(request.principal, merchant_id, owner=True)
        return _offer_form(request, merchant, None, {"active": "on", "limit_period": "month",
                                                     "category": "other"})

    @post("/{merchant_id:int}/offers/new", request_max_body_size=images.max_body_bytes())
    async def create_offer(self, request: AppRequest, merchant_id: PathId) -> Any:
        me = request.principal
        # Before reading the form: a photo from someone who may not add offers is not stored.
        merchant = await merchants.require_member(me, merchant_id, owner=True)
        form = await Form.read(request)
        try:
            await offers.create(me, merchant_id, await _offer_input(form))
        except DomainError as exc:
            return _offer_form(request, merchant, None, form.values(),
                               {exc.field or "form": exc.message})
        return redirect(request, f"/merchant/{merchant_id}/offers", _("Offer saved."))

    @get("/{merchant_id:int}/offers/{offer_id:int}", name="merchant_edit_offer")
    async def edit_offer(self, request: AppRequest, merchant_id: PathId,
                         offer_id: PathId) -> Any:
        me = request.principal
        merchant = await merchants.require_member(me, merchant_id, owner=True)
        row = await offers.get_own(me, merchant_id, offer_id)
        values = {k: "" if v is None else str(v) for k, v in row.items()}
        values["stock"] = values["stock_left"]
        values["active"] = "on" if row["active"] else ""
        return _offer_form(request, merchant, row, values)

    @post("/{merchant_id:int}/offers/{offer_id:int}",
          request_max_body_size=images.max_body_bytes())
    async def update_offer(self, request: AppRequest, merchant_id: PathId,
                           offer_id: PathId) -> Any:
        me = request.principal
        # Before reading the form: a photo for an offer one may not edit is not stored.
        merchant = await merchants.require_member(me, merchant_id, owner=True)
        row = await offers.get_own(me, merchant_id, offer_id)
        form = await Form.read(request)
        try:
            await offers.update(me, merchant_id, offer_id, await _offer_input(form))
        except DomainError as exc:
            return _offer_form(request, merchant, row, form.values(),
                               {exc.field or "form": exc.message})
        return redirect(request, f"/merchant/{merchant_id}/offers", _("Offer saved."))

    @get("/{merchant_id:int}/redeem", name="merchant_redeem")
    async def redeem_page(self, request: AppRequest, merchant_id: PathId,
                          code: FromQuery[str | None] = None) -> Any:
        me = request.principal
        merchant = await merchants.require_member(me, merchant_id)
        if not code:
            return await _redeem(request, merchant, None, code or "", {})
        # A link (a scanned QR): shown, but a wrong code in it does not count.
        try:
            raw = query_text(code[:20])
        except DomainError as exc:
            return await _redeem(request, merchant, None, without_controls(code[:20]),
                           {"code": exc.message})
        return await _check(request, me, merchant, raw, typed=False)

    @post("/{merchant_id:int}/redeem", name="merchant_redeem_check")
    async def redeem_check(self, request: AppRequest, merchant_id: PathId) -> Any:
        me = request.principal
        merchant = await merchants.require_member(me, merchant_id)
        form = await Form.read(request)
        return await _check(request, me, merchant, form.str("code", max_length=codes.TYPED_MAX))

    @post("/{merchant_id:int}/redeem/confirm", name="merchant_redeem_confirm")
    async def redeem_confirm(self, request: AppRequest, merchant_id: PathId) -> Any:
        me = request.principal
        merchant = await merchants.require_member(me, merchant_id)
        form = await Form.read(request)
        raw = form.str("code", max_length=codes.TYPED_MAX)
        try:
            code_id = await service.redeem(me, merchant_id, raw)
        except DomainError as exc:
            return await _redeem(request, merchant, None, raw, {"code": exc.message},
                           refused(request, exc))
        return redirect(request, f"/merchant/{merchant_id}/receipts/{code_id}",
                        _("Redeemed. Hand over the item."))

    @get("/{merchant_id:int}/receipts/{code_id:int}", name="merchant_receipt")
    async def receipt(self, request: AppRequest, merchant_id: PathId,
                      code_id: PathId) -> Any:
        row = await service.receipt_for_merchant(request.principal, merchant_id, code_id)
        return page(request, "rewards/receipt.html", code=row,
                    display=codes.display(row["code"]), merchant_id=merchant_id)

    @get("/{merchant_id:int}/statement", name="merchant_statement")
    async def statement(self, request: AppRequest, merchant_id: PathId,
                        start: FromQuery[str | None] = None,
                        end: FromQuery[str | None] = None) -> Any:
        me = request.principal
        error, first, last = _period(start, end)
        st = await settlement.statement(me, merchant_id, first, last)
        return page(request, "rewards/statement.html", merchant=st.merchant, st=st,
                    error=error, start=first.isoformat() if first else "",
                    end=last.isoformat() if last else "",
                    settlements=await settlement.of_merchant(me, merchant_id))

    @get("/{merchant_id:int}/statement.csv", name="merchant_statement_csv")
    async def statement_csv(self, request: AppRequest, merchant_id: PathId,
                            start: FromQuery[str | None] = None,
                            end: FromQuery[str | None] = None) -> Response:
        first, last = query_day(start), query_day(end)  # refused before the first byte
        st = await settlement.statement(request.principal, merchant_id, first, last)
        body = csvfile.document(
            [_("Time"), _("Offer"), _("Points"), _("Cashier"), _("Resident"), _("Code"),
             _("Settlement")],
            ([line["redeemed_at"], line["offer.title"], line["price"],
              line["cashier.display_name"], line["resident.display_name"], line["code"],
              line["settlement_id"]] for line in st.lines))
        return csv_download(f"statement-{merchant_id}.csv", body)


# Without days in the URL the statement shows this month and the two before: a shop's
# whole history (thousands of lines at county scale) is what the CSV with no days is for.
DEFAULT_MONTHS = 3


def _period(start: str | None, end: str | None) -> tuple[str, date | None, date | None]:
    """The statement's days from the URL; none, or a bad one, shows the last months (and
    says why)."""
    today = clock.today()
    index = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    month = date(index // 12, index % 12 + 1, 1)
    try:
        first, last = clock.parse_day(start), clock.parse_day(end)
    except clock.BadDate:
        return _("Please enter the date as YYYY-MM-DD."), month, today
    if first is None and last is None:
        return "", month, today
    return "", first, last


async def _dashboard(request: AppRequest, me: Principal, merchant_id: int,
                     errors: dict[str, str] | None = None,
                     values: dict[str, str] | None = None, status_code: int = 200) -> Any:
    shop = await merchants.membership(me, merchant_id)
    return page(request, "rewards/merchant.html", status_code=status_code,
                merchant=shop.merchant,
                is_owner=shop.is_owner, members=await merchants.members(me, merchant_id),
                invited=await merchants.invited(me, merchant_id),
                errors=errors or {}, values=values or {},
                unsettled=await settlement.unsettled_points(me, merchant_id))


def _offer_form(request: AppRequest, merchant: dict[str, Any], offer: dict[str, Any] | None,
                values: dict[str, str], errors: dict[str, str] | None = None) -> Any:
    # A refused form says so in its status too (htmx and API clients look at it).
    return page(request, "rewards/offer_form.html", status_code=422 if errors else 200,
                merchant=merchant, offer=offer, values=values, errors=errors or {},
                category_options=[(k, _(v)) for k, v in offers.CATEGORIES.items()],
                period_options=[(k, _(v)) for k, v in service.PERIOD_NAMES.items()])


async def _redeem(request: AppRequest, merchant: dict[str, Any], found: dict[str, Any] | None,
                  code: str, errors: dict[str, str], status_code: int = 200) -> Any:
    return page(request, "rewards/redeem.html", "rewards/_redeem.html", merchant=merchant,
                found=found, code=code, errors=errors, status_code=status_code,
                display=codes.display, max_tries=service.MAX_FAILURES,
                lock_minutes=int(service.FAILURE_WINDOW.total_seconds()) // 60,
                tries_left=await service.tries_left(request.principal, merchant["id"]))


async def _check(request: AppRequest, me: Principal, merchant: dict[str, Any],
                 raw: str, typed: bool = True) -> Any:
    try:
        found = await service.lookup(me, merchant["id"], raw, typed=typed)
    except DomainError as exc:
        # A typed code that was refused is a refused form; a link's code is only shown.
        status = refused(request, exc) if request.method == "POST" else 200
        return await _redeem(request, merchant, None, raw, {"code": exc.message}, status)
    return await _redeem(request, merchant, found, found["code"], {})

