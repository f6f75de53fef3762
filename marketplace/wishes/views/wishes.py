"""Wish pages: browse, post (with a photo), the wish page with its actions and timeline.

The pages only parse, call the service and render: the service decides who may do what
to which wish, and the limits of each field come from ``wishes.rules``.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery

from marketplace import images, paging
from marketplace.accounts import proxies
from marketplace.community.views.picker import picked, picker_context
from marketplace.errors import AppError, Conflict, DomainError
from marketplace.i18n import N_, _
from marketplace.principal import Principal
from marketplace.web import auth, confirm
from marketplace.web.forms import Form
from marketplace.web.kept import kept_page
from marketplace.web.params import PathId, query_id, query_text
from marketplace.web.render import is_htmx, page, redirect, refused
from marketplace.web.request import AppRequest
from marketplace.web.templating import age_marks
from marketplace.wishes import queries, rules, service, street, uploads
from marketplace.wishes.rules import Action, Role, State

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
    "escalate": N_("Sent to the street: its staff will look for a helper."),
    "send_back": N_("Sent back to the community with your note."),
}
# Actions that cannot be undone: asked once more first (see marketplace.web.confirm).
ASK_FIRST = {"cancel": N_("Yes, cancel the wish"), "release": N_("Yes, release it")}


async def read_form(request: AppRequest) -> Form:
    """The form, or a polite refusal when the body (a photo) is over the size limit."""
    try:
        return await Form.read(request)
    except DomainError as exc:
        if isinstance(exc.__cause__, RequestEntityTooLarge):
            raise images.too_large("photo") from exc
        raise


class WishController(Controller):
    path = "/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="wish_list")
    async def browse(self, request: AppRequest, grid: FromQuery[str | None] = None,
                     category: FromQuery[str | None] = None, q: FromQuery[str | None] = None,
                     before: FromQuery[str | None] = None) -> Any:
        me = request.principal
        f = queries.ListFilter(me.community_id, query_id(grid, _("Grid")),
                               query_id(category, _("Category")),
                               query_text(q, _("Search")), paging.cursor(before))
        found = await queries.open_wishes(f)
        # The filter form needs only this community's grids (not every place's buildings).
        grid_options, category_options = await queries.filter_options(me.community_id)
        chosen = {"grid": str(f.grid_id or ""), "category": str(f.category_id or "")}
        # The page people open most: kept whole while its reads and each card's age as
        # shown (`marks`) come back the same (web/kept.py).
        return kept_page(request, "wishes/list.html", "wishes/_list.html", rows=found.rows,
                         marks=age_marks(found.rows), next_cursor=found.next_before,
                         filters=f, chosen=chosen, grid_options=grid_options,
                         category_options=category_options)

    @get("/mine", name="my_wishes")
    async def mine(self, request: AppRequest, who: FromQuery[str | None] = None) -> Any:
        me = request.principal
        # ?who=: the wishes of someone one acts for (a proxy, staff for a managed account).
        acting = await proxies.act_for(me, query_id(who, _("Person")) or me.user_id)
        return page(request, "wishes/mine.html", owned=await queries.owned_by(acting.user_id),
                    claimed=await queries.claimed_by(me.user_id) if acting is me else [],
                    acting=acting)

    async def _form(self, request: AppRequest, values: dict[str, str],
                    errors: dict[str, str], status_code: int = 200,
                    who: int | None = None) -> Any:
        # Posting for someone (a proxy, staff for a managed account): their categories.
        acting = await proxies.act_for(request.principal, who or request.principal.user_id)
        cats = await service.categories(acting.community_id)
        return page(request, "wishes/new.html", "wishes/_form.html", status_code=status_code,
                    categories=cats, category_options=[(c["id"], c["name"]) for c in cats],
                    values=values, errors=errors, acting=acting,
                    acts_for=await proxies.acts_for(request.principal))

    @get("/new", name="new_wish")
    async def new(self, request: AppRequest, who: FromQuery[str | None] = None,
                  again: FromQuery[str | None] = None) -> Any:
        """The form; ``?again=<id>``: filled from a wish that was not accepted or was
        withdrawn, to post it again changed."""
        again_id = query_id(again, _("Wish"))
        if again_id is None:
            return await self._form(request, {}, {}, who=query_id(who, _("Person")))
        try:
            values, owner = await service.repost_values(request.principal, again_id)
        except DomainError as exc:
            return redirect(request, f"/wishes/{again_id}", exc.message, "error")
        me = request.principal.user_id
        return await self._form(request, values, {}, who=owner if owner != me else None)

    @post("/new", request_max_body_size=uploads.max_body_bytes())
    async def create(self, request: AppRequest) -> Any:
        me = request.principal
        form, photo, who = Form({}), "", None
        try:
            form = await read_form(request)
            who = form.id("who", required=False, label=_("Person"))
            if problems := _problems(form):  # every such problem at once, not one by one
                return await self._form(request, form.values(), problems, refused(request),
                                        who)
            owner_id = who or await service.owner_by_login(
                me, form.str("owner_login", max_length=64))
            new = _new_wish(form)
            new.photo = photo = await uploads.save(form.file("photo"))
            wish_id = await service.post_wish(me, new, owner_id=owner_id)
        except AppError as exc:
            uploads.remove(photo)  # refused: the photo belongs to no wish
            if not isinstance(exc, DomainError):
                raise
            return await self._form(request, form.values(), {exc.field or "form": exc.message},
                                    refused(request, exc), who)
        if owner_id not in (None, me.user_id):
            return redirect(request, f"/wishes/{wish_id}",
                            _("The wish is posted for them. Community staff will review it "
                              "soon."))
        return redirect(request, f"/wishes/{wish_id}",
                        _("Your wish is posted. Community staff will review it soon."))

    @get("/{wish_id:int}", name="wish_detail")
    async def detail(self, request: AppRequest, wish_id: PathId) -> Any:
        return await _detail(request, wish_id)

    @post("/{wish_id:int}/{action:str}", name="wish_action",
          request_max_body_size=uploads.max_body_bytes())
    async def act(self, request: AppRequest, wish_id: PathId, action: FromPath[str]) -> Any:
        me = request.principal
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
            if action == "claim" and isinstance(exc, Conflict):
                return _claim_lost(request, exc.message)
            return await _detail(request, wish_id, error=exc.message, values=form.values(),
                                 field=exc.field, status_code=refused(request, exc),
                                 **await picker_context(exc, helpers_only=True))
        return redirect(request, f"/wishes/{wish_id}", _(MESSAGES[action]))


def _claim_lost(request: AppRequest, message: str) -> Any:
    """Someone else was quicker (in a claim storm, nearly everyone): a card's htmx form
    gets the reason in place of its button, a plain form goes to the list of open wishes
    with it (a winner goes to the wish). Never the whole wish page: losers are answered in
    a fraction of its time."""
    if is_htmx(request):
        return page(request, "wishes/_claim_lost.html", message=message)
    return redirect(request, "/wishes", message, "error")


async def _question(me: Principal, wish_id: int, action: str) -> str | None:
    """The question to ask, or None when the action is not allowed (it then fails as usual)."""
    wish, roles = await service.visible(me, wish_id)
    if Action(action) not in rules.buttons(State(wish["status"]), roles, service.at_street(wish)):
        return None
    if action == "cancel":
        return _("Cancel the wish “%(title)s”?", title=wish["title"])
    if Role.CLAIMER not in roles:  # staff take it back from the helper: not "your claim"
        return _("Take “%(title)s” back from the helper? It becomes open for other helpers.",
                 title=wish["title"])
    return _("Release your claim on “%(title)s”? It becomes open for other helpers.",
             title=wish["title"])


def _problems(form: Form) -> dict[str, str]:
    """What the new-wish form cannot use, by field: empty, unusable or too long."""
    texts, refused_text = {}, {}
    for name, multiline in (("title", False), ("description", True)):
        try:
            texts[name] = form.str(name, multiline=multiline)
        except DomainError as exc:
            texts[name], refused_text[name] = "", exc.message
    errors = {**service.text_problems(texts["title"], texts["description"]), **refused_text}
    try:
        form.id("category", label=_("Category"))
    except DomainError as exc:
        errors["category"] = exc.message
    return errors


def _new_wish(form: Form) -> service.NewWish:
    wished_by = form.date("wished_by")
    # Title and description are not cut here: too long is refused by the service.
    return service.NewWish(category_id=form.id("category", label=_("Category")) or 0,
                           title=form.str("title"),
                           description=form.str("description", multiline=True),
                           wished_by=wished_by)


async def _fulfil(me: Principal, wish_id: int, form: Form) -> None:
    minutes = rules.minutes_spent(form.str("hours", max_length=32))
    photo = await uploads.save(form.file("photo"))
    try:
        await service.fulfil(me, wish_id, form.str("note", multiline=True), minutes, photo)
    except Exception:
        uploads.remove(photo)
        raise


async def _perform(me: Principal, wish_id: int, action: str, form: Form) -> None:
    """One wish action: parse its fields, call the service (which checks who may)."""
    # The service keeps up to its limit (rules.NOTE_MAX/REASON_MAX).
    note = form.str("note", multiline=True)
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
        await service.confirm(me, wish_id, rating, form.str("comment"))
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
        among = await street.picker_scope(me, wish_id)  # NotFound unless they may see it
        helper = await picked(form, me, None, helpers_only=True, among=among)
        await service.assign(me, wish_id, helper)
    elif action == "escalate":
        await street.escalate(me, wish_id, note)
    elif action == "send_back":
        await street.send_back(me, wish_id, note)


async def _detail(request: AppRequest, wish_id: int, error: str | None = None,
                  values: dict[str, str] | None = None, field: str | None = None,
                  status_code: int = 200, **picker: Any) -> Any:
    d = await service.detail(request.principal, wish_id)  # NotFound unless they may see it
    return page(request, "wishes/detail.html", status_code=status_code, wish=d.wish,
                roles=d.roles, actions=d.actions, events=d.history, helpers=d.helpers,
                contact=d.contact, team_max=d.team_max, error=error, field=field,
                values=values or {}, **picker)
