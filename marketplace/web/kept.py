"""Whole pages kept per process, for the page people open most (the open wishes).

``kept_page`` is ``render.page`` for a page whose every input is in its context: the
template, the language and the context itself (rows as ``fragments.row_key`` writes them)
are the key of a copy made once per process, with a marker where this response's CSRF
token goes (``fragments.MARKER``). A later request whose reads came back the same gets the
copy with its own token: Jinja and Litestar's template response are skipped, the bytes
are the same as ``page`` would write (tests compare the two).

What keeps a copy from being anyone else's view is that the key is the context, by
construction, not a list someone has to keep up to date:

- the viewer is in it only as a ``Viewer``, the few flags the pages draw with; a template
  that reads anything else of ``me`` (a name) fails loudly, in the tests, instead of
  showing one person's name to another;
- the request is not in the template's context at all (a stand-in that fails the same
  way), so nothing can be drawn from a header or a cookie that the key does not hold;
- a value no dict can hold (a list inside a row) means the page is made each time.

Flash messages are one-off: a page that has one is made as ``page`` makes it.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from litestar import MediaType, Response
from litestar.response import Template
from litestar.utils.scope.state import ScopeState
from markupsafe import escape

from marketplace import i18n, quickread
from marketplace.principal import Principal
from marketplace.web import fragments
from marketplace.web.render import is_htmx, layout_context, page
from marketplace.web.request import AppRequest


class NotInKey(RuntimeError):
    """A kept page's template read something its key does not hold. Not an AttributeError:
    Jinja would turn that into an empty value and the page would be wrong quietly."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The viewer as a kept page may see them: what the menu and the wish cards draw with."""

    is_helper: bool
    is_staff: bool
    merchant_ids: frozenset[int]

    @classmethod
    def of(cls, me: Principal) -> Viewer:
        return cls(me.is_helper, me.is_staff, me.merchant_ids)

    def __getattr__(self, name: str) -> Any:
        raise NotInKey(f"a kept page read me.{name}; add it to web.kept.Viewer")


class _Request:
    """The template's ``request``: the app (for ``url_for``) and a scope whose CSRF token is
    the marker, nothing else."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.scope: dict[str, Any] = {"state": {}}
        ScopeState.from_scope(self.scope).csrf_token = str(fragments.MARKER)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        raise NotInKey(f"a kept page read request.{name}")


def freeze(value: Any) -> Hashable:
    """A context value as part of a key: a list of rows (dicts) as ``fragments.row_key``,
    another list as a tuple, a dict as its items. One level only, so that it is cheap:
    anything deeper that no dict can hold (a list in a list) makes the key fail to hash,
    and the page is then made each time."""
    kind = type(value)
    if kind is quickread.Rows:
        return value.key()
    if kind is list:
        return fragments.row_key(value) if value and type(value[0]) is dict else tuple(value)
    if kind is dict:
        return tuple(value.items())
    return value


def kept_page(request: AppRequest, template: str, partial: str | None = None,
              **context: Any) -> Response[bytes] | Template:
    """``page(request, template, partial, **context)``, from a kept copy when there is one."""
    engine = request.app.template_engine.engine  # type: ignore[union-attr]
    state = request.scope["state"]
    layout = layout_context(request)
    if layout["flashes"] or state.get("clear_flash") or engine.auto_reload:
        return page(request, template, partial, **context)
    name = partial if partial and is_htmx(request) else template
    me = layout["me"]
    full = {**layout, **context, "me": None if me is None else Viewer.of(me)}
    key = ("page", name, i18n.current_language.get(),
           tuple([(item, freeze(value)) for item, value in full.items()]))
    keeper = fragments.keeper(engine)
    try:
        parts = keeper.copies.get(key)
    except TypeError:  # a value no dict can hold
        return page(request, template, partial, **context)
    if parts is None:
        marker = str(fragments.MARKER)
        text = engine.get_template(name).render(
            {**full, "request": _Request(request.app),
             "csrf_input": f'<input type="hidden" name="_csrf_token" value="{marker}" />'})
        parts = tuple(text.split(marker))
        keeper.keep(key, parts)
    token = str(escape(ScopeState.from_scope(request.scope).csrf_token or ""))
    return Response(token.join(parts).encode(), media_type=MediaType.HTML,
                    headers={"Vary": "HX-Request"})
