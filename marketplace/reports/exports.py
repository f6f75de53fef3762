"""CSV exports streamed in keyset batches, so memory stays flat however big the community.

Each export is an async iterator of bytes from ``csvfile.stream`` (the BOM and header, then
one chunk per batch of rows read with ``WHERE id > :last ORDER BY id LIMIT :batch`` through
``paging.batches`` — never OFFSET, never all rows at once). Who may have which file is
decided in ``service.export`` before the first byte is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any

from marketplace import csvfile, db, paging
from marketplace.accounts.tables import HelperProfile, User
from marketplace.i18n import N_, _
from marketplace.ledger import rules
from marketplace.ledger.tables import Transfer
from marketplace.principal import Principal
from marketplace.privacy import access
from marketplace.reports import figures, records
from marketplace.rewards.codes import display as code_display
from marketplace.rewards.tables import Merchant
from marketplace.wishes.labels import status_name
from marketplace.wishes.tables import Wish

BATCH = 1000

Row = dict[str, Any]


def _stream(header: Sequence[str], fetch: paging.Fetch,
            shape: Callable[[Row], Sequence[Any]]) -> AsyncIterator[bytes]:
    async def planned(last: int) -> list[Row]:
        with db.custom_plans():  # each batch's period bounds planned for (not across a yield)
            return await fetch(last)

    async def shaped() -> AsyncIterator[list[Sequence[Any]]]:
        async for rows in paging.batches(planned, BATCH):
            yield [shape(r) for r in rows]

    return csvfile.stream(header, shaped())


def _period(column: Any, start: datetime | None, end: datetime | None) -> Any:
    where = column.is_not_null()
    if start is not None:
        where &= column >= start
    if end is not None:
        where &= column < end
    return where


def wishes(community_id: int, start: datetime | None,
           end: datetime | None) -> AsyncIterator[bytes]:
    async def fetch(last: int) -> list[dict[str, Any]]:
        return await Wish.select(
            Wish.id, Wish.created_at, Wish.status, Wish.category.name, Wish.title,
            Wish.grid.name, Wish.building.name, Wish.owner.display_name, Wish.points,
            Wish.hours, Wish.rating, Wish.escalated_at, Wish.reject_reason,
        ).where((Wish.community == community_id) & (Wish.id > last)
                & _period(Wish.created_at, start, end)).order_by(Wish.id).limit(BATCH)

    header = [_("Number"), _("Posted"), _("Status"), _("Category"), _("Wish"), _("Grid"),
              _("Building"), _("Resident"), _("Points"), _("Hours"), _("Rating"),
              _("Escalated"), _("Reason for rejection")]
    return _stream(header, fetch, lambda r: [
        r["id"], r["created_at"], status_name(r["status"]), r["category.name"], r["title"],
        r["grid.name"], r["building.name"], r["owner.display_name"], r["points"],
        figures.hours(r["hours"]), r["rating"], r["escalated_at"], r["reject_reason"]])


ACCOUNT_NAMES = {"person": N_("Resident"), "merchant": N_("Merchant"),
                 "issuance": N_("Points issued"), "expired": N_("Expired"),
                 "settled": N_("Settlement")}
HELPER_KINDS = {"party_member": N_("Party member"), "volunteer": N_("Volunteer")}
HELPER_STATUSES = {"pending": N_("Waiting for review"), "verified": N_("Verified"),
                   "declined": N_("Declined")}


def _named(names: dict[str, str], code: str) -> str:
    return _(names[code]) if code in names else code


def _account_label(kind: str, owner: str | None, shop: str | None = None) -> str:
    name = owner or shop
    return f"{_named(ACCOUNT_NAMES, kind)}: {name}" if name else _named(ACCOUNT_NAMES, kind)


def _reference(reference: str) -> str:
    prefix, _sep, rest = reference.partition(":")
    return code_display(rest) if prefix == "code" and rest else reference


async def _with_shops(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adds the shop name of merchant accounts: one query per batch."""
    ids = {r[k] for r in rows for k in ("debit.merchant_id", "credit.merchant_id") if r[k]}
    shops = {m["id"]: m["name"] for m in await Merchant.select(Merchant.id, Merchant.name)
             .where(Merchant.id.is_in(sorted(ids)))} if ids else {}
    for r in rows:
        r["debit.shop"] = shops.get(r["debit.merchant_id"])
        r["credit.shop"] = shops.get(r["credit.merchant_id"])
    return rows


