"""Wish pages: browse, post, the wish page with its actions and timeline, staff queues."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from marketplace.accounts.roles import Principal
from marketplace.accounts.tables import User
from marketplace.community import service as community
from marketplace.errors import DomainError, Forbidden
from marketplace.i18n import N_, _
from marketplace.web import auth
from marketplace.web.forms import Form, parse_int
from marketplace.web.render import is_htmx, page, redirect
from marketplace.wishes import queries, service
from marketplace.wishes.rules import Action, Role, State, allowed_actions
from marketplace.wishes.tables import Wish

MESSAGES = {
    "claim": N_("You claimed this wish. The resident's contact details are now shown to you."),
    "release": N_("You released the wish; it is open for other helpers again."),
    "fulfil": N_("Thank you! The resident has been asked to confirm."),
    "confirm": N_("Confirmed. The helper's points have been paid."),
    "dispute": N_("Staff have been asked to look at this wish."),
    "cancel": N_("The wish has been cancelled."),
    "approve": N_("Approved: helpers can now see and claim this wish."),
    "reject": N_("Rejected; the resident will see your reason."),
    "resolve_confirm": N_("Resolved: confirmed and paid."),
    "resolve_reopen": N_("Resolved: the wish is open again."),
    "assign": N_("The helper has been assigned."),
}


def _parse_date(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise DomainError(_("Please enter the date as YYYY-MM-DD."), "wished_by") from exc


class WishController(Controller):
    path = "/wishes"
    guards = [auth.login_required]

    @get("/", name="wish_list")
    async def browse(self, request: Request, grid: FromQuery[str | None] = None,
                     category: FromQuery[str | None] = None, q: FromQuery[str | None] = None,
                     before: FromQuery[str | None] = None) -> Any:
        me = auth.require_user(request)
        f = queries.ListFilter(me.community_id, parse_int(grid), parse_int(category),
                               (q or "")[:80], parse_int(before))
        rows, next_cursor = await queries.open_wishes(f)
        places = await community.places(me.community_id)
        cats = await service.categories(me.community_id)
        return page(request, "wishes/list.html", "wishes/_list.html", rows=rows,
                    next_cursor=next_cursor, filters=f, places=places, categories=cats)

    @get("/mine", name="my_wishes")
    async def mine(self, request: Request) -> Any:
        me = auth.require_user(request)
        return page(request, "wishes/mine.html", owned=await queries.owned_by(me.user_id),
                    claimed=await queries.claimed_by(me.user_id))

    async def _form(self, request: Request, me: Principal, values: dict[str, str],
                    errors: dict[str, str], status_code: int = 200) -> Any:
        cats = await service.categories(me.community_id)
        return page(request, "wishes/new.html", "wishes/_form.html", status_code=status_code,
                    categories=cats, values=values, errors=errors)

    @get("/new", name="new_wish")
    async def new(self, request: Request) -> Any:
        me = auth.require_user(request)
        return await self._form(request, me, {}, {})

    @post("/new")
    async def create(self, request: Request) -> Any:
        me = auth.require_user(request)
        form = await Form.read(request)
        try:
            owner_id = None
            on_behalf = form.str("owner_login", max_length=64).strip().lower()
            if on_behalf:
                owner = await User.select(User.id).where(User.login == on_behalf).first()
                if owner is None:
                    raise DomainError(_("No resident has that login."), "owner_login")
                owner_id = int(owner["id"])
            wish_id = await service.post_wish(me, service.NewWish(
                category_id=form.int("category", label=_("Category")) or 0,
                title=form.str("title", max_length=200),
                description=form.str("description", max_length=4000),
                wished_by=_parse_date(form.str("wished_by", max_length=20)),
            ), owner_id=owner_id)
        except DomainError as exc:
            return await self._form(request, me, form.values(), {exc.field or "form": exc.message})
        return redirect(request, f"/wishes/{wish_id}",
                        _("Your wish is posted. Community staff will review it soon."))

    @get("/{wish_id:int}", name="wish_detail")
    async def detail(self, request: Request, wish_id: FromPath[int]) -> Any:
        me = auth.require_user(request)
        return await _detail(request, me, wish_id)

    @post("/{wish_id:int}/{action:str}", name="wish_action")
    async def act(self, request: Request, wish_id: FromPath[int], action: FromPath[str]) -> Any:
        me = auth.require_user(request)
        if action not in MESSAGES:
            raise NotFoundException()
        form = await Form.read(request)
        try:
            await _perform(me, wish_id, action, form)
        except DomainError as exc:
            if is_htmx(request):
                # From a list card: go back to the refreshed list with the reason shown.
                return redirect(request, request.headers.get("hx-current-url", "/wishes"),
                                exc.message, "error")
            return await _detail(request, me, wish_id, error=exc.message, values=form.values())
        return redirect(request, f"/wishes/{wish_id}", _(MESSAGES[action]))


async def _perform(me: Principal, wish_id: int, action: str, form: Form) -> None:
    note = form.str("note", max_length=500)
    if action == "claim":
        await service.claim(me, wish_id)
    elif action == "release":
        await service.release(me, wish_id, note)
    elif action == "fulfil":
        hours = form.str("hours", max_length=10).strip() or "0"
        try:
            minutes = round(float(hours) * 60)
        except ValueError as exc:
            raise DomainError(_("Hours spent must be a number, e.g. 1.5."), "hours") from exc
        await service.fulfil(me, wish_id, note, minutes)
    elif action == "confirm":
        rating = form.int("rating", required=False, label=_("Rating"), minimum=1, maximum=5)
        await service.confirm(me, wish_id, rating, form.str("comment", max_length=300))
    elif action == "dispute":
        await service.dispute(me, wish_id, note)
    elif action == "cancel":
        await service.cancel(me, wish_id, note)
    elif action == "approve":
        points = form.int("points", required=False, label=_("Points"))
        await service.review(me, wish_id, True, points)
    elif action == "reject":
        await service.review(me, wish_id, False, reason=note)
    elif action in ("resolve_confirm", "resolve_reopen"):
        await service.resolve(me, wish_id, action == "resolve_confirm", note)
    elif action == "assign":
        helper = form.str("helper_login", max_length=64).strip().lower()
        row = await User.select(User.id).where(User.login == helper).first()
        if row is None:
            raise DomainError(_("No helper has that login."), "helper_login")
        await service.assign(me, wish_id, int(row["id"]))


async def _detail(request: Request, me: Principal, wish_id: int, error: str | None = None,
                  values: dict[str, str] | None = None) -> Any:
    wish = await Wish.select(
        Wish.all_columns(), Wish.owner.display_name, Wish.owner.phone, Wish.owner.address,
        Wish.posted_by.display_name, Wish.category.name, Wish.grid.name, Wish.building.name,
    ).where(Wish.id == wish_id).first()
    if wish is None:
        raise NotFoundException()
    roles = await service.roles_for(me, wish)
    if not service.can_see(me, wish, roles):
        raise Forbidden(_("This wish is not visible to you."))
    # Privacy: exact address and phone only for the claimer(s) and staff.
    show_contact = bool(roles & {Role.CLAIMER, Role.STAFF})
    actions = [a.value for a in allowed_actions(State(wish["status"]), roles)
               if a not in (Action.LAPSE, Action.AUTO_CONFIRM, Action.EXPIRE)]
    events = await service.history(wish_id)
    for current, following in zip(events, [*events[1:], None], strict=True):
        end = following["at"] if following else None
        current["stage_seconds"] = (
            int((end - current["at"]).total_seconds()) if end else None)
    claimers = await User.select(User.display_name).where(
        User.id.is_in(await service.active_claimers(wish_id) or [0]))
    return page(request, "wishes/detail.html", status_code=200, wish=wish, roles=roles,
                actions=actions, events=events, claimers=claimers, show_contact=show_contact,
                error=error, values=values or {})


class StaffWishController(Controller):
    path = "/staff/wishes"
    guards = [auth.staff_required]

    @get("/", name="staff_wishes")
    async def queues(self, request: Request, community_id: FromQuery[int | None] = None) -> Any:
        me = auth.require_staff(request)
        cid = community_id or (min(me.staff_community_ids) if me.staff_community_ids
                               else me.community_id)
        auth.require_staff(request, cid)
        return page(request, "wishes/staff.html",
                    pending=await queries.staff_queue(cid, "pending"),
                    disputed=await queries.staff_queue(cid, "disputed"),
                    escalated=await queries.escalated(cid),
                    categories=await service.categories(cid, active_only=False),
                    community_id=cid, errors={}, values={})

    @post("/categories", name="add_category")
    async def add_category(self, request: Request) -> Any:
        me = auth.require_staff(request)
        form = await Form.read(request)
        try:
            cid = form.int("community_id", label="community") or 0
            await service.add_category(me, cid, form.str("name", max_length=100),
                                       form.int("points", label=_("Points")) or 0)
        except DomainError as exc:
            return redirect(request, "/staff/wishes", exc.message, "error")
        return redirect(request, "/staff/wishes", _("Category added."))

    @post("/categories/{category_id:int}/toggle", name="toggle_category")
    async def toggle(self, request: Request, category_id: FromPath[int]) -> Any:
        me = auth.require_staff(request)
        await service.toggle_category(me, category_id)
        return redirect(request, "/staff/wishes", _("Category updated."))
