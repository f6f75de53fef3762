"""Form parsing done by hand, so a bad value re-renders the form with the input kept."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.i18n import _

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

    def str(self, name: str, default: str = "", max_length: int = MAX_FIELD) -> str:
        value = self.data.get(name, default)
        if isinstance(value, list):
            value = value[-1]
        if not isinstance(value, str):
            return default
        return value[:max_length]

    def list(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if isinstance(value, str):
            return [value]
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def int(self, name: str, *, required: bool = True, label: str | None = None,
            minimum: int | None = None, maximum: int | None = None) -> int | None:
        raw = self.str(name).strip()
        if raw == "":
            if required:
                raise DomainError(_("Please fill in %(f)s.", f=label or name), name)
            return None
        try:
            value = int(raw)
        except ValueError as exc:
            raise DomainError(_("%(f)s must be a whole number.", f=label or name), name) from exc
        if minimum is not None and value < minimum:
            raise DomainError(_("%(f)s must be at least %(n)s.", f=label or name, n=minimum), name)
        if maximum is not None and value > maximum:
            raise DomainError(_("%(f)s must be at most %(n)s.", f=label or name, n=maximum), name)
        return value

    def date(self, name: str, *, required: bool = False,
             label: str | None = None) -> date | None:
        """A typed day (YYYY-MM-DD, as a date input sends it), within the years people
        can mean (``clock.FIRST_DAY`` to ``clock.LAST_DAY``)."""
        try:
            day = clock.parse_day(self.str(name, max_length=32))
        except clock.BadDate as exc:
            raise DomainError(_("Please enter the date as YYYY-MM-DD."), name) from exc
        if day is None and required:
            raise DomainError(_("Please fill in %(f)s.", f=label or name), name)
        return day

    def bool(self, name: str) -> bool:
        return self.str(name) in {"on", "1", "true", "yes"}

    def file(self, name: str) -> UploadFile | None:
        value = self.data.get(name)
        if isinstance(value, UploadFile) and value.filename:
            return value
        return None

    def values(self) -> dict[str, str]:
        """What the user typed, to put back into the form."""
        return {k: v for k, v in self.data.items() if isinstance(v, str)}


def parse_int(raw: str | None) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        return int(raw)
    except ValueError:
        return None
