"""The work-unit registry as a party member sees it when registering as a helper (双报到):
the units of their community's district, found by name, or one asked for.

A community under a street belongs to that street's district; a community with no street
(the hierarchy is optional) uses the registry without district (``district`` null), which
administrators keep. Kept in the community domain, below accounts, so the helper form's
service can call it; the registry's administration is ``marketplace.workunits``.
"""

from __future__ import annotations

from typing import Any

from marketplace import textsearch
from marketplace.community.tables import Community, WorkUnit
from marketplace.errors import DomainError
from marketplace.i18n import _

NAME_MAX = 100
PICK_MAX = 8  # suggestions shown; one more says "type more"


def normalise(name: str) -> str:
    """The form in which names are compared: case and every space ignored
    ("潍城区 税务局" = "潍城区税务局", "Tax Office" = "tax office")."""
    return "".join(name.split()).casefold()


async def district_of(community_id: int) -> int | None:
    row = await Community.select(Community.street.district).where(
        Community.id == community_id).first()
    value = row["street.district"] if row else None
    return int(value) if value is not None else None


def in_district(district_id: int | None) -> Any:
    return (WorkUnit.district.is_null() if district_id is None
            else WorkUnit.district == district_id)


async def search(district_id: int | None, text: str, *, include: int | None = None
                 ) -> list[dict[str, Any]]:
    """Active units of the registry whose name contains ``text`` (all when empty), by
    name; ``include``: also this unit whatever its status (the one the member asked
    for)."""
    shown = WorkUnit.status == "active"
    if include is not None:
        shown = shown | (WorkUnit.id == include)
    query = WorkUnit.select(WorkUnit.id, WorkUnit.name, WorkUnit.status).where(
        in_district(district_id) & shown)
    text = text.strip()[:NAME_MAX]
    if text:
        query = query.where(WorkUnit.name.ilike(textsearch.contains(text)))
    return await query.order_by(WorkUnit.name)


async def by_name(district_id: int | None, name: str) -> dict[str, Any] | None:
    """The unit of the registry with this name (compared by ``normalise``), any status."""
    wanted = normalise(name)
    if not wanted:
        return None
    rows = await WorkUnit.select(WorkUnit.id, WorkUnit.name, WorkUnit.status).where(
        in_district(district_id))
    return next((r for r in rows if normalise(r["name"]) == wanted), None)


async def chosen(district_id: int | None, unit_id: int) -> dict[str, Any]:
    row = await WorkUnit.select(WorkUnit.id, WorkUnit.name, WorkUnit.status).where(
        (WorkUnit.id == unit_id) & in_district(district_id)).first()
    if row is None:
        raise DomainError(_("Please choose a work unit of your district's registry."),
                          "work_unit")
    return row


class NotListed(DomainError):
    """No unit matches the typed name exactly: the form offers the near ones."""

    def __init__(self, message: str, field: str, choices: list[dict[str, Any]]) -> None:
        super().__init__(message, field)
        self.choices = choices


async def resolve(community_id: int, text: str, unit_id: int | None, ask: bool
                  ) -> dict[str, Any]:
    """The registry unit a helper form names: the one chosen (``unit_id``), else the one
    whose name is the typed text, else, when ``ask``, a new ``requested`` unit with that
    name. Inside the caller's transaction."""
    district_id = await district_of(community_id)
    if unit_id is not None:
        return await chosen(district_id, unit_id)
    text = " ".join(text.split())
    if not text:
        raise DomainError(_("Party members register their work unit (双报到)."), "work_unit")
    if len(text) > NAME_MAX:
        raise DomainError(_("Please keep names under 100 characters."), "work_unit")
    found = await by_name(district_id, text)
    if found is not None:
        return found
    if ask:
        row = await WorkUnit.insert(WorkUnit(district=district_id, name=text,
                                             status="requested")).returning(WorkUnit.id)
        return {"id": int(row[0]["id"]), "name": text, "status": "requested"}
    near = await search(district_id, text)
    raise NotListed(_("“%(text)s” is not in the registry: choose your unit below, or tick "
                      "“Not listed” to ask for it to be added.", text=text), "work_unit",
                    near[:PICK_MAX + 1])
