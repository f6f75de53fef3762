"""Sign-in, registration, profile, helper applications and the staff helper queue."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromQuery

from marketplace import settings
from marketplace.accounts import helpers, proxies, service, sessions
from marketplace.community import registry
from marketplace.community import service as places_service
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.privacy import consents, exports
from marketplace.privacy.views import me as privacy_me
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id, query_text
from marketplace.web.render import current_page, next_path, page, redirect, refused, safe_path
from marketplace.web.request import AppRequest


def _client_ip(request: AppRequest) -> str:
    client = request.client
    return client.host if client else "unknown"


def _set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        auth.SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.get().cookie_secure,
        max_age=settings.get().session_absolute_hours * 3600,
        path="/",
    )


def _signed_in(request: AppRequest, signed: sessions.SignedIn, to: str,
               message: str) -> Response:
    response = redirect(request, to, message)
    _set_session_cookie(response, signed.token)
    # OWASP device cookie: this browser is known to this login from now on.
    response.set_cookie(sessions.DEVICE_COOKIE, signed.device, httponly=True,
                        samesite="lax", secure=settings.get().cookie_secure,
                        max_age=sessions.DEVICE_COOKIE_DAYS * 86400, path="/")
    return response


class AccountController(Controller):
    @get("/login", name="login")
    async def login_form(self, request: AppRequest, next: FromQuery[str | None] = None) -> Any:
        return page(request, "accounts/login.html", values={}, next=safe_path(next), error=None)

    @post("/login")
    async def login(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        nxt = next_path(form)
        try:
            signed = await sessions.sign_in(
                form.str("login", max_length=64), form.str("password", max_length=256),
                _client_ip(request), request.headers.get("user-agent", ""),
                request.cookies.get(auth.SESSION_COOKIE),
                request.cookies.get(sessions.DEVICE_COOKIE),
            )
        except DomainError as exc:
            status = refused(request, exc)
            if status != 200 and isinstance(exc, sessions.Throttled):
                status = 429  # htmx still gets 200: it swaps only 2xx answers
            return page(request, "accounts/login.html", "accounts/_login_form.html",
                        status_code=status, values={"login": form.str("login", max_length=64)},
                        next=nxt, error=exc.message)
        return _signed_in(request, signed, nxt,
                          _("Welcome, %(name)s.", name=signed.principal.display_name))

    @post("/logout", name="logout")
    async def logout(self, request: AppRequest) -> Any:
        token = request.cookies.get(auth.SESSION_COOKIE)
        if token:
            await sessions.end_session(token)
        response = redirect(request, "/login", _("You have signed out."))
        response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return response

    @get("/register", name="register")
    async def register_form(self, request: AppRequest,
                            community: FromQuery[str | None] = None,
                            next: FromQuery[str | None] = None) -> Any:
        places = await places_service.places()
        chosen = query_id(community, _("Community"))
        return page(request, "accounts/register.html", "accounts/_places.html",
                    values={"community": str(chosen or "")}, places=places, errors={},
                    next=safe_path(next))

    @post("/register")
    async def register(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        places = await places_service.places()
        try:
            community_id = form.id("community", label=_("Community"))
            assert community_id is not None
            reg = service.Registration(
                display_name=form.str("display_name", max_length=200),
                login=form.str("login", max_length=200),
                password=form.str("password", max_length=1000),
                community_id=community_id,
                grid_id=form.id("grid", required=False, label=_("Grid")),
                building_id=form.id("building", required=False, label=_("Building")),
                address=form.str("address", max_length=500),
            )
            if reg.password != form.str("password2", max_length=1000):
                raise DomainError(_("The two passwords differ."), "password2")
            if not form.bool("agree_notice"):
                raise DomainError(_("Please read the privacy notice and tick the box to "
                                    "agree: we cannot make an account without it."),
                                  "agree_notice")

            async def agreed(user_id: int) -> None:
                await consents.agree_to_notice(user_id, community_id)

            user_id = await service.register(reg, client_ip=_client_ip(request), then=agreed)
        except DomainError as exc:
            values = form.values()
            values.pop("password", None)
            values.pop("password2", None)
            return page(request, "accounts/register.html", "accounts/_register_form.html",
                        status_code=429 if isinstance(exc, sessions.Throttled)
                        else refused(request, exc), values=values, places=places,
                        errors={exc.field or "form": exc.message}, next=next_path(form))
        # Signed in at once, on a fresh session id as at every sign-in.
        signed = await sessions.open_session(
            user_id, request.headers.get("user-agent", ""),
            request.cookies.get(auth.SESSION_COOKIE), request.cookies.get(sessions.DEVICE_COOKIE))
        return _signed_in(request, signed, next_path(form),
                          _("Your account is ready. Welcome, %(name)s.",
                            name=signed.principal.display_name))

    @post("/language", name="language")
    async def language(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        lang = form.str("lang")
        if request.user is not None:
            await service.set_language(request.user, lang)
        response = redirect(request, current_page(request) or next_path(form))
        if lang in ("zh", "en"):
            response.set_cookie(auth.LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax",
                                httponly=True, secure=settings.get().cookie_secure)
        return response

    @post("/elder-mode", name="elder_mode")
    async def elder_mode(self, request: AppRequest) -> Any:
        """长辈版 on or off: for the person when signed in, and always for this device, so
        it holds before signing in too. A plain form: it works without JavaScript."""
        form = await Form.read(request)
        on = form.str("elder") == "on"
        if request.user is not None:
            await service.set_elder_mode(request.user, on)
        response = redirect(request, next_path(form),
                            _("Elder mode is on.") if on else _("Elder mode is off."))
        response.set_cookie(auth.ELDER_COOKIE, "1" if on else "0", max_age=365 * 86400,
                            samesite="lax", httponly=True,
                            secure=settings.get().cookie_secure)
        return response


class ProfileController(Controller):
    path = "/me"
    opt = {auth.GUARD: auth.login_required}

    async def _render(self, request: AppRequest, errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None, status_code: int = 200,
                      context: dict[str, Any] | None = None) -> Any:
        me = request.principal
        profile = await service.profile(me, me.user_id)
        places = await places_service.places(me.community_id)
        helper = profile.get("helper") or {}
        units = await registry.search(await registry.district_of(me.community_id), "",
                                      include=helper.get("work_unit_ref"))
        return page(request, "accounts/profile.html", status_code=status_code,
                    profile=profile, places=places, errors=errors or {}, values=values or {},
                    links=await proxies.links(me, me.user_id), max_proxies=proxies.MAX_PROXIES,
                    my_data=await exports.latest(me, me.user_id),
                    access=await privacy_me.me_access(me),
                    privacy=await consents.me_summary(me), units=units, **(context or {}))

    @get("/", name="profile")
    async def show(self, request: AppRequest) -> Any:
        return await self._render(request)

    @post("/")
    async def update(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            await service.update_profile(
                request.principal,
                display_name=form.str("display_name", max_length=200),
                phone=form.str("phone", max_length=100),
                address=form.str("address", max_length=500),
                grid_id=form.id("grid", required=False, label=_("Grid")),
                building_id=form.id("building", required=False, label=_("Building")),
                language=form.str("language"),
            )
        except DomainError as exc:
            return await self._render(request, {exc.field or "form": exc.message},
                                      form.values(), refused(request, exc))
        return redirect(request, "/me", _("Your profile is saved."))

    @post("/password", name="change_password")
    async def password(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            if form.str("new", max_length=1000) != form.str("new2", max_length=1000):
                raise DomainError(_("The two passwords differ."), "new2")
            await service.change_password(
                request.principal, form.str("current", max_length=1000),
                form.str("new", max_length=1000),
                request.cookies.get(auth.SESSION_COOKIE),
            )
        except DomainError as exc:
            return await self._render(request, {exc.field or "password": exc.message},
                                      status_code=refused(request, exc))
        return redirect(request, "/me",
                        _("Password changed. Other devices have been signed out."))

    @post("/helper", name="apply_helper")
    async def apply_helper(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            await helpers.apply_as_helper(
                request.principal, form.str("kind"), form.str("work_unit", max_length=200),
                form.str("party_branch", max_length=200),
                form.id("work_unit_id", required=False, label=_("Work unit")),
                form.bool("ask_unit"),
            )
        except DomainError as exc:
            # Field names are unique on the page; a form-wide error is the helper form's.
            near = {"unit_matches": exc.choices} if isinstance(exc, registry.NotListed) else {}
            return await self._render(request, {exc.field or "helper_form": exc.message},
                                      form.values(), refused(request, exc), near)
        return redirect(request, "/me",
                        _("Thank you! Community staff will verify your registration soon."))

    @post("/helper/details", name="correct_helper_details")
    async def helper_details(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            await helpers.correct_helper_details(
                request.principal, form.str("work_unit", max_length=200),
                form.str("party_branch", max_length=200))
        except DomainError as exc:
            return await self._render(request, {exc.field or "helper_form": exc.message},
                                      form.values(), refused(request, exc))
        return redirect(request, "/me#helper", _("Your helper details are saved."))
    @get("/work-units", name="work_unit_pick")
    async def work_unit_pick(self, request: AppRequest,
                             work_unit: FromQuery[str | None] = None) -> Any:
        """The helper form's work-unit suggestions (htmx swaps them in as it is typed)."""
        me = request.principal
        text = query_text(work_unit, _("Work unit"))
        district_id = await registry.district_of(me.community_id)
        matches = await registry.search(district_id, text) if text.strip() else None
        units = [] if matches is not None else await registry.search(district_id, "")
        return page(request, "accounts/_work_unit_choices.html",
                    "accounts/_work_unit_choices.html", unit_matches=matches, units=units,
                    values={}, errors={}, helper=None)

    @post("/honour-roll", name="honour_roll_listing")
    async def honour_roll(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        listed = form.bool("listed")
        try:
            await consents.set_honour_roll(request.principal, listed)
        except DomainError as exc:
            return redirect(request, "/me", exc.message, "error")
        return redirect(request, next_path(form, "/me"),
                        _("You are on the public honour roll.") if listed
                        else _("You are not on the public honour roll."))


class HelperQueueController(Controller):
    path = "/staff/helpers"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="helper_queue")
    async def queue(self, request: AppRequest, community_id: FromQuery[str | None] = None) -> Any:
        me = request.principal
        cid = query_id(community_id, _("Community")) or _default_community(me)
        rows = await helpers.pending_helpers(me, cid)
        return page(request, "accounts/helper_queue.html", "accounts/_helper_queue.html",
                    rows=rows, community_id=cid)

    @post("/{profile_id:int}/review", name="review_helper")
    async def review(self, request: AppRequest, profile_id: PathId) -> Any:
        form = await Form.read(request)
        approve = form.str("decision") == "approve"
        try:
            await helpers.review_helper(request.principal, profile_id, approve,
                                        form.str("note", max_length=300))
        except DomainError as exc:
            return redirect(request, "/staff/helpers", exc.message, "error")
        message = _("Helper verified.") if approve else _("Application declined.")
        return redirect(request, "/staff/helpers", message)


def _default_community(me: Principal) -> int:
    if me.staff_community_ids:
        return min(me.staff_community_ids)
    return me.community_id
