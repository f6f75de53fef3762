"""The report back (双报告): quarterly service cards and yearly evaluation sheets.

Per on-the-job party member (a verified helper of kind ``party_member``), grouped by work
unit: the registry's unit (``HelperProfile.work_unit_ref``), else the unit as typed, else
"(no work unit)". The figures are ``records.tallies`` for the card's period — the same
counting as the service record and the certificate. Staff write the community's comment
(and, on a yearly sheet, a grade): the card is drafted. Marking it sent stores its
figures as issued: a sent card never changes, whatever is corrected later. The work unit's
contacts see the cards sent to their unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from marketplace import clock, csvfile, db
from marketplace.accounts.tables import HelperProfile, User
from marketplace.audit import service as audit
from marketplace.community.tables import Community
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.reports import cards, records
from marketplace.reports.cards import CardFigures, CardPeriod
from marketplace.reports.tables import ServiceCard

COMMENT_MAX = 1000
NO_UNIT = "-"
MANY = 50  # members on one page: above this, tallies are read for the whole community


@dataclass
class Member:
    user_id: int
    name: str
    party_branch: str
    unit_key: str  # "u<id>" (registry), "t:<as typed>", or NO_UNIT
    unit_name: str
    unit_id: int | None


@dataclass
class Card:
    member: Member
    community: dict[str, Any]
    period: CardPeriod
    state: str  # due | drafted | sent
    figures: CardFigures
    row: dict[str, Any] | None = None  # the stored card (comment, grade, sent_at …)

    @property
    def comment(self) -> str:
        return self.row["comment"] if self.row else ""

    @property
    def grade(self) -> str:
        return self.row["grade"] if self.row else ""


@dataclass
class Group:
    key: str
    name: str
    unit_id: int | None
    cards: list[Card] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for c in self.cards if c.state == state)


def _member(row: dict[str, Any]) -> Member:
    unit_id = row["work_unit_ref"]
    typed = (row["work_unit"] or "").strip()
    if unit_id is not None:
        key, name = f"u{unit_id}", row["work_unit_ref.name"] or typed
    elif typed:
        key, name = f"t:{typed}", typed
    else:
        key, name = NO_UNIT, _("(no work unit)")
    return Member(int(row["user"]), row["user.display_name"], row["party_branch"] or "", key,
                  name, unit_id)


_MEMBER_COLUMNS = (HelperProfile.user, HelperProfile.user.display_name,
                   HelperProfile.work_unit, HelperProfile.work_unit_ref,
                   HelperProfile.work_unit_ref.name, HelperProfile.party_branch)


async def members(community_id: int, user_id: int | None = None) -> list[Member]:
    """The community's verified party members (or the one asked for), by name."""
    where = ((HelperProfile.kind == "party_member") & (HelperProfile.status == "verified")
             & (HelperProfile.user.community == community_id))
    if user_id is not None:
        where &= HelperProfile.user == user_id
    rows = await HelperProfile.select(*_MEMBER_COLUMNS).where(where)
    return sorted((_member(r) for r in rows), key=lambda m: (m.name, m.user_id))


def card_key(period: CardPeriod, community_id: int, user_id: int) -> str:
    return f"{period.label}:{community_id}:{user_id}"


def _span(period: CardPeriod) -> tuple[datetime, datetime]:
    return clock.day_start(period.first), clock.day_end(period.last)


async def _cards(community_id: int, periods: list[CardPeriod],
                 user_id: int | None = None) -> dict[str, dict[str, Any]]:
    where = ((ServiceCard.community == community_id)
             & ServiceCard.period.is_in([p.label for p in periods]))
    if user_id is not None:
        where &= ServiceCard.member == user_id
    rows = await ServiceCard.select(
        *ServiceCard.all_columns(), ServiceCard.sent_by.display_name).where(where)
    return {r["key"]: r for r in rows}


async def _build(community: dict[str, Any], period: CardPeriod,
                 people: list[Member]) -> list[Card]:
    """Cards of ``people``: sent ones as stored, the others from the records today."""
    stored = await _cards(int(community["id"]), [period])
    live_ids = [m.user_id for m in people
                if (stored.get(card_key(period, community["id"], m.user_id)) or {}).get(
                    "status") != "sent"]
    start, end = _span(period)
    # Many members: read the period's service of everyone in the community (the index on
    # the period bounds it) rather than send hundreds of ids in an IN list.
    wanted = live_ids if len(live_ids) <= MANY else None
    tallies = await records.tallies(int(community["id"]), start, end, wanted) \
        if live_ids else {}
    out = []
    for m in people:
        row = stored.get(card_key(period, community["id"], m.user_id))
        if row is not None and row["status"] == "sent":
            out.append(Card(m, community, period, "sent", cards.from_json(row["figures"]), row))
        else:
            out.append(Card(m, community, period, "drafted" if row else "due",
                            cards.from_tally(tallies.get(m.user_id)), row))
    return out


