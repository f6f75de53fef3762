"""``{% cached key, ... %}…{% endcached %}``: a piece of a template rendered once per process
for each distinct key, then copied.

The key is everything the piece's markup depends on, written out where it is used (a wish
card: the row's every value, its age as shown as a mark, ``templating.age_mark``, the flags
of the call); the tag adds the template, the place in it and the language in force. A
change to any of them is another key, so a copy is never out of date and never another
person's view: there is nothing to expire or invalidate. Nothing that differs per
response may be inside, with one exception: ``csrf_field``, the page's CSRF input (masked
anew in every response, security.mask_token). Inside the tag that name is a marker; the
copy is kept with the marker, and each response gets the copy with its own CSRF input in
the marker's places. A piece may hold another (the wish list holds the cards): the inner
one is made only when the outer is, with the marker for its input.

Each process keeps its own copies (up to ``MAX_CHARACTERS`` in all, the oldest dropped
first: keeping them in order of use would hash a page's key twice); no other process
needs them. With ``TEMPLATE_RELOAD=1`` (templates edited while the
server runs) nothing is kept.
"""

from __future__ import annotations

import contextlib
import itertools
import secrets
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup, escape

from marketplace import i18n, quickread

# A page of twenty wish cards is ~14,000 characters, a footer ~600: a few thousand copies.
MAX_CHARACTERS = 16_000_000
HOLE = "csrf_field"
# Where the CSRF input goes in a kept copy: unguessable, so no text a person wrote (escaped
# into the copy) can be taken for it.
MARKER = Markup(f"\x00csrf-{secrets.token_hex(16)}\x00")  # noqa: S704 (hex digits only)


class FragmentCache(Extension):
    tags = {"cached"}

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.copies: dict[Hashable, tuple[str, ...]] = {}
        self.characters = 0
        self._nameless = itertools.count()

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_tuple()
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        # A template made from a string has no name: each gets a number of its own.
        name = parser.name or f"<string {next(self._nameless)}>"
        where = nodes.Const((name, lineno))
        csrf = nodes.Name(HOLE, "load")
        # The body is a macro whose one parameter is `csrf_field`: the marker goes in.
        return nodes.CallBlock(self.call_method("_fragment", [where, key, csrf]),
                               [nodes.Name(HOLE, "param")], [], body).set_lineno(lineno)

    def _fragment(self, where: tuple[str, int], key: Hashable, csrf: Any,
                  caller: Callable[[str], str]) -> str:
        if self.environment.auto_reload:
            return caller(csrf)
        full = (where, i18n.current_language.get(), _frozen(key))
        try:
            parts = self.copies.get(full)
        except TypeError:  # a value no dict can hold (a list inside a row): made each time
            return caller(csrf)
        if parts is None:
            parts = tuple(str(caller(MARKER)).split(MARKER))
            self.keep(full, parts)
        # The parts are markup already: joined as text (Markup.join would escape each).
        return Markup(str(escape(csrf)).join(parts))  # noqa: S704

    def keep(self, key: Hashable, parts: tuple[str, ...]) -> None:
        if key in self.copies:  # made twice at once (another thread)
            return
        self.copies[key] = parts
        self.characters += sum(map(len, parts))
        while self.characters > MAX_CHARACTERS and self.copies:
            with contextlib.suppress(KeyError, RuntimeError):  # another thread got there
                dropped = self.copies.pop(next(iter(self.copies)))
                self.characters -= sum(map(len, dropped))


def keeper(environment: Any) -> FragmentCache:
    """The environment's copies: whole pages (web/kept.py) are kept beside its pieces,
    within the same budget."""
    return next(extension for extension in environment.extensions.values()
                if isinstance(extension, FragmentCache))


def _frozen(key: Any) -> Hashable:
    """A list in a key (``rows|age_marks``) as a tuple, which a dict can hold."""
    if isinstance(key, tuple):
        return tuple(tuple(part) if isinstance(part, list) else part for part in key)
    return tuple(key) if isinstance(key, list) else key


def row_key(rows: Any) -> tuple[Any, ...]:
    """Rows (dicts), or one row, as part of a ``cached`` key: every column and value, so a
    change to any of them (a new title, a renamed grid) is another key. The column names
    once, as rows of one query share them (half the work of a name with every value); a
    row whose columns differ keeps its own names."""
    if isinstance(rows, Mapping):
        rows = [rows]
    if isinstance(rows, quickread.Rows):
        return rows.key()
    columns = tuple(rows[0]) if rows else ()
    return columns, tuple(tuple(row.values()) if tuple(row) == columns
                          else tuple(row.items()) for row in rows)
