"""Who is asking: the signed-in person and what they may do. Plain data, no database;
every service takes one to authorise per object, so it sits below every domain."""

from __future__ import annotations

from dataclasses import dataclass, field

RESIDENT = "resident"
HELPER = "helper"
MERCHANT = "merchant"
STAFF = "staff"
ADMIN = "admin"
STREET = "street"  # street (街道) staff
DISTRICT = "district"  # district (区/县) staff
WORK_UNIT = "work_unit"  # a work unit's contact person (the work-unit portal)
ALL_ROLES = (RESIDENT, HELPER, MERCHANT, STAFF, ADMIN, STREET, DISTRICT, WORK_UNIT)


@dataclass(frozen=True)
class Principal:
    user_id: int
    login: str
    display_name: str
    community_id: int
    language: str = ""
    elder_mode: bool | None = None  # 长辈版 chosen by the person; None: the device decides
    is_admin: bool = False
    staff_community_ids: frozenset[int] = field(default_factory=frozenset)
    helper_status: str | None = None  # pending | verified | declined | None
    helper_kind: str | None = None
    merchant_ids: frozenset[int] = field(default_factory=frozenset)
    street_ids: frozenset[int] = field(default_factory=frozenset)  # street staff of these
    district_ids: frozenset[int] = field(default_factory=frozenset)  # district staff of these
    work_unit_ids: frozenset[int] = field(default_factory=frozenset)  # contact person of these
    # Set when this principal is a resident acted for by someone else (亲友代办, staff for
    # a managed account): who really acts, for the records "done for … by …".
    agent_id: int | None = None
    agent_name: str = ""

    @property
    def roles(self) -> tuple[str, ...]:
        held = [RESIDENT]
        if self.helper_status == "verified":
            held.append(HELPER)
        if self.merchant_ids:
            held.append(MERCHANT)
        if self.staff_community_ids:
            held.append(STAFF)
        if self.is_admin:
            held.append(ADMIN)
        if self.street_ids:
            held.append(STREET)
        if self.district_ids:
            held.append(DISTRICT)
        if self.work_unit_ids:
            held.append(WORK_UNIT)
        return tuple(held)

    @property
    def is_helper(self) -> bool:
        return self.helper_status == "verified"

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_community_ids) or self.is_admin

    @property
    def acting_id(self) -> int:
        """The person who really acts: the agent when acting for someone."""
        return self.agent_id if self.agent_id is not None else self.user_id

    def can_staff(self, community_id: int) -> bool:
        """Staff act only inside their own communities; administrators everywhere."""
        return self.is_admin or community_id in self.staff_community_ids
