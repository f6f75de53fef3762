"""``marketplace work-units match``: link the work units party members typed before the
registry existed to the registry's entries with the same name (case and spaces ignored),
in the registry of the member's district (or the one without district). A command rather
than a migration: the registry is empty when the schema arrives, and staff fill it first.
Names that match nothing stay as typed, listed for staff to add or merge."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from marketplace import db
from marketplace.accounts.tables import HelperProfile
from marketplace.community.registry import normalise
from marketplace.community.tables import WorkUnit


@dataclass
class Outcome:
    linked: int = 0
    unmatched: Counter[str] = field(default_factory=Counter)  # typed name -> members


async def match_typed(dry_run: bool = False) -> Outcome:
    units: dict[tuple[int | None, str], dict] = {}
    for unit in await WorkUnit.select(WorkUnit.id, WorkUnit.name, WorkUnit.district):
        units.setdefault((unit["district"], normalise(unit["name"])), unit)
    profiles = await HelperProfile.select(
        HelperProfile.id, HelperProfile.work_unit,
        HelperProfile.user.community.street.district).where(
        HelperProfile.work_unit_ref.is_null() & (HelperProfile.work_unit != ""))
    outcome = Outcome()
    async with db.transaction():
        for p in profiles:
            unit = units.get((p["user.community.street.district"], normalise(p["work_unit"])))
            if unit is None:
                outcome.unmatched[p["work_unit"].strip()] += 1
                continue
            outcome.linked += 1
            if not dry_run:
                await HelperProfile.update({HelperProfile.work_unit_ref: unit["id"],
                                            HelperProfile.work_unit: unit["name"]}).where(
                    HelperProfile.id == p["id"])
    return outcome
