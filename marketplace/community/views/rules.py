"""The community's rules for its staff: deadlines, points, team size, expiry, gift limits;
its wish categories; and its points budget (set by administrators)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery

from marketplace.activities.views import staff_community
from marketplace.community import rules
from marketplace.community import service as places
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.ledger import budget as budgets
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId, query_id
from marketplace.web.render import page, redirect, refused
from marketplace.web.request import AppRequest
from marketplace.wishes import categories
from marketplace.wishes.rules import CATEGORY_NAME_MAX


def _back(community_id: int) -> str:
    return f"/staff/rules?community={community_id}"


async def _render(request: AppRequest, community_id: int, *, errors: dict[str, str] | None = None,
                  values: dict[str, str] | None = None, status_code: int = 200) -> Any:
    me = request.principal
    current = await rules.current(me, community_id)  # NotFound / Forbidden first
    shown = {name: str(value) for name, value in current.items()}
    return page(request, "community/rules.html", status_code=status_code,
                community=await places.get_community(community_id),
                communities=await places.managed_by(me), rules=rules.RULES,
                values={**shown, **(values or {})}, errors=errors or {},
                categories=await categories.categories(community_id, active_only=False),
                usage=await budgets.usage(me, community_id),
                name_max=CATEGORY_NAME_MAX)


class RulesController(Controller):
    path = "/staff/rules"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="community_rules")
    async def index(self, request: AppRequest, community: FromQuery[str | None] = None) -> Any:
        community_id = staff_community(request.principal, query_id(community, _("Community")))
        return await _render(request, community_id)

    @post("/{community_id:int}", name="community_rules_save")
    async def save(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            changes = {}
            for rule in rules.RULES:
                value = form.int(rule.name, label=_(rule.label), minimum=rule.minimum,
                                 maximum=rule.maximum)
                changes[rule.name] = int(value or 0)
            changed = await rules.update(request.principal, community_id, changes)
        except DomainError as exc:
            return await _render(request, community_id, errors={exc.field or "form": exc.message},
                                 values=form.values(), status_code=refused(request, exc))
        message = _("Rules saved.") if changed else _("Nothing changed.")
        return redirect(request, _back(community_id), message)

    @post("/{community_id:int}/categories", name="community_category_add")
    async def add_category(self, request: AppRequest, community_id: PathId) -> Any:
        form = await Form.read(request)
        try:
            points = form.int("points", label=_("Points"), minimum=0, maximum=rules.POINTS_MAX)
            await categories.add_category(request.principal, community_id,
                                          form.str("name", max_length=200), int(points or 0))
        except DomainError as exc:
            return await _render(
                request, community_id, errors={"new-" + (exc.field or "name"): exc.message},
                values={"new-name": form.str("name", max_length=200),
                        "new-points": form.values().get("points", "")},
                status_code=refused(request, exc))
        return redirect(request, _back(community_id), _("Category added."))

    @post("/categories/{category_id:int}", name="community_category_edit")
    async def edit_category(self, request: AppRequest, category_id: PathId) -> Any:
        form = await Form.read(request)
        community_id = await categories.community_of(request.principal, category_id)
        key = f"cat{category_id}-"
        try:
            points = form.int("points", label=_("Points"), minimum=0, maximum=rules.POINTS_MAX)
            await categories.update_category(request.principal, category_id,
                                             form.str("name", max_length=200), int(points or 0))
        except DomainError as exc:
            return await _render(
                request, community_id, errors={key + (exc.field or "name"): exc.message},
                values={key + "name": form.str("name", max_length=200),
                        key + "points": form.values().get("points", "")},
                status_code=refused(request, exc))
        return redirect(request, _back(community_id), _("Category updated."))

    @post("/{community_id:int}/budget", name="community_budget")
    async def budget(self, request: AppRequest, community_id: PathId) -> Any:
        budgets.require_admin(request.principal)  # before reading: staff see no form here
        form = await Form.read(request)
        try:
            await rules.current(request.principal, community_id)  # NotFound for no community
            value = form.int("budget", required=False, label=_("Points budget"), minimum=0,
                             maximum=budgets.BUDGET_MAX)
            await budgets.set_budget(request.principal, community_id, value)
        except DomainError as exc:
            return await _render(request, community_id, errors={"budget": exc.message},
                                 values={"budget": form.values().get("budget", "")},
                                 status_code=refused(request, exc))
        return redirect(request, _back(community_id), _("Points budget saved."))
