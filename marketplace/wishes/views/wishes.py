"""Wish pages: browse, post (with a photo), the wish page with its actions and timeline."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery

from marketplace.accounts.tables import User
from marketplace.community import service as community
from marketplace.errors import DomainError
from marketplace.i18n import N_, _
from marketplace.principal import Principal
from marketplace.web import auth, confirm
from marketplace.web.forms import Form, parse_int
from marketplace.web.params import PathId
from marketplace.web.render import is_htmx, page, redirect, refused
from marketplace.wishes import core, queries, service, uploads
from marketplace.wishes.rules import Action, Role, State, allowed_actions
from marketplace.wishes.tables import Wish

MESSAGES = {
    "claim": N_("You claimed this wish. The resident's contact details are now shown to you."),
    "release": N_("You released the wish; it is open for other helpers again."),
    "decline": N_("You declined the wish; staff will find another helper."),
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
# Moves nobody chooses from a button: timers do them, or another button covers them.
NO_BUTTON = (Action.LAPSE, Action.AUTO_CONFIRM, Action.EXPIRE, Action.LEAVE)


def _parse_date(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise DomainError(_("Please enter the date as YYYY-MM-DD."), "wished_by") from exc


async def read_form(request: Request) -> Form:
    """The form, or a polite refusal when the body (a photo) is over the size limit."""
    try:
        return await Form.read(request)
    except DomainError as exc:
        if isinstance(exc.__cause__, RequestEntityTooLarge):
            limit = uploads.max_body_bytes() // (1024 * 1024)
            raise DomainError(_("The photo is too large: at most %(n)s MB, please.",
                                n=limit - 1), "photo") from exc
        raise


class WishController(Controller):
    path = "/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    guards = [auth.login_required]

    @get("/", name="wish_list")
    async def browse(self, request: Request, grid: FromQuery[str | None] = None,
                     category: FromQuery[str | None] = None, q: FromQuery[str | None] = None,
                     before: FromQuery[str | None] = None) -> Any:
        me = auth.require_user(request)
        f = queries.ListFilter(me.community_id, parse_int(grid), parse_int(category),
                               (q or "")[:80], parse_int(before))
        rows, next_cursor = await queries.open_wishes(f)
        # The filter form needs only this community's grids (not every place's buildings).
        grids = await community.grids(me.community_id)
        cats = await service.categories(me.community_id)
        return page(request, "wishes/list.html", "wishes/_list.html", rows=rows,
                    next_cursor=next_cursor, filters=f, grids=grids, categories=cats)

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

    @post("/new", request_max_body_size=uploads.max_body_bytes())
    async def create(self, request: Request) -> Any:
        me = auth.require_user(request)
        form, photo = Form({}), ""
        try:
            form = await read_form(request)
            if missing := _missing(form):  # every missing field at once, not one by one
                return await self._form(request, me, form.values(), missing, refused(request))
            owner_id = await _owner_by_login(form.str("owner_login", max_length=64))
            new = service.NewWish(
                category_id=form.int("category", label=_("Category")) or 0,
                title=form.str("title", max_length=200),
                description=form.str("description", max_length=4000),
                wished_by=_parse_date(form.str("wished_by", max_length=20)),
            )
            new.photo = photo = await uploads.save(form.file("photo"))
            wish_id = await service.post_wish(me, new, owner_id=owner_id)
        except DomainError as exc:
            uploads.remove(photo)
            return await self._form(request, me, form.values(), {exc.field or "form": exc.message},
                                    refused(request, exc))
        return redirect(request, f"/wishes/{wish_id}",
                        _("Your wish is posted. Community staff will review it soon."))

    @get("/{wish_id:int}", name="wish_detail")
    async def detail(self, request: Request, wish_id: PathId) -> Any:
        me = auth.require_user(request)
        return await _detail(request, me, wish_id)

    @post("/{wish_id:int}/{action:str}", name="wish_action",
          request_max_body_size=uploads.max_body_bytes())
    async def act(self, request: Request, wish_id: PathId, action: FromPath[str]) -> Any:
        me = auth.require_user(request)
        if action not in MESSAGES:
            raise NotFoundException()
        form = Form({})
        try:
            form = await read_form(request)
            if action in ASK_FIRST and not confirm.confirmed(form):
                question = await _question(me, wish_id, action)
                if question:
                    return confirm.ask(request, action=f"/wishes/{wish_id}/{action}",
                                       question=question, button=_(ASK_FIRST[action]),
                                       back=f"/wishes/{wish_id}")
            await _perform(me, wish_id, action, form)
        except DomainError as exc:
            if is_htmx(request) and action == "claim":
                # From a list card: go back to the refreshed list with the reason shown.
                return redirect(request, request.headers.get("hx-current-url", "/wishes"),
                                exc.message, "error")
            return await _detail(request, me, wish_id, error=exc.message,
                                 values=form.values(), field=exc.field,
                                 status_code=refused(request, exc))
        return redirect(request, f"/wishes/{wish_id}", _(MESSAGES[action]))


# Actions that cannot be undone: asked once more first (see marketplace.web.confirm).
ASK_FIRST = {"cancel": N_("Yes, cancel the wish"), "release": N_("Yes, release it")}


async def _question(me: Principal, wish_id: int, action: str) -> str | None:
    """The question to ask, or None when the action is not allowed (it then fails as usual)."""
    wish, roles = await core.visible(me, wish_id)
    if Action(action) not in allowed_actions(State(wish["status"]), roles):
        return None
    if action == "cancel":
        return _("Cancel the wish “%(title)s”?", title=wish["title"])
    return _("Release your claim on “%(title)s”? It becomes open for other helpers.",
             title=wish["title"])


def _missing(form: Form) -> dict[str, str]:
    """The required fields of the new-wish form that are empty or unusable."""
    errors: dict[str, str] = {}
    if problem := service.title_problem(form.str("title", max_length=200)):
        errors["title"] = problem
    try:
        form.int("category", label=_("Category"))
    except DomainError as exc:
        errors["category"] = exc.message
    return errors


async def _owner_by_login(login: str) -> int | None:
    login = login.strip().lower()
    if not login:
        return None
    owner = await User.select(User.id).where(User.login == login).first()
    if owner is None:
        raise DomainError(_("No resident has that login."), "owner_login")
    return int(owner["id"])


def _minutes(raw: str) -> int:
    try:
        return round(float(raw.strip() or "0") * 60)
    except (ValueError, OverflowError) as exc:  # "abc", "nan", "inf"
        raise DomainError(_("Hours spent must be a number, e.g. 1.5."), "hours") from exc


async def _fulfil(me: Principal, wish_id: int, form: Form) -> None:
    minutes = _minutes(form.str("hours", max_length=10))
    photo = await uploads.save(form.file("photo"))
    try:
        await service.fulfil(me, wish_id, form.str("note", max_length=500), minutes, photo)
    except Exception:
        uploads.remove(photo)
        raise


async def _perform(me: Principal, wish_id: int, action: str, form: Form) -> None:
    note = form.str("note", max_length=500)
    if action == "claim":
        await service.claim(me, wish_id)
    elif action == "release":
        await service.release(me, wish_id, note)
    elif action == "decline":
        await service.decline(me, wish_id, note)
    elif action == "fulfil":
        await _fulfil(me, wish_id, form)
    elif action == "confirm":
        rating = form.int("rating", required=False, label=_("Rating"), minimum=1, maximum=5)
        await service.confirm(me, wish_id, rating, form.str("comment", max_length=300))
    elif action == "dispute":
        await service.dispute(me, wish_id, note)
    elif action == "cancel":
        await service.cancel(me, wish_id, note)
    elif action == "approve":
        points = form.int("points", required=False, label=_("Points"))
        team = form.int("team_size", required=False, label=_("Helpers needed"))
        await service.review(me, wish_id, True, points, team_size=team)
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
                  values: dict[str, str] | None = None, field: str | None = None,
                  status_code: int = 200) -> Any:
    _wish, roles = await core.visible(me, wish_id)  # NotFound unless this person may see it
    wish = await Wish.select(
        Wish.all_columns(), Wish.owner.display_name, Wish.owner.phone, Wish.owner.address,
        Wish.posted_by.display_name, Wish.category.name, Wish.grid.name, Wish.building.name,
    ).where(Wish.id == wish_id).first()
    # Privacy: exact address and phone only for the claimer(s) and staff.
    show_contact = bool(roles & {Role.CLAIMER, Role.STAFF})
    actions = [a.value for a in allowed_actions(State(wish["status"]), roles)
               if a not in NO_BUTTON]
    events = await service.history(wish_id)
    for current, following in zip(events, [*events[1:], None], strict=True):
        end = following["at"] if following else None
        current["stage_seconds"] = (
            int((end - current["at"]).total_seconds()) if end else None)
    claimers = await User.select(User.display_name).where(
        User.id.is_in(await service.active_claimers(wish_id) or [0]))
    team_max = (await core.community_of(wish))["team_size_max"]
    return page(request, "wishes/detail.html", status_code=status_code, wish=wish, roles=roles,
                actions=actions, events=events, claimers=claimers, show_contact=show_contact,
                error=error, field=field, values=values or {}, team_max=team_max)