async def _community(actor: Principal, community_id: int) -> dict[str, Any]:
    if not actor.can_staff(community_id):
        raise Forbidden(_("This page is for staff of that community."))
    row = await Community.select(Community.id, Community.name, Community.formal_name,
                                 Community.office_phone).where(
        Community.id == community_id).first()
    if row is None:
        raise NotFound(_("No such community."))
    return row


def group(cards_: list[Card]) -> list[Group]:
    groups: dict[str, Group] = {}
    for card in cards_:
        m = card.member
        groups.setdefault(m.unit_key, Group(m.unit_key, m.unit_name, m.unit_id)).cards.append(
            card)
    # Registry units and typed ones by name; members without a unit last.
    return sorted(groups.values(), key=lambda g: (g.key == NO_UNIT, g.name))


async def overview(actor: Principal, community_id: int, period: CardPeriod,
                   today: date | None = None) -> dict[str, Any]:
    """Every party member's card for ``period`` by work unit, and the counts of due,
    drafted and sent cards for each tracked period."""
    community = await _community(actor, community_id)
    people = await members(community_id)
    tracked = cards.tracked(today or clock.today())
    stored = await _cards(community_id, tracked)
    counts = {}
    for p in tracked:
        states = [(stored.get(card_key(p, community_id, m.user_id)) or {}).get("status", "due")
                  for m in people]
        counts[p.label] = {s: states.count(s) for s in cards.STATES}
    built = await _build(community, period, people)
    return {"community": community, "period": period, "tracked": tracked, "counts": counts,
            "groups": group(built),
            "totals": {s: sum(1 for c in built if c.state == s) for s in cards.STATES}}


async def _one_member(actor: Principal, user_id: int) -> tuple[dict[str, Any], Member]:
    person = await User.select(User.id, User.community).where(User.id == user_id).first()
    if person is None:
        raise NotFound(_("No such person."))
    community = await _community(actor, int(person["community"]))
    found = await members(int(person["community"]), user_id)
    if not found:
        raise NotFound(_("Service cards are for verified on-the-job party members."))
    return community, found[0]


async def card(actor: Principal, user_id: int, period: CardPeriod) -> Card:
    community, member = await _one_member(actor, user_id)
    return (await _build(community, period, [member]))[0]


async def batch(actor: Principal, community_id: int, period: CardPeriod,
                unit_key: str | None) -> list[Card]:
    """The cards of one work unit (or all), in the order they print: one page each."""
    community = await _community(actor, community_id)
    people = [m for m in await members(community_id) if unit_key in (None, m.unit_key)]
    return await _build(community, period, people)


def _check_note(period: CardPeriod, comment: str, grade: str) -> tuple[str, str]:
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("Please keep this under %(n)s characters.", n=COMMENT_MAX),
                          "comment")
    if period.kind == cards.QUARTER:
        grade = ""
    elif grade and grade not in cards.GRADES:
        raise DomainError(_("Please choose one of the grades."), "grade")
    return comment, grade


async def save(actor: Principal, user_id: int, period: CardPeriod, comment: str,
               grade: str) -> None:
    """The community's comment (and the year's grade): the card is drafted."""
    comment, grade = _check_note(period, comment, grade)
    community, member = await _one_member(actor, user_id)
    key = card_key(period, community["id"], user_id)
    async with db.transaction():
        # Insert-or-nothing, then a conditional update: two staff saving at once never trip
        # the unique key, and a card sent meanwhile is not written over.
        await ServiceCard.insert(ServiceCard(
            key=key, community=community["id"], member=member.user_id,
            period=period.label)).on_conflict(action="DO NOTHING")
        done = await ServiceCard.update({
            ServiceCard.comment: comment, ServiceCard.grade: grade,
            ServiceCard.drafted_by: actor.acting_id, ServiceCard.drafted_at: clock.now(),
        }).where((ServiceCard.key == key) & (ServiceCard.status == "drafted")).returning(
            ServiceCard.id)
        if not done:
            raise Conflict(_("This card has been sent: it can no longer be changed."))


def _ready(card: Card) -> None:
    """Refuse a card that cannot be sent yet, at the field to fill in."""
    if card.state == "sent":
        raise Conflict(_("This card has been sent already."))
    if card.state == "due" or not card.comment:
        raise DomainError(_("Please write the community's comment before sending."),
                          "comment")
    if card.period.kind == cards.YEAR and not card.grade:
        raise DomainError(_("Please choose a grade before sending."), "grade")


