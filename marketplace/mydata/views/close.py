"""Pages of a person's own data: closing the account (on Me, and for staff on a managed
resident's member page)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post

from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.mydata import closure
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId
from marketplace.web.render import page, redirect, refused
from marketplace.web.request import AppRequest

GIFT_FIELD = "gift_to"  # "" (back to the community) or a resident in need's id


def _gift(form: Form) -> int | None:
    return form.id(GIFT_FIELD, required=False, label=_("Your points"))


def _render(request: AppRequest, preview: closure.Preview, action: str, *,
            errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
            status_code: int = 200) -> Any:
    return page(request, "mydata/close.html", "mydata/_close_form.html",
                status_code=status_code, preview=preview, action=action,
                own=action == "/me/close", errors=errors or {}, values=values or {})


class CloseAccountController(Controller):
    path = "/me/close"
    opt = {auth.GUARD: auth.login_required}

    @get("/", name="close_account")
    async def show(self, request: AppRequest) -> Any:
        return _render(request, await closure.own_preview(request.principal), "/me/close")

    @post("/")
    async def close(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            await closure.close_own(request.principal, form.str("password", max_length=1000),
                                    _gift(form))
        except DomainError as exc:
            values = {GIFT_FIELD: form.values().get(GIFT_FIELD, "")}
            return _render(request, await closure.own_preview(request.principal), "/me/close",
                           errors={exc.field or "form": exc.message}, values=values,
                           status_code=refused(request, exc))
        response = redirect(request, "/", _("Your account is closed and your personal "
                                            "data erased. Thank you for taking part."))
        response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return response


class StaffCloseAccountController(Controller):
    path = "/staff/members/{user_id:int}/close"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="staff_close_account")
    async def show(self, request: AppRequest, user_id: PathId) -> Any:
        preview = await closure.staff_preview(request.principal, user_id)
        return _render(request, preview, f"/staff/members/{user_id}/close")

    @post("/")
    async def close(self, request: AppRequest, user_id: PathId) -> Any:
        form = await Form.read(request)
        action = f"/staff/members/{user_id}/close"
        try:
            await closure.close_managed(request.principal, user_id,
                                        form.str("confirm", max_length=200), _gift(form))
        except DomainError as exc:
            values = {GIFT_FIELD: form.values().get(GIFT_FIELD, ""),
                      "confirm": form.str("confirm", max_length=200)}
            return _render(request, await closure.staff_preview(request.principal, user_id),
                           action, errors={exc.field or "form": exc.message}, values=values,
                           status_code=refused(request, exc))
        return redirect(request, "/staff/members", _("The account is closed and its "
                                                     "personal data erased."))
