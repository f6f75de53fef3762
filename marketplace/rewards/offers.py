"""Offers a merchant publishes, and the catalogue residents browse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from marketplace import clock
from marketplace.errors import DomainError, NotFound
from marketplace.i18n import N_, _
from marketplace.principal import Principal
from marketplace.rewards import codes, merchants
from marketplace.rewards.tables import Merchant, Offer

# A fixed, short list so the catalogue filter stays useful; keys are stored, labels translated.
CATEGORIES: dict[str, str] = {
    "groceries": N_("Groceries"),
    "food": N_("Food and drink"),
    "services": N_("Everyday services"),
    "health": N_("Health"),
    "other": N_("Other"),
}


def category_key(raw: str | None) -> str | None:
    """A known category key from a query parameter, or None (no filter)."""
    return raw if raw in CATEGORIES else None


@dataclass
class OfferInput:
    title: str
    price: int
    description: str = ""
    stock: int | None = None  # None = unlimited
    limit_count: int | None = None
    limit_period: str = "month"
    valid_from: date | None = None
    valid_to: date | None = None
    active: bool = True
    photo: str = ""
    category: str = "other"


def _check(o: OfferInput) -> None:
    if not 2 <= len(o.title.strip()) <= 80:
        raise DomainError(_("Please give the offer a short title (2–80 characters)."), "title")
    if len(o.description) > 2000:
        raise DomainError(_("The description is too long (2000 characters at most)."),
                          "description")
    if not 1 <= o.price <= 100000:
        raise DomainError(_("The price must be between 1 and 100000 points."), "price")
    if o.stock is not None and not 0 <= o.stock <= 1000000:
        raise DomainError(_("Stock must be 0 or more (leave empty for unlimited)."), "stock")
    if o.limit_count is not None and not 1 <= o.limit_count <= 1000:
        raise DomainError(_("The limit must be at least 1 (leave empty for none)."),
                          "limit_count")
    if o.category not in CATEGORIES:
        raise DomainError(_("Please choose one of the listed categories."), "category")
    if o.limit_period not in codes.PERIODS:
        raise DomainError(_("Please choose day, week or month."), "limit_period")
    if o.valid_from and o.valid_to and o.valid_to < o.valid_from:
        raise DomainError(_("The end date is before the start date."), "valid_to")


def _values(o: OfferInput) -> dict[str, Any]:
    return {"title": o.title.strip(), "description": o.description.strip(), "price": o.price,
            "category": o.category, "limit_count": o.limit_count, "limit_period": o.limit_period,
            "valid_from": o.valid_from, "valid_to": o.valid_to, "active": o.active}


async def create(actor: Principal, merchant_id: int, o: OfferInput) -> int:
    await merchants.require_member(actor, merchant_id, owner=True)
    _check(o)
    rows = await Offer.insert(Offer(merchant=merchant_id, stock_left=o.stock, photo=o.photo,
                                    **_values(o))).returning(Offer.id)
    return int(rows[0]["id"])


async def get_own(actor: Principal, merchant_id: int, offer_id: int) -> dict[str, Any]:
    """An offer of this merchant; another merchant's offer is simply not found here."""
    await merchants.require_member(actor, merchant_id)
    row = await Offer.select().where(
        (Offer.id == offer_id) & (Offer.merchant == merchant_id)).first()
    if row is None:
        raise NotFound(_("No such offer."))
    return row


async def update(actor: Principal, merchant_id: int, offer_id: int, o: OfferInput) -> None:
    await merchants.require_member(actor, merchant_id, owner=True)
    await get_own(actor, merchant_id, offer_id)
    _check(o)
    values = {getattr(Offer, k): v for k, v in _values(o).items()}
    # Codes already issued keep their item: the new stock counts only what is left to give.
    values[Offer.stock_left] = o.stock
    if o.photo:
        values[Offer.photo] = o.photo
    await Offer.update(values).where(Offer.id == offer_id)


async def of_merchant(actor: Principal, merchant_id: int) -> list[dict[str, Any]]:
    """Every offer of the merchant, open or not, for the people who work there."""
    await merchants.require_member(actor, merchant_id)
    return await Offer.select().where(Offer.merchant == merchant_id).order_by(
        Offer.id, ascending=False)


CATALOGUE_COLUMNS = (Offer.all_columns(), Offer.merchant.name, Offer.merchant.id,
                     Offer.merchant.community, Offer.merchant.address,
                     Offer.merchant.opening_hours, Offer.merchant.logo)


async def catalogue(actor: Principal, merchant_id: int | None = None,
                    max_price: int | None = None,
                    category: str | None = None) -> list[dict[str, Any]]:
    """Open offers of the verified merchants of ``actor``'s community, cheapest first."""
    day = clock.today()
    query = Offer.select(*CATALOGUE_COLUMNS).where(
        (Offer.merchant.community == actor.community_id)
        & (Offer.merchant.status == "verified") & (Offer.active == True)  # noqa: E712
        & (Offer.valid_from.is_null() | (Offer.valid_from <= day))
        & (Offer.valid_to.is_null() | (Offer.valid_to >= day)))
    if merchant_id:
        query = query.where(Offer.merchant == merchant_id)
    if category:
        query = query.where(Offer.category == category)
    if max_price is not None:
        query = query.where(Offer.price <= max_price)
    return await query.order_by(Offer.price).order_by(Offer.id).limit(200)


async def visible_offer(actor: Principal, offer_id: int) -> dict[str, Any]:
    """An offer a resident may see: open, of a verified merchant of their community."""
    row = await Offer.select(*CATALOGUE_COLUMNS, Offer.merchant.description,
                             Offer.merchant.contact).where(Offer.id == offer_id).first()
    if row is None or row["merchant.community"] != actor.community_id:
        raise NotFound(_("No such offer."))
    merchant = await Merchant.select(Merchant.status).where(
        Merchant.id == row["merchant"]).first()
    if merchant is None or merchant["status"] != "verified" or not codes.offer_open(
            row["active"], row["valid_from"], row["valid_to"], clock.today()):
        raise NotFound(_("This offer is not available now."))
    return row


async def merchants_in(actor: Principal) -> list[dict[str, Any]]:
    """The verified merchants of ``actor``'s community, for the catalogue filter."""
    return await Merchant.select(Merchant.id, Merchant.name).where(
        (Merchant.community == actor.community_id) & (Merchant.status == "verified")
    ).order_by(Merchant.name)
