"""Finding people: the staff member list and the person pickers of every staff form.

Staff see the members of their own communities, administrators everyone's. Filters that
belong to other domains (who is in need, how many claims a helper holds) are handed in as
sets of ids by the page, so accounts stay ignorant of those domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace import paging, textsearch
from marketplace.accounts.sessions import normalise_login
from marketplace.accounts.tables import HelperProfile, StaffMembership, User
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal

PAGE_SIZE = 30
SEARCH_MAX = 64  # characters of a search that are used: a login is at most 64
PICK_MAX = 8  # suggestions a picker shows; more means "type more"
ROLES = ("helper", "staff", "admin")
HELPER_STATUSES = ("none", "pending", "verified", "declined")


@dataclass(frozen=True)
class MemberFilter:
    community_id: int
    text: str = ""
    grid_id: int | None = None
    building_id: int | None = None
    role: str = ""  # one of ROLES, or "" for everyone
    helper_status: str = ""  # one of HELPER_STATUSES, or ""
    only_ids: frozenset[int] | None = None  # e.g. the residents in need; None: no limit
    before: int | None = None


def require_staff(actor: Principal, community_id: int | None) -> None:
    """Staff of the community; everyone's (None) for administrators only."""
    allowed = actor.is_admin if community_id is None else actor.can_staff(community_id)
    if not allowed:
        raise Forbidden(_("This page is for staff of that community."))


def _in(community_id: int | None, among: tuple[int, ...] | None = None) -> Any:
    """Active people of the community (None: of every community), or of ``among``."""
    active = User.is_active == True  # noqa: E712
    if among is not None:
        return active & User.community.is_in(list(among) or [0])
    return active if community_id is None else active & (User.community == community_id)


def _check(actor: Principal, community_id: int | None, among: tuple[int, ...] | None) -> None:
    # ``among``: communities the calling service has authorised already (street staff
    # picking a helper from any community of their street, see wishes.street).
    if among is None:
        require_staff(actor, community_id)


def text_condition(text: str) -> Any:
    """Name or login containing the text; digits also match the end of the phone number
    (staff ask "the last four digits?" on the phone)."""
    like = textsearch.contains(text)
    condition = User.display_name.ilike(like) | User.login.ilike(like)
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit():
        condition = condition | User.phone.ilike("%" + digits)
    return condition


async def _role_condition(f: MemberFilter) -> Any:
    if f.role == "admin":
        return User.is_admin == True  # noqa: E712
    if f.role == "staff":
        ids = await StaffMembership.select(StaffMembership.user).where(
            (StaffMembership.community == f.community_id)
            & (StaffMembership.active == True))  # noqa: E712
        return User.id.is_in([r["user"] for r in ids] or [0])
    if f.role == "helper":
        return User.id.is_in(HelperProfile.select(HelperProfile.user).where(
            HelperProfile.status == "verified"))
    return None


async def search(actor: Principal, f: MemberFilter) -> paging.Page:
    """One page of the community's members matching ``f``, newest accounts first."""
    require_staff(actor, f.community_id)
    query = User.select(User.id, User.login, User.display_name, User.phone, User.is_active,
                        User.is_admin, User.managed_by_staff, User.grid.name,
                        User.building.name).where(User.community == f.community_id)
    if f.text.strip():
        query = query.where(text_condition(f.text.strip()[:SEARCH_MAX]))
    if f.grid_id is not None:
        query = query.where(User.grid == f.grid_id)
    if f.building_id is not None:
        query = query.where(User.building == f.building_id)
    if (role := await _role_condition(f)) is not None:
        query = query.where(role)
    if f.helper_status == "none":
        query = query.where(User.id.not_in(HelperProfile.select(HelperProfile.user)))
    elif f.helper_status in HELPER_STATUSES:
        query = query.where(User.id.is_in(HelperProfile.select(HelperProfile.user).where(
            HelperProfile.status == f.helper_status)))
    if f.only_ids is not None:
        query = query.where(User.id.is_in(sorted(f.only_ids) or [0]))
    found = await paging.newest_first(query, User.id, f.before, PAGE_SIZE)
    await _add_roles(found.rows, f.community_id)
    return found