async def _mark_sent(actor: Principal, card: Card) -> bool:
    """Inside a transaction. Conditional: of two staff sending at once, one sends."""
    m = card.member
    done = await ServiceCard.update({
        ServiceCard.status: "sent", ServiceCard.figures: card.figures.to_json(),
        ServiceCard.work_unit: m.unit_id, ServiceCard.work_unit_name: m.unit_name[:100],
        ServiceCard.sent_by: actor.acting_id, ServiceCard.sent_at: clock.now(),
    }).where((ServiceCard.id == card.row["id"])  # type: ignore[index]
             & (ServiceCard.status == "drafted")).returning(ServiceCard.id)
    if done:
        await audit.record(actor.acting_id, card.community["id"], "service_card_sent", "user",
                           m.user_id, f"{card.period.label} · {m.unit_name}")
    return bool(done)


async def send(actor: Principal, user_id: int, period: CardPeriod) -> None:
    """Mark the card sent: its figures are stored as they are now, and frozen."""
    community, member = await _one_member(actor, user_id)
    built = (await _build(community, period, [member]))[0]
    _ready(built)
    async with db.transaction():
        if not await _mark_sent(actor, built):
            raise Conflict(_("This card has been sent already."))


async def send_batch(actor: Principal, community_id: int, period: CardPeriod,
                     unit_key: str | None) -> tuple[int, int]:
    """Mark every card of the work unit (or all) that is ready as sent, in one go: how
    many were sent, and how many still wait (no comment, or no grade on a yearly sheet)."""
    built = [c for c in await batch(actor, community_id, period, unit_key) if c.state != "sent"]
    ready = []
    for card in built:
        try:
            _ready(card)
        except DomainError:
            continue
        ready.append(card)
    async with db.transaction():
        sent = sum([await _mark_sent(actor, card) for card in ready])
    return sent, len(built) - sent


# --- the work unit's view -------------------------------------------------------------


def _unit_contact(actor: Principal, unit_id: int) -> None:
    if unit_id not in actor.work_unit_ids and not actor.is_admin:
        raise Forbidden(_("This page is for the contact persons of that work unit."))


_SENT_COLUMNS = (*ServiceCard.all_columns(), ServiceCard.member.display_name,
                 ServiceCard.community.name, ServiceCard.community.formal_name,
                 ServiceCard.community.office_phone, ServiceCard.sent_by.display_name)


def _sent_card(row: dict[str, Any]) -> Card:
    period = cards.parse(row["period"]) or CardPeriod(2000)
    member = Member(int(row["member"]), row["member.display_name"], "",
                    f"u{row['work_unit']}", row["work_unit_name"], row["work_unit"])
    community = {"id": row["community"], "name": row["community.name"],
                 "formal_name": row["community.formal_name"],
                 "office_phone": row["community.office_phone"]}
    return Card(member, community, period, "sent", cards.from_json(row["figures"]), row)


async def unit_cards(actor: Principal, unit_id: int) -> list[Card]:
    """The cards sent to the work unit, newest period first."""
    _unit_contact(actor, unit_id)
    rows = await ServiceCard.select(*_SENT_COLUMNS).where(
        (ServiceCard.work_unit == unit_id) & (ServiceCard.status == "sent")).order_by(
        ServiceCard.sent_at, ascending=False).limit(500)
    found = [_sent_card(r) for r in rows]
    return sorted(found, key=lambda c: (-c.period.first.toordinal(), c.period.kind,
                                        c.member.name))


async def unit_card(actor: Principal, unit_id: int, card_id: int) -> Card:
    _unit_contact(actor, unit_id)
    row = await ServiceCard.select(*_SENT_COLUMNS).where(
        (ServiceCard.id == card_id) & (ServiceCard.work_unit == unit_id)
        & (ServiceCard.status == "sent")).first()
    if row is None:
        raise NotFound(_("No such service card."))
    return _sent_card(row)


# --- CSV ------------------------------------------------------------------------------


def csv_rows(cards_: list[Card]) -> bytes:
    header = [_("Work unit"), _("Name"), _("Party branch"), _("Period"), _("State"),
              _("Confirmed wishes"), _("Hours confirmed by residents"),
              _("Hours confirmed by staff"), _("Hours confirmed automatically"),
              _("Total hours"), _("Activities"), _("Activity points"), _("Ratings"),
              _("Average rating"), _("Grade"), _("Community's comment"), _("Sent")]
    states = {"due": _("Due"), "drafted": _("Drafted"), "sent": _("Sent")}
    rows = []
    for c in cards_:
        f, h = c.figures, c.figures.hours()
        rows.append([c.member.unit_name, c.member.name, c.member.party_branch, c.period.label,
                     states[c.state], f.wishes, h["resident"], h["staff"], h["automatic"],
                     h["total"], f.activities, f.activity_points, f.ratings, f.rating,
                     _(cards.GRADES[c.grade]) if c.grade in cards.GRADES else "", c.comment,
                     c.row["sent_at"] if c.row and c.row["sent_at"] else None])
    return csvfile.document(header, rows)
