"""Whom staff may appoint as a work unit's contact, and the picker that finds them.

Administrators may appoint anyone. District staff may appoint anyone whose exact login or
phone they are told (the unit's contact often lives outside the district), but a search by
name only finds people of the unit's district's communities: district staff see roll-ups,
not the county's residents. The choices show the name, community, grid and a masked phone
(PIPL: enough to tell two 王芳 apart, not to call them); the login only for administrators.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts import members
from marketplace.accounts.managed import mask_phone
from marketplace.accounts.sessions import normalise_login
from marketplace.accounts.tables import User
from marketplace.community import areas
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal

PICK_MAX = members.PICK_MAX
SEARCH_MAX = members.SEARCH_MAX


class Choose(DomainError):
    """The search found people (or too many): the form comes back with them to choose
    from, one of them then posted as ``person_id`` (the confirmation)."""

    def __init__(self, message: str, choices: list[dict[str, Any]]) -> None:
        super().__init__(message, "person")
        self.choices = choices


async def scope(actor: Principal, unit_row: dict[str, Any]) -> tuple[int, ...] | None:
    """The communities whose people a search finds: None (everyone) for administrators,
    else those of the unit's district (the unit is one the actor keeps: ``service.unit``)."""
    if actor.is_admin:
        return None
    district = unit_row["district"]
    if district is None:  # only administrators keep the registry without district
        return ()
    return tuple(int(c["id"]) for c in await areas.communities_of_district(int(district)))


def _within(among: tuple[int, ...] | None) -> Any:
    active = User.is_active == True  # noqa: E712
    return active if among is None else active & User.community.is_in(list(among) or [0])


async def search(actor: Principal, among: tuple[int, ...] | None, text: str
                 ) -> list[dict[str, Any]]:
    """At most ``PICK_MAX`` + 1 people matching ``text`` (one more says "type more"), by
    name, each with only what tells them apart."""
    text = text.strip()[:SEARCH_MAX]
    if not text:
        return []
    rows = await User.select(
        User.id, User.display_name, User.login, User.phone, User.community.name,
        User.grid.name).where(_within(among) & members.text_condition(text)).order_by(
        User.display_name).order_by(User.id).limit(PICK_MAX + 1)
    return [{"id": r["id"], "display_name": r["display_name"],
             "login": r["login"] if actor.is_admin else "",
             "community": r["community.name"] or "", "grid": r["grid.name"] or "",
             "phone": mask_phone(r["phone"]) if r["phone"] else ""} for r in rows]


async def person(actor: Principal, among: tuple[int, ...] | None, text: str,
                 chosen: int | None) -> int:
    """The person to appoint: the one chosen from the list (refused unless the search
    could have offered them), else the account whose login or phone is exactly ``text``
    (anyone, as before the picker), else ``Choose`` with the people the name finds."""
    if chosen is not None:
        found = await User.select(User.id).where(_within(among) & (User.id == chosen)).first()
        if found is None:
            raise DomainError(_("That person cannot be appointed here: please search and "
                                "choose from the list."), "person")
        return int(found["id"])
    text = text.strip()[:SEARCH_MAX]
    if not text:
        raise DomainError(_("Please type a name, login or the last digits of a phone."),
                          "person")
    exact = await User.select(User.id).where(
        (User.is_active == True)  # noqa: E712
        & ((User.login == normalise_login(text)) | (User.phone == text))).limit(2)
    if len(exact) == 1:
        return int(exact[0]["id"])
    choices = await search(actor, among, text)
    if not choices:
        raise DomainError(nobody(actor, text), "person")
    if len(choices) > PICK_MAX:
        raise Choose(_("More than %(n)s people match “%(text)s”: type more of the name, "
                       "or the last digits of their phone.", n=PICK_MAX, text=text),
                     choices)
    raise Choose(_("Choose the person, then press Appoint."), choices)


def nobody(actor: Principal, text: str) -> str:
    if actor.is_admin:
        return _("Nobody matches “%(text)s”: ask them to register first.", text=text)
    return _("Nobody in this district's communities matches “%(text)s”: type their exact "
             "login or phone, or ask them to register first.", text=text)
