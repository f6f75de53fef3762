"""Shared set-up for closing and retention tests: a person with a full history, a photo
on disk, and a scan of every text column of every table."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from piccolo.columns import Text, Varchar
from piccolo.conf.apps import Finder

from marketplace import settings
from marketplace.accounts import service as accounts
from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile
from marketplace.principal import Principal
from marketplace.privacy import consents
from tests.conftest import PASSWORD, World, unique
from tests.pictures import picture


@dataclass
class Person:
    principal: Principal
    name: str
    phone: str
    address: str
    work_unit: str = ""

    @property
    def needles(self) -> list[str]:
        """What must be found nowhere once the account is closed."""
        return [t for t in (self.name, self.phone, self.address, self.principal.login,
                            self.work_unit) if t]


async def person(world: World, *, helper: bool = False) -> Person:
    """A resident with a distinctive name, phone and flat number."""
    name = "王秀英" + unique("")
    phone = "139" + "".join(secrets.choice("0123456789") for _ in range(8))
    address = unique("3单元502室-")
    user_id = await accounts.register(accounts.Registration(
        display_name=name, login=unique("p"), password=PASSWORD,
        community_id=world.community_id, grid_id=world.grid_id,
        building_id=world.building_id, phone=phone, address=address))
    await consents.agree_to_notice(user_id, world.community_id)  # as at sign-up
    work_unit = unique("Unit ") if helper else ""
    if helper:
        await HelperProfile.insert(HelperProfile(
            user=user_id, kind="party_member", status="verified", work_unit=work_unit,
            party_branch=name + " branch"))
    return Person(await sessions.load_principal(user_id), name, phone, address, work_unit)


def stored_photo() -> str:
    """A photo as ``wishes.uploads.save`` leaves it: the file and its small copy."""
    name = f"{secrets.token_urlsafe(18)}.jpg"
    folder = settings.get().upload_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(picture())
    (folder / name.replace(".jpg", "-small.jpg")).write_bytes(picture())
    return name


def photo_exists(name: str) -> bool:
    folder = settings.get().upload_dir
    return (folder / name).exists() or (folder / name.replace(".jpg", "-small.jpg")).exists()


async def text_holding(needle: str) -> list[str]:
    """Every "table.column #id" whose text contains ``needle``, over every table of every
    app (the privacy tables of other branches too, once merged)."""
    found = []
    for table in Finder().get_table_classes():
        pk = table._meta.primary_key
        for column in table._meta.columns:
            if not isinstance(column, (Varchar, Text)):
                continue
            rows = await table.select(pk).where(column.like(f"%{needle}%"))
            found += [f"{table._meta.tablename}.{column._meta.name} #{r[pk._meta.name]}"
                      for r in rows]
    return found


def uploads_holding(needle: str) -> list[str]:
    folder = settings.get().upload_dir
    if not folder.exists():
        return []
    data = needle.encode()
    return [str(p) for p in folder.rglob("*") if p.is_file()
            and (needle in p.name or data in p.read_bytes())]