async def _add_roles(rows: list[dict[str, Any]], community_id: int) -> None:
    """Each row's helper status and whether they are staff here: two queries a page."""
    ids = [r["id"] for r in rows]
    if not ids:
        return
    helpers = {r["user"]: r["status"] for r in await HelperProfile.select(
        HelperProfile.user, HelperProfile.status).where(HelperProfile.user.is_in(ids))}
    staff = {r["user"] for r in await StaffMembership.select(StaffMembership.user).where(
        StaffMembership.user.is_in(ids) & (StaffMembership.community == community_id)
        & (StaffMembership.active == True))}  # noqa: E712
    for row in rows:
        row["helper_status"] = helpers.get(row["id"])
        row["is_staff"] = row["id"] in staff


async def member(actor: Principal, user_id: int) -> dict[str, Any]:
    """One member's profile, roles and helper record, for staff of their community."""
    row = await User.select(
        User.id, User.login, User.display_name, User.phone, User.address, User.is_active,
        User.is_admin, User.managed_by_staff, User.created_at, User.last_login_at,
        User.community.id, User.community.name, User.grid, User.grid.name, User.building,
        User.building.name,
    ).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such person."))
    require_staff(actor, int(row["community.id"]))
    row["helper"] = await HelperProfile.select().where(HelperProfile.user == user_id).first()
    row["staff_of"] = await StaffMembership.select(
        StaffMembership.community.name, StaffMembership.grid.name).where(
        (StaffMembership.user == user_id) & (StaffMembership.active == True))  # noqa: E712
    return row


async def pick(actor: Principal, community_id: int | None, text: str, *,
               helpers_only: bool = False, among: tuple[int, ...] | None = None
               ) -> list[dict[str, Any]]:
    """People of the community (None: of all, for administrators appointing staff of a
    new community) whose name, login or phone ending matches ``text``, for a picker, by
    name: at most ``PICK_MAX`` + 1 (one more says "type more")."""
    _check(actor, community_id, among)
    text = text.strip()[:SEARCH_MAX]
    if not text:
        return []
    query = User.select(User.id, User.login, User.display_name, User.grid.name).where(
        _in(community_id, among) & text_condition(text))
    if helpers_only:
        query = query.where(User.id.is_in(HelperProfile.select(HelperProfile.user).where(
            HelperProfile.status == "verified")))
    return await query.order_by(User.display_name).limit(PICK_MAX + 1)


class Ambiguous(DomainError):
    """Several people match what was typed: the form shows them to choose from."""

    def __init__(self, message: str, field: str, choices: list[dict[str, Any]]) -> None:
        super().__init__(message, field)
        self.choices = choices


async def resolve(actor: Principal, community_id: int | None, text: str, chosen: int | None, *,
                  helpers_only: bool = False, field: str = "person",
                  among: tuple[int, ...] | None = None) -> int:
    """The person a picker names: the one chosen from its list (``chosen``), else the one
    whose login is exactly ``text``, else the only match. Several matches raise
    ``Ambiguous`` with them; none, a polite DomainError on the field."""
    _check(actor, community_id, among)
    if chosen is not None:
        found = await _candidates(community_id, helpers_only, User.id == chosen, among)
        if found:
            return int(found[0]["id"])
        raise DomainError(_("Please choose a verified helper of this community.")
                          if helpers_only else _("Please choose a member of this community."),
                          field)
    text = text.strip()[:SEARCH_MAX]
    if not text:
        raise DomainError(_("Please type a name, login or the last digits of a phone."),
                          field)
    exact = await _candidates(community_id, helpers_only, User.login == normalise_login(text),
                              among)
    if exact:
        return int(exact[0]["id"])
    matches = await pick(actor, community_id, text, helpers_only=helpers_only, among=among)
    if len(matches) == 1:
        return int(matches[0]["id"])
    if not matches:
        raise DomainError(_("Nobody matches “%(text)s”.", text=text), field)
    raise Ambiguous(_("Several people match “%(text)s”: please choose one.", text=text),
                    field, matches)


async def _candidates(community_id: int | None, helpers_only: bool, condition: Any,
                      among: tuple[int, ...] | None = None) -> list[dict[str, Any]]:
    query = User.select(User.id).where(_in(community_id, among) & condition)
    if helpers_only:
        query = query.where(User.id.is_in(HelperProfile.select(HelperProfile.user).where(
            HelperProfile.status == "verified")))
    return await query


async def in_community(user_id: int, community_id: int) -> bool:
    return await User.exists().where((User.id == user_id) & (User.community == community_id))
