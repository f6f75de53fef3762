"""The cast of the authorisation matrix: two communities, every role, and in community A
one object for every unsafe action, made through the real services.

Each wish action gets a wish of its own in the right state (so an allowed actor's request
succeeds and a refused one is refused for who they are, not for the wish's state), and each
action that uses something up (a code, a cashier, a staff appointment) has its own object.
The cast is built twice per run: once for the refusals, once for the allowed actors.
``client_for`` gives each actor a client as a browser would hold it (session and CSRF
cookies).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from litestar import Litestar

from marketplace.accounts import area_staff, helpers, managed, proxies, sessions
from marketplace.accounts.tables import HelperProfile, StaffMembership, WorkUnitContact
from marketplace.activities import service as activities
from marketplace.activities.tables import Activity
from marketplace.care import service as care
from marketplace.clock import LOCAL
from marketplace.community import areas
from marketplace.community.tables import Building, Grid, WorkUnit
from marketplace.ledger import corrections
from marketplace.ledger import service as ledger
from marketplace.principal import Principal
from marketplace.privacy import calendar
from marketplace.privacy import requests as privacy_requests
from marketplace.privacy.tables import CalendarDay
from marketplace.recovery import service as recovery
from marketplace.reports import register, reportback
from marketplace.reports.cards import CardPeriod
from marketplace.rewards import merchants, offers, settlement
from marketplace.rewards import service as rewards
from marketplace.rewards.tables import MerchantMember, RedeemCode
from marketplace.web.auth import SESSION_COOKIE
from marketplace.web.flash import COOKIE as FLASH_COOKIE
from marketplace.wishes import service as wishes
from marketplace.wishes import street
from tests.cast import new_category, new_world, open_wish, session_token
from tests.conftest import World, unique

# Everyone the matrix sends requests as ("anonymous" sends no session cookie).
ANONYMOUS = "anonymous"
A_PEOPLE = ("owner", "neighbour", "helper", "claimer", "staff_a", "merchant", "cashier",
            "admin")
B_PEOPLE = ("staff_b", "resident_b", "helper_b", "merchant_b")
ACTORS = (ANONYMOUS, *A_PEOPLE, *B_PEOPLE)
# Residents of A whom only the cases naming them ask about: a helper and a shop not yet
# verified, the staff member who asked for the adjustments waiting for approval, a
# resident listed as in need (who may withdraw that consent), and a street's staff.
NAMED_ONLY = ("applicant", "hopeful", "requester", "needy", "street_a")

# One wish per wish action, in the state the action starts from (name -> state).
WISHES = {
    "wish_approve": "pending", "wish_reject": "pending",
    "wish_queue_approve": "pending", "wish_queue_reject": "pending",
    "wish_claim": "open", "wish_cancel": "open", "wish_assign": "open",
    "wish_release": "claimed", "wish_fulfil": "claimed", "wish_decline": "assigned",
    "wish_confirm": "fulfilled", "wish_dispute": "fulfilled",
    "wish_resolve_confirm": "disputed", "wish_resolve_reopen": "disputed",
    "api_claim": "open", "api_release": "claimed", "api_fulfil": "claimed",
    "api_confirm": "fulfilled", "api_dispute": "fulfilled",
    "wish_escalate": "open", "wish_send_back": "at_street", "wish_street_assign": "at_street",
}
# Active codes held by the owner, one per action that ends or reads one.
CODES = ("code_cancel", "code_cancel_api", "code_renew", "code_check", "code_redeem",
         "code_redeem_api")


@dataclass
class AuthzCast:
    tokens: dict[str, str]  # actor -> session token (no entry for anonymous)
    values: dict[str, Any]  # names used in the table's URLs and bodies -> ids, logins, codes


async def build() -> AuthzCast:
    a, b = await new_world(unique("Community A ")), await new_world(unique("Community B "))
    people = {
        "owner": await a.person(name=unique("Owner ")),
        "neighbour": await a.person(name=unique("Neighbour ")),
        "helper": await a.person(helper=True, name=unique("Helper ")),
        "claimer": await a.person(helper=True, name=unique("Claimer ")),
        "staff_a": await a.person(staff=True, name=unique("Staff A ")),
        "admin": await a.person(admin=True, name=unique("Admin ")),
        "staff_b": await b.person(staff=True, name=unique("Staff B ")),
        "resident_b": await b.person(name=unique("Resident B ")),
        "helper_b": await b.person(helper=True, name=unique("Helper B ")),
        # Never had a point: no ledger account yet (see HOLES in the matrix).
        "newcomer_b": await b.person(name=unique("Newcomer B ")),
    }
    values: dict[str, Any] = {"community_a": a.community_id, "community_b": b.community_id,
                              "grid_a": a.grid_id}
    values.update(await _places(a))
    values.update(await _people_to_act_on(a, people))
    values.update(await _proxies(a, people))
    values.update(await _areas(a, people))
    values.update(await _wishes(people))
    values.update(await _shop(a, people))
    values.update(await _shop_b(b, people))
    values.update(await _activities(a, b, people))
    values.update(await _pending(a, people))
    values.update(await _reset_codes(a, people))
    values["privacy_request"] = await privacy_requests.submit(
        people["owner"], "question", "What do you keep about me?")
    values.update(await _reportback(a, people))
    values.update(await _work_units(people))
    values.update(await _calendar(people["admin"]))
    transfer = await ledger.award(a.community_id, people["owner"].user_id, 200, "award",
                                  "authz", None, "Points to spend", unique("authz:award:"))
    values["transfer"] = int(transfer["id"])
    # Reading a statement opens a person's ledger account if they have none yet (a write,
    # listed in the matrix's HOLES for newcomer_b); B's resident has points, so the other
    # refused reversal shows the refusal alone.
    await ledger.award(b.community_id, people["resident_b"].user_id, 10, "award", "authz",
                       None, "Welcome points", unique("authz:award:"))
    values.update({f"user_{name}": p.user_id for name, p in people.items()})
    values.update({f"login_{name}": p.login for name, p in people.items()})
    # Names and idempotency keys nobody has used yet (a used key would make the ledger
    # answer with the old transfer and write nothing, whoever asks), and today's date.
    values.update(login_new=unique("new"), community_new=unique("Community "),
                  key_adjust=unique("authz-"), key_give=unique("authz-"),
                  community_renamed=unique("Community "),
                  day_0=datetime.now(UTC).astimezone(LOCAL).date().isoformat())
    tokens = {name: await session_token(p) for name, p in people.items()}
    return AuthzCast(tokens, values)


async def _calendar(admin: Principal) -> dict[str, Any]:
    """A holiday to remove and a free day to enter, decades off: the calendar is the whole
    site's, and no request made now may see its due day move."""
    taken, free = await far_off_days(2)
    await calendar.set_days(admin, taken, None, False, "authz")
    [row] = await CalendarDay.select(CalendarDay.id).where(CalendarDay.day == taken)
    return {"calendar_day": int(row["id"]), "calendar_free": free.isoformat()}


