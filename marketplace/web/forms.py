"""Form parsing done by hand, so a bad value re-renders the form with the input kept."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.web import params

MAX_FIELD = 5000


class Form:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    async def read(cls, request: Request) -> Form:
        try:
            raw = await request.form()
        except Exception as exc:  # a malformed body is the client's problem, not a 500
            raise DomainError(_("The form could not be read. Please try again.")) from exc
        data: dict[str, Any] = {}
        for key, value in raw.multi_items():
            if key == "_csrf_token":
                continue
            if isinstance(value, UploadFile):
                data[key] = value
            elif key in data and not isinstance(data[key], UploadFile):
                existing = data[key]
                data[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                data[key] = value
        return cls(data)

    def str(self, name: str, default: str = "", max_length: int = MAX_FIELD, *,
            label: str | None = None, multiline: bool = False) -> str:
        """The field's text, cut to ``max_length``; a control character (NUL and the like;
        in a ``multiline`` field tab and line breaks are fine) is refused on the field."""
        value = self.data.get(name, default)
        if isinstance(value, list):
            value = value[-1]
        if not isinstance(value, str):
            return default
        return params.text(value[:max_length], field=name, label=label, multiline=multiline)

    def list(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if isinstance(value, str):
            value = [value]
        found = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        return [params.text(v, field=name) for v in found]

    def int(self, name: str, *, required: bool = True, label: str | None = None,
            minimum: int = params.INT_MIN, maximum: int = params.INT_MAX) -> int | None:
        """A whole number within [minimum, maximum] (by default what an integer column
        holds; the caller passes the domain's range)."""
        return params.number(self.data_text(name, label), field=name, label=label, minimum=minimum,
                             maximum=maximum, required=required)

    def id(self, name: str, *, required: bool = True, label: str | None = None) -> int | None:
        """The id of an object chosen in a select: 1 to ``db.MAX_ID``."""
        return params.object_id(self.data_text(name, label), field=name, label=label,
                                required=required)

    def ids(self, name: str, label: str | None = None) -> list[int]:
        """Every id sent under ``name`` (check boxes)."""
        found = [params.object_id(v, field=name, label=label, required=False)
                 for v in self.list(name)]
        return [n for n in found if n is not None]

    def date(self, name: str, *, required: bool = False,
             label: str | None = None) -> date | None:
        """A typed day (YYYY-MM-DD, as a date input sends it), within the years people
        can mean (``clock.FIRST_DAY`` to ``clock.LAST_DAY``)."""
        return params.day(self.data_text(name, label), field=name, label=label, required=required)

    def data_text(self, name: str, label: str | None = None) -> str:
        return self.str(name, max_length=64, label=label)

    def bool(self, name: str) -> bool:
        return self.str(name) in {"on", "1", "true", "yes"}

    def file(self, name: str) -> UploadFile | None:
        value = self.data.get(name)
        if isinstance(value, UploadFile) and value.filename:
            return value
        return None

    def values(self) -> dict[str, str]:
        """What the user typed, to put back into the form."""
        return {k: params.without_controls(v) for k, v in self.data.items()
                if isinstance(v, str)}

