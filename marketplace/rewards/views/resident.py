"""Resident pages: the catalogue, an offer, "Get code", my codes, a code with its QR."""

from __future__ import annotations

import io
import uuid
from typing import Any

import segno
from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import File

from marketplace import idempotency, settings
from marketplace.accounts import proxies
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.ledger import service as ledger
from marketplace.rewards import codes, offers, service, uploads
from marketplace.web import auth, confirm
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import absolute_url, page, redirect
from marketplace.web.request import AppRequest


def redeem_url(request: AppRequest, merchant_id: int, code: str) -> str:
    return absolute_url(request, f"/merchant/{merchant_id}/redeem?code={code}")


class RewardsController(Controller):
    path = "/rewards"
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="rewards_catalogue")
    async def catalogue(self, request: AppRequest, merchant: FromQuery[str | None] = None,
                        afford: FromQuery[str | None] = None,
                        category: FromQuery[str | None] = None) -> Any:
        me = request.principal
        balance = await ledger.balance(me.user_id)
        merchant_id = query_id(merchant, _("Shop"))
        category_key = offers.category_key(category)
        rows = await offers.catalogue(me, merchant_id, balance.available if afford else None,
                                      category_key)
        return page(request, "rewards/catalogue.html", "rewards/_catalogue.html", rows=rows,
                    balance=balance, merchants=await offers.merchants_in(me),
                    merchant_id=merchant_id, afford=bool(afford),
                    categories=offers.CATEGORIES, category=category_key)

    @get("/offers/{offer_id:int}", name="rewards_offer")
    async def offer(self, request: AppRequest, offer_id: PathId,
                    who: FromQuery[str | None] = None) -> Any:
        return await _offer_page(request, offer_id, for_id=query_id(who, _("Person")))

    @post("/offers/{offer_id:int}/code", name="rewards_get_code")
    async def get_code(self, request: AppRequest, offer_id: PathId) -> Any:
        form = await Form.read(request)
        for_id = form.id("who", required=False, label=_("Person"))
        # Someone acting for a resident gets the code with the resident's points.
        me = await proxies.act_for(request.principal, for_id or request.principal.user_id)
        # The page's hidden key (or the client's Idempotency-Key): a double tap, or the
        # same request sent twice, makes one code and one hold.
        key = (form.str("key", max_length=idempotency.MAX_KEY).strip()
               or request.headers.get(idempotency.HEADER, "") or uuid.uuid4().hex)

        async def issue() -> idempotency.Answer:
            code = await service.issue(me, offer_id)
            return idempotency.Answer(303, headers=(("location",
                                                     f"/rewards/codes/{code['id']}"),))

        try:
            done = await idempotency.once(request.principal.user_id, key,
                                          f"get_code:{offer_id}:{me.user_id}", issue)
        except DomainError as exc:
            return await _offer_page(request, offer_id, exc.message, 409, for_id)
        return redirect(request, done.header("location") or "/rewards/codes",
                        _("Show this code to the cashier before it expires."))

    @get("/codes", name="rewards_my_codes")
    async def my_codes(self, request: AppRequest, who: FromQuery[str | None] = None) -> Any:
        # ?who=: the codes of someone one acts for, to find a slip again and print it.
        acting = await proxies.act_for(request.principal,
                                       query_id(who, _("Person")) or request.principal.user_id)
        return page(request, "rewards/codes.html", rows=await service.codes_of(acting),
                    display=codes.display, acting=acting)

    @get("/codes/{code_id:int}", name="rewards_code")
    async def code(self, request: AppRequest, code_id: PathId) -> Any:
        row = await service.own_code(request.principal, code_id)
        return page(request, "rewards/code.html", code=row, display=codes.display(row["code"]),
                    link=redeem_url(request, row["merchant"], row["code"]))

    @get("/codes/{code_id:int}/qr.svg", name="rewards_code_qr")
    async def qr(self, request: AppRequest, code_id: PathId) -> Response:
        row = await service.own_code(request.principal, code_id)
        out = io.BytesIO()
        # A file loaded by <img> needs the SVG namespace, which svg_inline() leaves out.
        segno.make(redeem_url(request, row["merchant"], row["code"]), error="m").save(
            out, kind="svg", scale=5, dark="#000", light="#fff")
        return Response(content=out.getvalue(), media_type="image/svg+xml",
                        headers={"Cache-Control": "private, no-store"})

    @post("/codes/{code_id:int}/cancel", name="rewards_cancel_code")
    async def cancel(self, request: AppRequest, code_id: PathId) -> Any:
        me = request.principal
        if not confirm.confirmed(await Form.read(request)):
            code = await service.own_code(me, code_id)
            if code["status"] == "active":
                return confirm.ask(
                    request, action=f"/rewards/codes/{code_id}/cancel",
                    question=_("Cancel the code for “%(offer)s”?", offer=code["offer.title"]),
                    button=_("Yes, cancel the code"), back=f"/rewards/codes/{code_id}")
        try:
            await service.cancel(me, code_id)
        except DomainError as exc:
            return redirect(request, f"/rewards/codes/{code_id}", exc.message, "error")
        return redirect(request, "/rewards/codes",
                        _("The code is cancelled and your points are free again."))

    @post("/codes/{code_id:int}/renew", name="rewards_renew_code")
    async def renew(self, request: AppRequest, code_id: PathId) -> Any:
        """A new code (new time) for the same offer; the old one stops working."""
        try:
            code = await service.renew(request.principal, code_id)
        except DomainError as exc:
            return redirect(request, f"/rewards/codes/{code_id}", exc.message, "error")
        return redirect(request, f"/rewards/codes/{code['id']}",
                        _("Here is a new code, valid for another %(n)s minutes.",
                          n=settings.get().code_minutes))

    @get("/media/{name:str}", name="rewards_media", opt={"uncompressed": True})
    async def media(self, name: FromPath[str]) -> File:
        return _media(name, small=False)

    @get("/media/small/{name:str}", name="rewards_media_small", opt={"uncompressed": True})
    async def media_small(self, name: FromPath[str]) -> File:
        """The copy for lists (a few tens of KB)."""
        return _media(name, small=True)


def _media(name: str, small: bool) -> File:
    path = uploads.path_of(name, small)
    if path is None:
        raise NotFoundException()
    return File(path=path, media_type=uploads.CONTENT_TYPES[path.suffix[1:]],
                content_disposition_type="inline")


async def _offer_page(request: AppRequest, offer_id: int, error: str | None = None,
                      status_code: int = 200, for_id: int | None = None) -> Any:
    """The offer, for the person themselves or for someone they act for (``for_id``)."""
    me = await proxies.act_for(request.principal, for_id or request.principal.user_id)
    row = await offers.visible_offer(me, offer_id)
    return page(request, "rewards/offer.html", status_code=status_code, o=row,
                balance=await ledger.balance(me.user_id), error=error,
                limit_left=await service.limit_left(me, row),
                categories=offers.CATEGORIES, acting=me,
                acts_for=await proxies.acts_for(request.principal))
