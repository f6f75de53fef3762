"""Jinja set-up: autoescape (set by Litestar for directory engines), gettext, filters."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from jinja2 import pass_context, pass_eval_context
from jinja2.nodes import EvalContext
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from marketplace import clock, i18n, quickread, settings
from marketplace.i18n import N_
from marketplace.ledger import rules
from marketplace.web import fragments
from marketplace.wishes import labels as wish_labels
from marketplace.wishes import rules as wish_rules

# An age as a card shows it: the message and its number. Twenty cards' marks are a cheap
# part of their fragment key (web/fragments.py); the words are looked up only for a card
# being made, once per language and mark.
AgeMark = tuple[str, int]


def age_mark(value: datetime | None, now: datetime) -> AgeMark | None:
    """What ``age`` says, before it is put into words (None: nothing to say)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    seconds = int((now - value).total_seconds())
    if seconds < 3600:
        return N_("%(n)s min ago"), max(1, seconds // 60)
    if seconds < 86400:
        return N_("%(n)s h ago"), seconds // 3600
    return N_("%(n)s d ago"), seconds // 86400


def age_words(mark: AgeMark | None) -> str:
    """An ``age_mark`` in the reader's language."""
    return "" if mark is None else _age_words(i18n.current_language.get(), *mark)


@functools.lru_cache(maxsize=4096)
def _age_words(language: str, message: str, n: int) -> str:
    # ``language`` is only the cache's key: gettext reads the language in force.
    return i18n.gettext(message, n=n)


def age(value: datetime | None, now: datetime | None = None) -> str:
    """'3 days ago' in the reader's language."""
    return age_words(age_mark(value, now or datetime.now(UTC)))


def age_marks(rows: Iterable[Mapping[str, Any]], column: str = "created_at"
              ) -> list[AgeMark | None]:
    """``age_mark`` of each row's ``column``, as of one moment: part of the wish cards'
    key, which must be known before the page can tell whether the cards are made."""
    now = datetime.now(UTC)
    if isinstance(rows, quickread.Rows):  # without making the rows' dicts
        return [age_mark(value, now) for value in rows.column(column)]
    return [age_mark(row[column], now) for row in rows]


def duration(seconds: int | None) -> str:
    """A stage length for the wish timeline: '2 d 3 h', '45 min'."""
    if seconds is None:
        return ""
    days, rest = divmod(max(0, int(seconds)), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return i18n.gettext("%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return i18n.gettext("%(h)s h %(m)s min", h=hours, m=rest // 60)
    return i18n.gettext("%(n)s min", n=max(1, rest // 60))


def local_time_html(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> Markup:
    """A local date and time that never breaks across lines: "2026-11-/30" misreads (issue
    15). Only for page text; code and CSV use ``clock.local_time``."""
    return day(clock.local_time(moment, fmt))


def day(value: date | str | None) -> Markup:
    """A date (or "date time") whose parts never break inside: each space-separated part in
    a no-wrap span, so a narrow column may still put the time under the date."""
    text = value.isoformat() if isinstance(value, date) else str(value or "")
    return Markup(" ").join(Markup('<span class="nowrap">%s</span>') % part
                            for part in text.split(" ") if part)


# A date, an exchange code as references.py writes it ("6BEK-PSJ4"), or a certificate
# number as reports/certificates.py writes it ("12-2026-00001").
_UNBROKEN = re.compile(r"(\d{4}-\d{2}-\d{2}|(?<![0-9A-Z])[0-9A-Z]{4}-[0-9A-Z]{4}(?![0-9A-Z])"
                       r"|(?<![0-9])\d+-\d{4}-\d{5}(?![0-9]))")


def unbroken(text: str | None) -> Markup:
    """Free text (an audit line, a statement line) with each date, exchange code or
    certificate number in it kept on one line: the browser would otherwise break
    "2026-11-29" or "6BEK-PSJ4" after the hyphen. Escaped first."""
    parts = _UNBROKEN.split(text or "")  # odd indexes are the dates and codes
    return Markup("").join(Markup('<span class="nowrap">%s</span>') % part if i % 2
                           else escape(part) for i, part in enumerate(parts))


def attrs(values: dict[str, Any]) -> Markup:
    """Keyword arguments of a form macro as HTML attributes: ``maxlength=80`` →
    ``maxlength="80"``, ``required=True`` → ``required``, False or None → nothing."""
    parts = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = key.replace("_", "-")
        parts.append(name if value is True else f'{name}="{escape(str(value))}"')
    return Markup("".join(" " + p for p in parts))  # noqa: S704 (each value escaped above)


def options(rows: Iterable[Any], value: str = "id", text: str = "name") -> list[tuple[Any, Any]]:
    """Rows (dicts or objects) as the (value, text) pairs of a ``forms.select``:
    ``{{ forms.select("merchant", _("Merchant"), merchants | options) }}``."""
    def field(row: Any, key: str) -> Any:
        return row[key] if isinstance(row, Mapping) else getattr(row, key)

    return [(field(row, value), field(row, text)) for row in rows]


@pass_eval_context
def translate(eval_ctx: EvalContext, message: str, **variables: Any) -> str:
    """``_()`` in templates: what Jinja's newstyle gettext does (the translation is trusted
    markup, as the catalogue is ours; the variables are escaped into it), in one call
    instead of three: the wish list calls it 40 times a page. A message without variables
    is the same markup on every page: made once per language."""
    if not variables and eval_ctx.autoescape:
        return _plain_markup(i18n.current_language.get(), message)
    text = i18n.gettext(message)
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704


@functools.lru_cache(maxsize=4096)
def _plain_markup(language: str, message: str) -> Markup:
    # As translate() would make it: "%%" in a catalogue entry still becomes "%".
    return Markup(i18n.catalogue(language).get(message, message)) % {}  # noqa: S704


def _static_urls(url_for: Callable[..., str]) -> Callable[..., str]:
    """``url_for`` with the links to static files (7 a page, the same on every page)
    worked out once per app; other routes are looked up each time."""
    known: dict[tuple[str, str], str] = {}

    @pass_context
    def cached(context: Any, route_name: Any, /, **params: Any) -> str:
        if route_name != "static" or list(params) != ["file_path"]:
            return url_for(context, route_name, **params)
        key = (route_name, str(params["file_path"]))
        if key not in known:
            known[key] = url_for(context, route_name, **params)
        return known[key]

    return cached


def configure_jinja(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    assert env.autoescape, "templates must autoescape user text"
    env.add_extension("jinja2.ext.i18n")
    env.add_extension(fragments.FragmentCache)
    # Templates ship with the code: checking every file's mtime on each include (20 cards
    # a page) cost more than the database. A deploy restarts the processes anyway.
    env.auto_reload = settings.get().template_reload
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: i18n.gettext(s), lambda s, p, n: i18n.ngettext(s, p, n), newstyle=True
    )
    env.globals["_"] = translate
    env.globals["url_for"] = _static_urls(env.globals["url_for"])  # type: ignore[arg-type]
    env.filters["local_time"] = local_time_html
    env.filters["day"] = day
    env.filters["unbroken"] = unbroken
    env.filters["age"] = age
    env.filters["age_marks"] = age_marks
    env.filters["age_words"] = age_words
    env.filters["duration"] = duration
    env.filters["attrs"] = attrs
    env.filters["options"] = options
    env.filters["row_key"] = fragments.row_key
    env.globals["now"] = lambda: datetime.now(UTC)
    env.globals["ledger_kind_name"] = rules.kind_name  # one list of names: page and CSV
    env.globals["wish_status_name"] = wish_labels.status_name
    env.globals["wish_event_name"] = wish_labels.event_name
    # maxlength="{{ wish_limits.TITLE_MAX }}": the same limits as the form, API and service.
    env.globals["wish_limits"] = wish_rules