async def far_off_days(count: int) -> list[date]:
    """Days nobody has entered in the calendar, in 2040 and after."""
    used = {r["day"] for r in await CalendarDay.select(CalendarDay.day).where(
        CalendarDay.day >= date(2040, 1, 1))}
    days, day = [], date(2040, 1, 1)
    while len(days) < count:
        if day not in used:
            days.append(day)
        day += timedelta(days=1)
    return days


async def _work_units(people: dict[str, Principal]) -> dict[str, Any]:
    """Registry units without district: one to edit and appoint to, one asked for, one to
    merge away, and a contact appointment to end."""
    ids = {}
    for name, status in (("unit_a", "active"), ("unit_requested", "requested"),
                         ("unit_merge_from", "requested")):
        row = await WorkUnit.insert(WorkUnit(name=unique("单位 "), status=status)).returning(
            WorkUnit.id)
        ids[name] = int(row[0]["id"])
    contact = await WorkUnitContact.insert(WorkUnitContact(
        user=people["neighbour"].user_id, work_unit=ids["unit_a"])).returning(
        WorkUnitContact.id)
    return {**ids, "unit_contact": int(contact[0]["id"]), "unit_new": unique("单位 "),
            "unit_renamed": unique("单位 ")}


async def _places(a: World) -> dict[str, Any]:
    """A grid and a building that are only renamed or archived (nobody lives there)."""
    g = await Grid.insert(Grid(community=a.community_id, name=unique("Grid Z "))).returning(
        Grid.id)
    grid = int(g[0]["id"])
    bld = await Building.insert(Building(grid=grid, name=unique("Building Z "))).returning(
        Building.id)
    return {"grid_spare": grid, "building_spare": int(bld[0]["id"])}


