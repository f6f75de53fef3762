"""Acting for someone: proxies (亲友代办) and staff for staff-managed accounts.

The one rule, used by every service that lets a person act for a resident:
``may_act_for(actor, resident)`` is true when the actor is the resident, an active proxy
of the resident, or staff of the resident's community while the account is managed by
staff. Staff do not act for residents who run their own account: they keep their staff
powers (review, resolve a dispute), but confirming, rating or spending points is the
resident's — or a proxy's the resident chose. A resident may name a member of staff as a
proxy like anyone else.

``act_for`` turns that rule into a Principal for the resident that carries who really
acts (``agent_id``), with every other power stripped: a proxy acting for a resident is
neither staff, helper nor merchant for them.
"""

from __future__ import annotations

from typing import Any

from marketplace import clock, db
from marketplace.accounts.sessions import normalise_login
from marketplace.accounts.tables import ProxyLink, User
from marketplace.audit import service as audit
from marketplace.db import MAX_ID
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal

MAX_PROXIES = 3  # active proxies per resident: a few family members or neighbours


async def _person(user_id: int) -> dict[str, Any] | None:
    if not 0 < user_id <= MAX_ID:
        return None
    return await User.select(
        User.id, User.login, User.display_name, User.community, User.managed_by_staff,
        User.is_active,
    ).where(User.id == user_id).first()


async def _linked(resident_id: int, proxy_id: int) -> bool:
    return await ProxyLink.exists().where(
        (ProxyLink.resident == resident_id) & (ProxyLink.proxy == proxy_id)
        & (ProxyLink.active == True)  # noqa: E712
    )


def _staff_for(actor: Principal, person: dict[str, Any]) -> bool:
    return bool(person["managed_by_staff"]) and actor.can_staff(int(person["community"]))


async def may_act_for(actor: Principal, resident_id: int) -> bool:
    """The one rule: may ``actor`` take the resident's own steps for them?"""
    if actor.agent_id is not None or resident_id == actor.user_id:
        return may_act_for_person(actor, {"id": resident_id}, linked=False)
    person = await _person(resident_id)
    if person is None:
        return False
    linked = (person["is_active"] and not _staff_for(actor, person)
              and await _linked(resident_id, actor.user_id))
    return may_act_for_person(actor, person, linked=bool(linked))


def may_act_for_person(actor: Principal, person: dict[str, Any], linked: bool) -> bool:
    """``may_act_for`` on facts already read (the wish service reads them with the wish):
    the resident's row (``_person``'s columns) and whether they named ``actor`` a proxy."""
    if actor.agent_id is not None:
        return False  # acting for someone does not pass on: no proxy of a proxy
    if int(person["id"]) == actor.user_id:
        return True
    if not person["is_active"]:
        return False
    return _staff_for(actor, person) or linked


async def act_for(actor: Principal, resident_id: int) -> Principal:
    """The resident as a Principal with only a resident's powers, acted by ``actor``;
    ``actor`` itself when they are the resident. NotFound unless the rule allows it."""
    if resident_id == actor.user_id and actor.agent_id is None:
        return actor
    if not await may_act_for(actor, resident_id):
        raise NotFound(_("You cannot act for that person."))
    person = await _person(resident_id)
    assert person is not None
    return Principal(user_id=int(person["id"]), login=person["login"],
                     display_name=person["display_name"],
                     community_id=int(person["community"]), agent_id=actor.user_id,
                     agent_name=actor.display_name)


async def acts_for(actor: Principal) -> list[dict[str, Any]]:
    """Everyone ``actor`` may act for besides themselves, by name: those who chose them as
    proxy, and for staff the managed accounts of their communities."""
    rows = await ProxyLink.select(
        ProxyLink.resident.id, ProxyLink.resident.display_name,
    ).where(
        (ProxyLink.proxy == actor.user_id) & (ProxyLink.active == True)  # noqa: E712
        & (ProxyLink.resident.is_active == True)  # noqa: E712
    )
    people = {int(r["resident.id"]): r["resident.display_name"] for r in rows}
    if actor.staff_community_ids:
        managed = await User.select(User.id, User.display_name).where(
            User.community.is_in(list(actor.staff_community_ids))
            & (User.managed_by_staff == True) & (User.is_active == True)  # noqa: E712
        ).limit(500)
        people.update({int(r["id"]): r["display_name"] for r in managed})
    return sorted(({"id": k, "display_name": v} for k, v in people.items()),
                  key=lambda p: p["display_name"])


