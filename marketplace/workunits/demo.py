"""Demo work units (单位名册): a handful in the demo community's registry (its district's,
or the one without district when the community is under no street), the demo party
members linked to theirs, one unit a member asked for, and a contact person ("unit")."""

from __future__ import annotations

from marketplace.accounts.tables import HelperProfile, User, WorkUnitContact
from marketplace.community import registry
from marketplace.community.tables import WorkUnit

# (name, party organisation, contact, phone, declared on-the-job party members)
UNITS = [
    ("潍城区税务局", "潍城区税务局机关党委", "黄科长", "0536-8201234", 45),
    ("潍城区教育局", "潍城区教育局机关党支部", "马老师", "0536-8202345", 60),
    ("潍坊市第二人民医院", "潍坊市第二人民医院党委", "林主任", "0536-8203456", 120),
    ("潍城区城市管理局", "潍城区城市管理局党组", "高科长", "0536-8204567", 38),
    ("中国银行潍城支行", "中国银行潍城支行党支部", "许行长", "0536-8205678", 25),
]
REQUESTED = "潍城区供电所"  # asked for by a member, waiting for staff to accept or merge
CONTACT_LOGIN, CONTACT_UNIT = "unit", "潍城区税务局"


async def load(community_id: int, admin_id: int) -> None:
    district_id = await registry.district_of(community_id)
    ids: dict[str, int] = {}
    for name, org, contact, phone, members in UNITS:
        row = await WorkUnit.insert(WorkUnit(
            district=district_id, name=name, party_org=org, contact_name=contact,
            contact_phone=phone, party_members=members)).returning(WorkUnit.id)
        ids[name] = int(row[0]["id"])
    asked = await WorkUnit.insert(WorkUnit(district=district_id, name=REQUESTED,
                                           status="requested")).returning(WorkUnit.id)
    ids[REQUESTED] = int(asked[0]["id"])
    # The demo's party members typed their unit before the registry: link them by name.
    members = await HelperProfile.select(HelperProfile.id, HelperProfile.work_unit).where(
        HelperProfile.kind == "party_member")
    for member in members:
        unit_id = next((i for name, i in ids.items()
                        if registry.normalise(name) == registry.normalise(member["work_unit"])),
                       None)
        if unit_id is not None:
            await HelperProfile.update({HelperProfile.work_unit_ref: unit_id}).where(
                HelperProfile.id == member["id"])
    contact = await User.select(User.id).where(User.login == CONTACT_LOGIN).first()
    if contact is not None:
        await WorkUnitContact.insert(WorkUnitContact(
            user=contact["id"], work_unit=ids[CONTACT_UNIT], created_by=admin_id))
