"""The working-day calendar page (/admin/calendar): administrators enter the year's public
holidays and make-up working days as the State Council's notice gives them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from litestar import Controller, get, post

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.i18n import N_, _
from marketplace.privacy import calendar
from marketplace.web import auth
from marketplace.web.forms import Form
from marketplace.web.params import PathId
from marketplace.web.render import page, redirect, refused
from marketplace.web.request import AppRequest

HOME = "/admin/calendar"
KINDS = (("holiday", N_("Public holiday (no work)")),
         ("working", N_("Make-up working day (调休)")))
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))


async def _page(request: AppRequest, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, status_code: int = 200) -> Any:
    since = date(clock.today().year - 1, 1, 1)  # last year's too: requests made then
    days = [{**d, "weekday": _(WEEKDAYS[d["day"].weekday()])}
            for d in await calendar.days(request.principal, since)]
    runs = calendar.runs(days)
    usual, others = _enterers(runs)
    return page(request, "privacy/calendar.html", status_code=status_code,
                runs=list(zip(runs, others, strict=True)), usual_enterer=usual,
                several_enterers=any(others),
                kinds=[(code, _(label)) for code, label in KINDS],
                values=values or {"kind": "holiday"}, errors=errors or {},
                range_max=calendar.RANGE_MAX, name_max=calendar.NAME_MAX)


def _enterers(runs: list[list[dict[str, Any]]]) -> tuple[str | None, list[list[Any]]]:
    """Who entered most of the days (said once above the list: "entered by X" on every
    row was one name repeated down a phone's screen), and for each row the others who
    entered some of its days, with the day they last did, to say on that row only."""
    counts = Counter(d["set_by_name"] for run in runs for d in run if d["set_by_name"])
    usual = counts.most_common(1)[0][0] if counts else None
    others: list[list[Any]] = []
    for run in runs:
        latest: dict[str, Any] = {}
        for d in run:
            name = d["set_by_name"]
            if name and name != usual:
                latest[name] = max(latest.get(name, d["set_at"]), d["set_at"])
        others.append(sorted(latest.items()))
    return usual, others


def _saved_message(saved: calendar.Saved) -> str:
    said = [_("Days saved: %(n)s.", n=saved.days)]
    if saved.replaced:
        said.append(_("%(n)s of them replace what was entered before.", n=saved.replaced))
    if saved.moved:
        said.append(_("Open privacy requests with a new due day: %(n)s.", n=saved.moved))
    return " ".join(said)


class CalendarController(Controller):
    path = HOME
    opt = {auth.GUARD: auth.login_required}  # administrators only: the service checks

    @get("/", name="working_day_calendar")
    async def index(self, request: AppRequest) -> Any:
        return await _page(request)

    @post("/", name="working_day_calendar_set")
    async def set_days(self, request: AppRequest) -> Any:
        form = await Form.read(request)
        try:
            first = form.date("first", label=_("First day"))
            last = form.date("last", label=_("Last day"))
            kind = form.str("kind")
            if kind not in dict(KINDS):
                raise DomainError(_("Please choose what kind of day it is."), "kind")
            saved = await calendar.set_days(request.principal, first, last,
                                            kind == "working",
                                            form.str("name", max_length=calendar.NAME_MAX * 2))
        except DomainError as exc:
            return await _page(request, form.values(), {exc.field or "first": exc.message},
                               refused(request, exc))
        return redirect(request, HOME, _saved_message(saved))

    @post("/{day_id:int}/remove", name="working_day_calendar_remove")
    async def remove(self, request: AppRequest, day_id: PathId) -> Any:
        """One day, or with ``last`` the run of days it starts (one holiday's week)."""
        form = await Form.read(request)
        try:
            days = await calendar.remove(request.principal, day_id,
                                         form.date("last", label=_("Last day")))
        except DomainError as exc:
            return redirect(request, HOME, exc.message, "error")
        if len(days) == 1:
            return redirect(request, HOME, _("%(day)s counts as its weekday again.",
                                             day=days[0].isoformat()))
        return redirect(request, HOME, _("%(first)s to %(last)s count as their weekdays "
                                         "again.", first=days[0].isoformat(),
                                         last=days[-1].isoformat()))
