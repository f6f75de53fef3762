"""Members for staff: the searchable list, one member's page, and the person picker's
suggestions (every staff form that names a person uses them).

The lists of other domains (who is in need, a helper's open claims, wishes, points) are
gathered here, on the page, so the accounts service stays alone.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace import paging
from marketplace.accounts import managed, members
from marketplace.activities.views import staff_community
from marketplace.care import service as care
from marketplace.community import service as places
from marketplace.community.views.picker import with_claims
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.ledger import service as ledger
from marketplace.privacy import access, exports
from marketplace.privacy.views import access as access_views
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id, query_text
from marketplace.web.render import page, redirect, refused
from marketplace.web.request import AppRequest
from marketplace.wishes import queries as wish_queries

WISHES_SHOWN = 10


def role_choices() -> list[tuple[str, str]]:
    return [("helper", _("Verified helpers")), ("staff", _("Staff")),
            ("admin", _("Administrators"))]


def helper_choices() -> list[tuple[str, str]]:
    return [("none", _("Not registered as helper")), ("pending", _("Waiting for review")),
            ("verified", _("Verified")), ("declined", _("Declined"))]


async def _in_need_ids(community_id: int) -> frozenset[int]:
    return frozenset(int(r["user"]) for r in await care.in_need(community_id))


class MemberController(Controller):
    path = "/staff/members"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="staff_members")
    async def index(self, request: AppRequest, q: FromQuery[str | None] = None,
                    community: FromQuery[str | None] = None,
                    grid: FromQuery[str | None] = None,
                    building: FromQuery[str | None] = None,
                    role: FromQuery[str | None] = None,
                    helper: FromQuery[str | None] = None,
                    in_need: FromQuery[str | None] = None,
                    before: FromQuery[str | None] = None) -> Any:
        me = request.principal
        community_id = staff_community(me, query_id(community, _("Community")))
        wanted_role = query_text(role) if query_text(role) in members.ROLES else ""
        status = query_text(helper) if query_text(helper) in members.HELPER_STATUSES else ""
        needy = query_text(in_need) == "1"
        f = members.MemberFilter(
            community_id=community_id, text=query_text(q, _("Search"))[:members.SEARCH_MAX],
            grid_id=query_id(grid, _("Grid")), building_id=query_id(building, _("Building")),
            role=wanted_role, helper_status=status, before=paging.cursor(before),
            only_ids=await _in_need_ids(community_id) if needy else None)
        found = await members.search(me, f)
        in_need_now = await _in_need_ids(community_id)
        values = {"q": f.text, "community": str(community_id),
                  "grid": str(f.grid_id or ""), "building": str(f.building_id or ""),
                  "role": f.role, "helper": f.helper_status, "in_need": "1" if needy else ""}
        structure = await places.structure(me, community_id)
        return page(request, "community/members.html", "community/_members.html",
                    rows=found.rows, cursor=found.next_before, values=values,
                    query=urlencode(values), in_need=in_need_now, community=structure,
                    communities=await places.managed_by(me), roles=role_choices(),
                    helper_statuses=helper_choices())

    @get("/pick", name="staff_members_pick")
    async def pick(self, request: AppRequest, community: FromQuery[str | None] = None,
                   person: FromQuery[str | None] = None,
                   helpers: FromQuery[str | None] = None,
                   anywhere: FromQuery[str | None] = None) -> Any:
        """The picker's suggestions (htmx swaps them under the input as it is typed)."""
        me = request.principal
        # anywhere=1: people of every community (administrators only, see members.pick).
        community_id = None if query_text(anywhere) == "1" else staff_community(
            me, query_id(community, _("Community")))
        helpers_only = query_text(helpers) == "1"
        choices = await members.pick(me, community_id, query_text(person),
                                     helpers_only=helpers_only)
        return page(request, "_picker_choices.html", "_picker_choices.html",
                    picker_choices=await with_claims(choices, helpers_only),
                    picker_helpers=helpers_only)

    @get("/{user_id:int}", name="staff_member")
    async def show(self, request: AppRequest, user_id: PathId) -> Any:
        return await _member_page(request, user_id)

    @post("/{user_id:int}/profile", name="staff_member_correct")
    async def correct(self, request: AppRequest, user_id: PathId) -> Any:
        """Staff correct a managed resident's details (PIPL Art. 46), audited."""
        form = await Form.read(request)
        try:
            changed = await managed.correct(request.principal, user_id, managed.Correction(
                display_name=form.str("display_name", max_length=200),
                phone=form.str("phone", max_length=100),
                address=form.str("address", max_length=500),
                grid_id=form.id("grid", required=False, label=_("Grid")),
                building_id=form.id("building", required=False, label=_("Building"))))
        except DomainError as exc:
            return await _member_page(request, user_id, form.values(),
                                      {exc.field or "profile_form": exc.message},
                                      refused(request, exc))
        return redirect(request, f"/staff/members/{user_id}",
                        _("The details are corrected.") if changed
                        else _("Nothing was changed."))


async def _member_page(request: AppRequest, user_id: int, values: dict[str, str] | None = None,
                       errors: dict[str, str] | None = None, status_code: int = 200) -> Any:
    me = request.principal
    # staff of the member's community only; the contact shown is recorded
    person = await access.member(me, user_id)
    community_id = int(person["community.id"])
    in_need = [r for r in await care.in_need(community_id) if r["user"] == user_id]
    owned = await wish_queries.owned_by(user_id)
    claimed = await wish_queries.claimed_by(user_id)
    kept = person["managed_by_staff"] and me.agent_id is None
    return page(request, "community/member.html", status_code=status_code, person=person,
                in_need=in_need[0] if in_need else None,
                owned=owned[:WISHES_SHOWN], owned_more=len(owned) > WISHES_SHOWN,
                claimed=claimed[:WISHES_SHOWN], balance=await ledger.balance(user_id),
                community_id=community_id, errors=errors or {}, values=values or {},
                places=await places.places(community_id) if kept else [],
                my_data=await exports.latest(me, user_id) if kept else None,
                contact_views=await access_views.contact_views(
                    me, user_id, url=f"/staff/members/{user_id}/contact-views"))