async def _people_to_act_on(a: World, people: dict[str, Principal]) -> dict[str, Any]:
    """Residents whom actions are about: a helper applicant, a spare staff member, two
    residents in need, one to appoint (staff or cashier)."""
    staff = people["staff_a"]
    applicant = people["applicant"] = await a.person(name=unique("Applicant "))
    await helpers.apply_as_helper(applicant, "volunteer", "", "")
    profile = await HelperProfile.select(HelperProfile.id).where(
        HelperProfile.user == applicant.user_id).first()
    spare = await a.person(staff=True, name=unique("Spare staff "))
    membership = await StaffMembership.select(StaffMembership.id).where(
        StaffMembership.user == spare.user_id).first()
    needy, needy2 = await a.person(name=unique("Needy ")), await a.person(name=unique("Needy "))
    people["needy"] = needy
    await care.mark_in_need(staff, needy.user_id, "Lives alone", category="alone", consent="self")
    await care.mark_in_need(staff, needy2.user_id, "Lives alone", category="alone", consent="self")
    candidate = await a.person(name=unique("Candidate "))
    return {"helper_profile": int(profile["id"]), "staff_membership": int(membership["id"]),
            "user_needy": needy.user_id, "user_needy2": needy2.user_id,
            "login_candidate": candidate.login}


async def _proxies(a: World, people: dict[str, Principal]) -> dict[str, Any]:
    """The owner's proxy (no actor of the matrix, so nobody there gains the owner's steps),
    two people to name as proxies, and two staff-managed residents (one with an
    activation code waiting to be used)."""
    owner, staff = people["owner"], people["staff_a"]
    proxy = await a.person(name=unique("Proxy "))
    link = await proxies.add(owner, owner.user_id, proxy.login)
    spare = [await a.person(name=unique("Relative ")) for _n in range(2)]
    made = [await managed.create(staff, managed.ManagedAccount(
        unique("Granny "), a.community_id, a.grid_id, a.building_id)) for _n in range(2)]
    issued = await managed.issue_activation(staff, made[1])
    closable_name = unique("Granny ")  # staff close her account, typing her name
    closable = await managed.create(staff, managed.ManagedAccount(
        closable_name, a.community_id, a.grid_id, a.building_id))
    await ledger.award(a.community_id, made[0], 50, "award", "authz", None, "Points to spend",
                       unique("authz:award:"))
    return {"proxy_link": link, "login_proxy_own": spare[0].login,
            "login_proxy_staff": spare[1].login, "user_managed": made[0],
            "activation_code": issued["code"], "login_activated": unique("gran"),
            "user_closable": closable, "name_closable": closable_name}


async def _areas(a: World, people: dict[str, Principal]) -> dict[str, Any]:
    """Community A under a street of a district; ``street_a`` is that street's staff. A
    spare street and district to rename, appoint to, and an appointment to end."""
    admin = people["admin"]
    district = await areas.create_district(admin, unique("District "), 10)
    street_id = await areas.create_street(admin, district, unique("Street "))
    await areas.place_community(admin, a.community_id, street_id)
    person = await a.person(name=unique("Street staff "))
    await area_staff.appoint(admin, person.user_id, street_id=street_id)
    people["street_a"] = await sessions.load_principal(person.user_id)
    spare = await a.person(name=unique("Spare street staff "))
    membership = await area_staff.appoint(admin, spare.user_id, district_id=district)
    return {"district": district, "street": street_id, "area_membership": membership,
            "login_area_candidate": (await a.person(name=unique("Area candidate "))).login,
            "district_new": unique("District "), "district_renamed": unique("District "),
            "street_new": unique("Street "), "street_renamed": unique("Street ")}


async def _wishes(people: dict[str, Principal]) -> dict[str, Any]:
    owner, staff, claimer = people["owner"], people["staff_a"], people["claimer"]
    category = await new_category(staff)
    spare_category = await new_category(staff)
    ids: dict[str, Any] = {"category": category, "category_spare": spare_category}
    for name, state in WISHES.items():
        if state == "pending":
            ids[name] = await wishes.post_wish(owner, wishes.NewWish(
                category_id=category, title=unique("Fix a tap "),
                description="The kitchen tap drips."))
            continue
        wish_id = ids[name] = await open_wish(owner, staff, category)
        if state == "assigned":
            await wishes.assign(staff, wish_id, claimer.user_id)
        elif state == "at_street":
            await street.escalate(staff, wish_id, "Nobody here can serve it.")
        elif state != "open":
            await wishes.claim(claimer, wish_id)
        if state in ("fulfilled", "disputed"):
            await wishes.fulfil(claimer, wish_id, "Carried both bags.", 30)
        if state == "disputed":
            await wishes.dispute(owner, wish_id, "Only one bag came.")
    return ids