async def agents_of(resident_id: int) -> list[int]:
    """Who acts for the resident through a link (the proxies), for notifications that
    ask for the resident's step; staff of a managed account are told by the caller."""
    rows = await ProxyLink.select(ProxyLink.proxy).where(
        (ProxyLink.resident == resident_id) & (ProxyLink.active == True))  # noqa: E712
    return [int(r["proxy"]) for r in rows]


# --- links ----------------------------------------------------------------------------


async def _may_manage(actor: Principal, resident: dict[str, Any]) -> None:
    """Links of a resident are set by the resident or by staff of their community."""
    if actor.agent_id is not None or not (
        actor.user_id == resident["id"] or actor.can_staff(int(resident["community"]))
    ):
        raise NotFound(_("No such person."))


async def add(actor: Principal, resident_id: int, proxy_login: str) -> int:
    """Name the account with ``proxy_login`` a proxy of the resident; audited."""
    resident = await _person(resident_id)
    if resident is None:
        raise NotFound(_("No such person."))
    await _may_manage(actor, resident)
    login = normalise_login(proxy_login)
    if not login:
        raise DomainError(_("Please enter the proxy's login."), "proxy_login")
    async with db.transaction():
        # Serialises concurrent adds for one resident, so the limit holds (PostgreSQL).
        await db.lock_row(User, resident_id)
        proxy = await User.select(User.id, User.is_active).where(User.login == login).first()
        if proxy is None or not proxy["is_active"]:
            raise DomainError(_("No account has that login."), "proxy_login")
        if int(proxy["id"]) == resident_id:
            raise DomainError(_("A person cannot be their own proxy."), "proxy_login")
        if await _linked(resident_id, int(proxy["id"])):
            raise Conflict(_("That person is already a proxy."), "proxy_login")
        count = await ProxyLink.count().where(
            (ProxyLink.resident == resident_id) & (ProxyLink.active == True))  # noqa: E712
        if count >= MAX_PROXIES:
            raise Conflict(_("A resident may have at most %(n)s proxies. Remove one "
                             "first.", n=MAX_PROXIES), "proxy_login")
        rows = await ProxyLink.insert(ProxyLink(
            resident=resident_id, proxy=int(proxy["id"]), added_by=actor.user_id,
        )).returning(ProxyLink.id)
        await audit.record(actor.user_id, int(resident["community"]), "proxy_added", "user",
                           resident_id, f"proxy user {proxy['id']}")
    return int(rows[0]["id"])


async def revoke(actor: Principal, link_id: int) -> dict[str, Any]:
    """End a link: the resident, the proxy or staff of the resident's community may."""
    async with db.transaction():
        link = None
        if 0 < link_id <= MAX_ID:
            link = await ProxyLink.select(
                ProxyLink.all_columns(), ProxyLink.resident.community,
            ).where(ProxyLink.id == link_id).first()
        if link is None or actor.agent_id is not None or not (
            actor.user_id in (link["resident"], link["proxy"])
            or actor.can_staff(int(link["resident.community"]))
        ):
            raise NotFound(_("No such proxy."))
        ended = await ProxyLink.update({
            ProxyLink.active: False, ProxyLink.revoked_by: actor.user_id,
            ProxyLink.revoked_at: clock.now(),
        }).where((ProxyLink.id == link_id) & (ProxyLink.active == True)  # noqa: E712
                 ).returning(ProxyLink.id)
        if not ended:
            raise Conflict(_("This proxy was already removed."))
        await audit.record(actor.user_id, int(link["resident.community"]), "proxy_revoked",
                           "user", int(link["resident"]), f"proxy user {link['proxy']}")
    return link


async def links(actor: Principal, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """A person's links both ways, for their Me page or for staff: ``proxies`` (who may act
    for them) and ``acting_for`` (whom they may act for), active ones only."""
    person = await _person(user_id)
    if person is None:
        raise NotFound(_("No such person."))
    await _may_manage(actor, person)
    columns = (ProxyLink.id, ProxyLink.added_at, ProxyLink.added_by.display_name,
               ProxyLink.resident.id, ProxyLink.resident.display_name,
               ProxyLink.proxy.id, ProxyLink.proxy.display_name, ProxyLink.proxy.login)
    active = ProxyLink.active == True  # noqa: E712
    return {
        "proxies": await ProxyLink.select(*columns).where(
            (ProxyLink.resident == user_id) & active).order_by(ProxyLink.id),
        "acting_for": await ProxyLink.select(*columns).where(
            (ProxyLink.proxy == user_id) & active).order_by(ProxyLink.id),
    }
