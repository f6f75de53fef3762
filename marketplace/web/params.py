"""The one parsing layer for values from outside: numbers, ids, dates and text, from a URL, a
query string, a form (``web/forms.py`` reads forms with these) or a JSON body (the
``Annotated`` types below, which msgspec checks while decoding).

Every value is bounded to what the database can hold and the domain allows, and every
refusal is one polite, translated message per kind (``DomainError`` on the field), so pages
and the API answer alike and both databases see the same input:
- a number outside a column's range would overflow it (a server error on PostgreSQL, an
  ``OverflowError`` in SQLite's driver);
- a NUL in text is a server error on PostgreSQL and stored by SQLite; other control
  characters are invisible and break lines, CSV cells and headers. Refused everywhere,
  except tab and line breaks in multi-line text.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import msgspec
from litestar.params import Parameter

from marketplace import clock
from marketplace.db import MAX_ID
from marketplace.errors import DomainError
from marketplace.i18n import _

# Integer columns are 32-bit on both engines.
INT_MIN, INT_MAX = -(2**31), MAX_ID

# Control characters (C0, DEL and C1). Multi-line text keeps tab, line feed and carriage
# return. The patterns are what the JSON types carry, so the schema shows them too.
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"[+-]?[0-9]+")

# An object id in a URL. A number no row can have is refused (400) before it reaches the
# database, where it would overflow the column type (a server error on PostgreSQL, and an
# OverflowError in SQLite's driver).
PathId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="An object id")]

# The same bound for an id in a JSON body (msgspec validates it while decoding).
BodyId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]

# An optional id in a query string of the API (the schema shows the bounds; pages read
# theirs with ``query_id``, whose blank is "all").
QueryId = Annotated[int | None, Parameter(ge=1, le=MAX_ID, description="An object id")]

# Text in a JSON body: one line, or several (tab and line breaks allowed). Add a length
# with another ``msgspec.Meta``: ``Annotated[Line, msgspec.Meta(max_length=200)]``.
Line = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN)]
QueryLine = Annotated[str | None, Parameter(pattern=LINE_PATTERN)]
Text = Annotated[str, msgspec.Meta(pattern=TEXT_PATTERN)]


def _label(label: str | None, field: str | None) -> str:
    return label or field or _("this field")


def control_message(label: str | None = None) -> str:
    return _("Please remove the control characters (invisible symbols) from %(f)s.",
             f=label or _("this field"))


def text(value: str, *, field: str | None = None, label: str | None = None,
         multiline: bool = False) -> str:
    """``value`` unless it holds a control character (then DomainError on ``field``)."""
    if (_TEXT_CONTROL if multiline else _LINE_CONTROL).search(value):
        raise DomainError(control_message(label), field)
    return value


def without_controls(value: str) -> str:
    """For putting typed text back into a form: never write a control character out."""
    return _TEXT_CONTROL.sub("", value)


def number(raw: str | None, *, field: str | None = None, label: str | None = None,
           minimum: int = INT_MIN, maximum: int = INT_MAX,
           required: bool = True) -> int | None:
    """A typed whole number within [minimum, maximum], themselves never past the column's
    range. Blank: None, or "please fill in" when required."""
    minimum, maximum = max(minimum, INT_MIN), min(maximum, INT_MAX)
    f = _label(label, field)
    value_text = (raw or "").strip()
    if value_text == "":
        if required:
            raise DomainError(_("Please fill in %(f)s.", f=f), field)
        return None
    if not _NUMBER.fullmatch(value_text):
        raise DomainError(_("%(f)s must be a whole number.", f=f), field)
    # Far too many digits is simply too big or too small (and int() of thousands of digits
    # is refused by Python itself).
    value = int(value_text) if len(value_text) <= 20 else (
        -(10**20) if value_text.startswith("-") else 10**20)
    if value < minimum:
        raise DomainError(_("%(f)s must be at least %(n)s.", f=f, n=minimum), field)
    if value > maximum:
        raise DomainError(_("%(f)s must be at most %(n)s.", f=f, n=maximum), field)
    return value


def object_id(raw: str | None, *, field: str | None = None, label: str | None = None,
              required: bool = True) -> int | None:
    """An id chosen from a list (a select, a link): a number no row can have names none."""
    value_text = (raw or "").strip()
    if value_text == "":
        if required:  # chosen, not typed: "please choose", never "please fill in"
            raise DomainError(_("Please choose %(f)s.", f=_label(label, field)), field)
        return None
    if not _NUMBER.fullmatch(value_text) or len(value_text) > 12 \
            or not 1 <= int(value_text) <= MAX_ID:
        raise DomainError(_("%(f)s: please choose one from the list.", f=_label(label, field)),
                          field)
    return int(value_text)


def day(raw: str | None, *, field: str | None = None, label: str | None = None,
        required: bool = False) -> date | None:
    """A typed day (YYYY-MM-DD, as a date input sends it), within the years people can mean
    (``clock.FIRST_DAY`` to ``clock.LAST_DAY``)."""
    try:
        found = clock.parse_day((raw or "")[:32])
    except clock.BadDate as exc:
        raise DomainError(_("Please enter the date as YYYY-MM-DD."), field) from exc
    if found is None and required:
        raise DomainError(_("Please fill in %(f)s.", f=_label(label, field)), field)
    return found


def query_id(raw: str | None, label: str) -> int | None:
    """An optional id from a page's query string (a filter's select; blank is "all")."""
    return object_id(raw, label=label, required=False)


def query_day(raw: str | None) -> date | None:
    """An optional day from a query string; a bad one is refused with the polite message
    (a download checks its days with this before its first byte)."""
    return day(raw)


def query_text(raw: str | None, label: str | None = None) -> str:
    """A search word or filter from a query string: one line, no control characters."""
    return text(raw or "", label=label)