async def _shop(a: World, people: dict[str, Principal]) -> dict[str, Any]:
    """A verified shop of A with its owner, a cashier and a second cashier to remove; an
    offer; active codes; a sale two days ago that is settled and one yesterday that is
    not; and a shop waiting for review."""
    staff, owner = people["staff_a"], people["owner"]
    shopkeeper = await a.person(name=unique("Shopkeeper "))
    merchant_id = await merchants.apply(shopkeeper, merchants.Application(
        unique("Corner shop "), "1 River Road", "8:00–20:00", "13800001111", "Rice, oil"))
    await merchants.review(staff, merchant_id, True)
    shopkeeper = people["merchant"] = await sessions.load_principal(shopkeeper.user_id)
    cashier = people["cashier"] = await a.person(name=unique("Cashier "))
    cashier2 = await a.person(name=unique("Cashier "))
    for person in (cashier, cashier2):
        invite_id = await merchants.add_cashier(shopkeeper, merchant_id, person.login)
        await merchants.answer_invite(person, invite_id, True)
    member2 = await MerchantMember.select(MerchantMember.id).where(
        MerchantMember.key == f"{merchant_id}:{cashier2.user_id}").first()
    offer_id = await offers.create(shopkeeper, merchant_id, offers.OfferInput(
        "Bag of rice", 5, stock=100, limit_count=None, limit_period="month"))
    await ledger.award(a.community_id, owner.user_id, 100, "award", "authz", None,
                       "Welcome points", unique("authz:award:"))
    ids: dict[str, Any] = {"merchant_a": merchant_id, "offer_a": offer_id,
                           "cashier2_member": int(member2["id"])}
    # Invitations not yet answered: one to accept, one to decline, one the owner withdraws.
    # (Not the neighbour for an answer: the logout case ends their session first.)
    for name, invited in (("invite_accept", "helper"), ("invite_decline", "claimer"),
                          ("invite_withdraw", "neighbour")):
        ids[name] = await merchants.add_cashier(shopkeeper, merchant_id, people[invited].login)
    for days_ago in (2, 1):
        sold = await rewards.issue(owner, offer_id)
        await rewards.redeem(shopkeeper, merchant_id, str(sold["code"]))
        at = datetime.now(UTC) - timedelta(days=days_ago)
        await RedeemCode.update({RedeemCode.redeemed_at: at}).where(
            RedeemCode.id == sold["id"])
        ids[f"day_{days_ago}"] = at.astimezone(LOCAL).date().isoformat()
    day = datetime.fromisoformat(ids["day_2"]).date()
    ids["settlement"] = await settlement.close_period(staff, merchant_id, day, day)
    for name in CODES:
        held = await rewards.issue(owner, offer_id)
        ids[name], ids[f"{name}_text"] = int(held["id"]), str(held["code"])
    hopeful = people["hopeful"] = await a.person(name=unique("Hopeful shopkeeper "))
    ids["merchant_pending"] = await merchants.apply(hopeful, merchants.Application(
        unique("Bakery "), "2 River Road", "7:00–19:00", "13800002222", "Bread"))
    return ids


async def _shop_b(b: World, people: dict[str, Principal]) -> dict[str, Any]:
    """A verified shop of community B: its owner is the "merchant of another shop"."""
    keeper = await b.person(name=unique("Shopkeeper B "))
    merchant_id = await merchants.apply(keeper, merchants.Application(
        unique("Shop B "), "9 Hill Road", "8:00–20:00", "13800003333", "Tea"))
    await merchants.review(people["staff_b"], merchant_id, True)
    people["merchant_b"] = await sessions.load_principal(keeper.user_id)
    return {"merchant_b_shop": merchant_id}


