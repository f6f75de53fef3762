"""Asking "are you sure?" before an action that cannot be undone, with and without JS.

The button's form carries ``hx-post`` + ``hx-confirm`` (the browser's dialog) and
``hx-vals='{"confirm": "yes"}'``, so with JavaScript one tap asks once. Without JavaScript
the same form posts without ``confirm``: the server answers with a small page that asks
and posts again with ``confirm=yes``.
"""

from __future__ import annotations

from typing import Any

from marketplace.web.forms import Form
from marketplace.web.render import page
from marketplace.web.request import AppRequest


def confirmed(form: Form) -> bool:
    return form.str("confirm", max_length=8) == "yes"


def ask(request: AppRequest, *, action: str, question: str, button: str, back: str,
        hidden: dict[str, str] | None = None) -> Any:
    """The confirmation page for a post that arrived without ``confirm=yes``."""
    return page(request, "confirm.html", action=action, question=question, button=button,
                back=back, hidden=hidden or {})