def transfers(community_id: int, start: datetime | None, end: datetime | None,
              kind: str | None = None) -> AsyncIterator[bytes]:
    async def fetch(last: int) -> list[dict[str, Any]]:
        # The transfer's own community: no join to find this community's rows.
        where = ((Transfer.community == community_id) & (Transfer.id > last)
                 & _period(Transfer.created_at, start, end))
        if kind:
            where &= Transfer.kind == kind
        return await _with_shops(await Transfer.select(
            Transfer.id, Transfer.created_at, Transfer.kind, Transfer.amount,
            Transfer.debit.kind, Transfer.debit.owner.display_name, Transfer.debit.merchant_id,
            Transfer.credit.kind, Transfer.credit.owner.display_name,
            Transfer.credit.merchant_id, Transfer.reference, Transfer.memo,
            Transfer.actor.display_name, Transfer.reverses,
        ).where(where).order_by(Transfer.id).limit(BATCH))

    if kind == "redeem":
        header = [_("Number"), _("Time"), _("Resident"), _("Merchant"), _("Points"),
                  _("Reference"), _("Memo")]
        return _stream(header, fetch, lambda r: [
            r["id"], r["created_at"], r["debit.owner.display_name"],
            r["credit.shop"] or r["credit.merchant_id"], r["amount"],
            _reference(r["reference"]), r["memo"]])
    header = [_("Number"), _("Time"), _("Kind"), _("Points"), _("From"), _("To"),
              _("Reference"), _("Memo"), _("By"), _("Reverses")]
    return _stream(header, fetch, lambda r: [
        r["id"], r["created_at"], rules.kind_name(r["kind"]), r["amount"],
        _account_label(r["debit.kind"], r["debit.owner.display_name"], r["debit.shop"]),
        _account_label(r["credit.kind"], r["credit.owner.display_name"], r["credit.shop"]),
        _reference(r["reference"]), r["memo"], r["actor.display_name"], r["reverses"]])


def members(viewer: Principal, community_id: int) -> AsyncIterator[bytes]:
    """Every member with their phone; each batch's phones are recorded as seen by
    ``viewer`` (one INSERT a batch) as the file is sent."""
    role = access.staff_role(viewer, community_id)

    async def fetch(last: int) -> list[dict[str, Any]]:
        people = await User.select(
            User.id, User.display_name, User.login, User.phone, User.grid.name,
            User.building.name, User.created_at, User.is_active,
        ).where((User.community == community_id) & (User.id > last)).order_by(
            User.id).limit(BATCH)
        await access.record(viewer, [(p["id"], access.fields_of(p["phone"], ""))
                                     for p in people], "export", role)
        ids = [p["id"] for p in people] or [-1]
        helpers = {h["user"]: h for h in await HelperProfile.select().where(
            HelperProfile.user.is_in(ids))}
        return [{**p, "helper": helpers.get(p["id"]) or {}} for p in people]

    header = [_("Number"), _("Name"), _("Login"), _("Phone"), _("Grid"), _("Building"),
              _("Joined"), _("Active"), _("Helper"), _("Helper status"), _("Work unit"),
              _("Party branch")]
    return _stream(header, fetch, lambda r: [
        r["id"], r["display_name"], r["login"], r["phone"], r["grid.name"],
        r["building.name"], r["created_at"], _("Yes") if r["is_active"] else _("No"),
        _named(HELPER_KINDS, r["helper"].get("kind", "")),
        _named(HELPER_STATUSES, r["helper"].get("status", "")),
        r["helper"].get("work_unit", ""), r["helper"].get("party_branch", "")])


def work_units(community_id: int, start: datetime, end: datetime) -> AsyncIterator[bytes]:
    """Party members' service in the period, grouped by work unit with a subtotal each."""
    header = [_("Work unit"), _("Name"), _("Party branch"), _("Confirmed wishes"),
              _("Hours confirmed by residents"), _("Hours confirmed by staff"),
              _("Hours confirmed automatically"), _("Total hours"), _("Activities"),
              _("Activity points"), _("Average rating")]
    return csvfile.stream(header, _work_unit_groups(community_id, start, end))


async def _work_unit_groups(community_id: int, start: datetime,
                            end: datetime) -> AsyncIterator[list[list[Any]]]:
    members_ = await records.party_members(community_id)
    found = await records.tallies(community_id, start, end, [m["user"] for m in members_])
    groups: dict[str, list[dict[str, Any]]] = {}
    for m in members_:
        groups.setdefault((m["work_unit"] or "").strip() or _("(no work unit)"), []).append(m)
    for unit in sorted(groups):
        rows: list[list[Any]] = []
        total = figures.HelperTally(0)
        for m in sorted(groups[unit], key=lambda m: m["user.display_name"]):
            t = found.get(m["user"], figures.HelperTally(m["user"]))
            rows.append([unit, m["user.display_name"], m["party_branch"], t.wishes,
                         *_hours(t), t.activities, t.activity_points, t.average_rating])
            total.wishes += t.wishes
            total.activities += t.activities
            total.activity_points += t.activity_points
            for key, value in t.minutes.items():
                total.minutes[key] += value
        rows.append([unit, _("Subtotal"), "", total.wishes, *_hours(total), total.activities,
                     total.activity_points, ""])
        yield rows


def _hours(tally: figures.HelperTally) -> list[str]:
    """By residents, by staff, automatically, in all."""
    return [figures.hours(tally.minutes["resident"]), figures.hours(tally.minutes["staff"]),
            figures.hours(tally.minutes["automatic"]), figures.hours(tally.total_minutes)]