async def _activities(a: World, b: World, people: dict[str, Principal]) -> dict[str, Any]:
    """An activity of A today (check-in and attendance are open) and one of B."""
    now = datetime.now(UTC)
    activity = await activities.create(people["staff_a"], a.community_id, "Clean the yard",
                                       "Building 1 gate", now, 5, None)
    code = await Activity.select(Activity.code).where(Activity.id == activity).first()
    activity_b = await activities.create(people["staff_b"], b.community_id, "Plant trees",
                                         "Hill park", now, 5, None)
    return {"activity_a": activity, "activity_code": code["code"], "activity_b": activity_b}


async def _pending(a: World, people: dict[str, Principal]) -> dict[str, Any]:
    """Adjustments above the threshold (200 points) waiting for a second staff member, all
    asked for by ``requester``: the owner's, one per action, and one of staff A's own
    points (which staff A may neither approve nor decline)."""
    requester = people["requester"] = await a.person(staff=True, name=unique("Requester "))
    ids: dict[str, Any] = {}
    for name, member in (("pending_approve", "owner"), ("pending_decline", "owner"),
                         ("pending_withdraw", "owner"), ("pending_own", "staff_a")):
        asked = await corrections.adjust(requester, people[member].user_id, 250, "Paper records",
                                    unique("authz:pending:"))
        ids[name] = int(asked["id"])
    return ids


async def _reset_codes(a: World, people: dict[str, Principal]) -> dict[str, Any]:
    """Valid reset codes of two residents nobody signs in as: one typed, one used."""
    ids: dict[str, Any] = {}
    for name in ("reset_code", "reset_code_set"):
        person = await a.person(name=unique("Forgetful "))
        reset_id = await recovery.issue(people["staff_a"], person.user_id)
        ids[name] = (await recovery.slip(people["staff_a"], person.user_id, reset_id)).code
    return ids


async def _reportback(a: World, people: dict[str, Principal]) -> dict[str, Any]:
    """A party member of A with a drafted service card (quarter 2 of 2026) and a
    statutory certificate in the register."""
    staff = people["staff_a"]
    member = await a.person(helper=True, name=unique("Party member "))
    await HelperProfile.update({HelperProfile.kind: "party_member"}).where(
        HelperProfile.user == member.user_id)
    for quarter in (1, 2):  # quarter 1 is sent with its work unit's, quarter 2 on its own
        await reportback.save(staff, member.user_id, CardPeriod(2026, quarter),
                              "Kind and reliable", "")
    today = datetime.now(UTC).astimezone(LOCAL).date()
    cert = await register.issue(staff, member.user_id, today - timedelta(days=30), today, "",
                                {"id_type": "resident_id", "id_number": "3301**********1234",
                                 "volunteer_number": ""})
    return {"user_member": member.user_id, "certificate_a": cert}


async def client_for(app: Litestar, cast: AuthzCast, actor: str) -> httpx.AsyncClient:
    """A client signed in as ``actor`` (no session for anonymous), with the CSRF cookie."""
    cookies = {SESSION_COOKIE: cast.tokens[actor]} if actor in cast.tokens else {}
    transport = httpx.ASGITransport(app=app, client=(f"10.9.{_number(actor)}.1", 5000))
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver",
                               cookies=cookies)
    (await client.get("/login")).raise_for_status()  # the CSRF cookie, as a page sets it
    return client


@dataclass(frozen=True)
class Ref:
    """A cast value put into a JSON body as it is (an int stays an int)."""

    name: str


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, Ref):
        return values[value.name]
    return value.format(**values) if isinstance(value, str) else value


async def request(client: httpx.AsyncClient, method: str, url: str, values: dict[str, Any],
                  form: dict[str, str], json_body: dict[str, Any] | None) -> httpx.Response:
    """The request a page (or an API client) sends, with the CSRF token; ``{names}`` in
    the URL and the form are filled in from the cast's values."""
    token = client.cookies["csrftoken"]
    if json_body is not None:
        body = {k: _fill(v, values) for k, v in json_body.items()}
        return await client.request(method, url.format(**values), json=body,
                                    headers={"x-csrftoken": token})
    data = {k: _fill(v, values) for k, v in form.items()}
    return await client.request(method, url.format(**values),
                                data={**data, "_csrf_token": token})


def _number(actor: str) -> int:
    return (*ACTORS, *NAMED_ONLY).index(actor)


def flash_kinds(response: httpx.Response) -> list[str]:
    """The kinds of one-shot message a redirect carries ("success", "error")."""
    raw = response.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    body = raw.strip('"').rsplit(".", 1)[0]
    return [kind for kind, _message in json.loads(base64.urlsafe_b64decode(body))]
