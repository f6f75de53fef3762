"""JSON API: the catalogue, the resident's codes (create, list, cancel), and the
merchant's redeem action. Same services and authorisation as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody

from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.ledger import service as ledger
from marketplace.rewards import codes, offers, service
from marketplace.web import auth
from marketplace.web.api_docs import API_ERRORS
from marketplace.web.params import LINE_PATTERN, BodyId, PathId, QueryId
from marketplace.web.request import AppRequest


class OfferOut(msgspec.Struct):
    id: int
    title: str
    description: str
    price: int
    category: str
    stock_left: int | None
    merchant_id: int
    merchant_name: str
    balance_after: int


class CodeOut(msgspec.Struct):
    id: int
    code: str
    offer_id: int
    offer_title: str
    merchant_id: int
    merchant_name: str
    price: int
    status: str
    expires_at: datetime
    redeemed_at: datetime | None


class CreateCode(msgspec.Struct):
    offer_id: BodyId


class RedeemIn(msgspec.Struct):
    code: Annotated[str, msgspec.Meta(
        pattern=LINE_PATTERN, max_length=codes.TYPED_MAX,
        description="The code as the resident shows it; spaces, dashes, lower case are forgiven.")]


class RedeemOut(msgspec.Struct):
    code_id: int
    offer_title: str
    points: int
    resident: str
    redeemed_at: datetime


def _code_out(row: dict) -> CodeOut:
    return CodeOut(id=row["id"], code=row["code"], offer_id=row["offer"],
                   offer_title=row["offer.title"], merchant_id=row["merchant"],
                   merchant_name=row["merchant.name"], price=row["price"],
                   status=row["status"], expires_at=row["expires_at"],
                   redeemed_at=row["redeemed_at"])


class RewardsApiController(Controller):
    path = "/api/rewards"
    opt = {auth.GUARD: auth.login_required}
    include_in_schema = True  # the app leaves its HTML pages out of the OpenAPI schema

    @get("/offers", name="api_rewards_offers", responses=API_ERRORS)
    async def catalogue(self, request: AppRequest, merchant: QueryId = None,
                        afford: FromQuery[bool] = False,
                        category: FromQuery[str | None] = None) -> list[OfferOut]:
        me = request.principal
        if category and offers.category_key(category) is None:
            raise DomainError(_("Unknown category: choose one of %(keys)s.",
                                keys=", ".join(offers.CATEGORIES)), "category")
        available = (await ledger.balance(me.user_id)).available
        rows = await offers.catalogue(me, merchant, available if afford else None,
                                      category or None)
        return [OfferOut(id=r["id"], title=r["title"], description=r["description"],
                         price=r["price"], category=r["category"], stock_left=r["stock_left"],
                         merchant_id=r["merchant"], merchant_name=r["merchant.name"],
                         balance_after=available - r["price"]) for r in rows]

    @get("/codes", name="api_rewards_codes", responses=API_ERRORS)
    async def codes(self, request: AppRequest) -> list[CodeOut]:
        return [_code_out(r) for r in await service.codes_of(request.principal)]

    @post("/codes", name="api_rewards_create_code", responses=API_ERRORS, status_code=201)
    async def create(self, request: AppRequest, data: JSONBody[CreateCode]) -> CodeOut:
        me = request.principal
        code = await service.issue(me, data.offer_id)
        return _code_out(await service.own_code(me, code["id"]))

    @post("/codes/{code_id:int}/cancel", name="api_rewards_cancel_code",
          responses=API_ERRORS, status_code=200)
    async def cancel(self, request: AppRequest, code_id: PathId) -> CodeOut:
        me = request.principal
        await service.cancel(me, code_id)
        return _code_out(await service.own_code(me, code_id))

    @post("/merchants/{merchant_id:int}/redeem", name="api_rewards_redeem",
          responses=API_ERRORS, status_code=200)
    async def redeem(self, request: AppRequest, merchant_id: PathId,
                     data: JSONBody[RedeemIn]) -> RedeemOut:
        me = request.principal
        code_id = await service.redeem(me, merchant_id, data.code)
        row = await service.receipt_for_merchant(me, merchant_id, code_id)
        return RedeemOut(code_id=code_id, offer_title=row["offer.title"], points=row["price"],
                         resident=row["resident.display_name"], redeemed_at=row["redeemed_at"])
