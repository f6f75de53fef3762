"""Posting a wish: for oneself, for a resident (staff, 红色代办, or a proxy), and again
from a wish that was not accepted or was withdrawn. Re-exported by ``service``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marketplace import clock, db
from marketplace.accounts import proxies
from marketplace.accounts.tables import User
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.wishes import core
from marketplace.wishes.rules import DESCRIPTION_MAX, TITLE_MAX, TITLE_MIN, Role, State
from marketplace.wishes.tables import Category, Wish


@dataclass
class NewWish:
    category_id: int
    title: str
    description: str = ""
    wished_by: date | None = None
    photo: str = ""


def text_problems(title: str, description: str) -> dict[str, str]:
    """Why the title or the description cannot be used, by field; the form asks before
    anything else fails, so every such problem shows at once. Too long is refused, never
    cut: the person chooses what to leave out."""
    problems: dict[str, str] = {}
    if not TITLE_MIN <= len(title.strip()) <= TITLE_MAX:
        problems["title"] = _("Please give the wish a short title (%(low)s–%(high)s "
                              "characters).", low=TITLE_MIN, high=TITLE_MAX)
    if len(description.strip()) > DESCRIPTION_MAX:
        problems["description"] = _("The description is too long (%(n)s characters at "
                                    "most).", n=DESCRIPTION_MAX)
    return problems


async def owner_by_login(actor: Principal, login: str) -> int | None:
    """The resident a staff member posts for (红色代办), by login; None when none is given."""
    login = login.strip().lower()
    if not login:
        return None
    if not actor.is_staff:  # before the lookup: nobody else learns which logins exist
        raise Forbidden(_("Only staff can post a wish on behalf of a resident."))
    owner = await User.select(User.id).where(User.login == login).first()
    if owner is None:
        raise DomainError(_("No resident has that login."), "owner_login")
    return int(owner["id"])


async def post_wish(actor: Principal, wish: NewWish, owner_id: int | None = None) -> int:
    """A resident posts for themselves; staff may post for a resident (红色代办)."""
    owner_id = owner_id or actor.user_id
    title, description = wish.title.strip(), wish.description.strip()
    if problems := text_problems(title, description):
        field, problem = next(iter(problems.items()))
        raise DomainError(problem, field)
    if wish.wished_by is not None and wish.wished_by < clock.today():
        raise DomainError(_("The wished-by date is in the past."), "wished_by")
    owner = await User.select(User.id, User.community, User.grid, User.building).where(
        User.id == owner_id).first()
    if owner is None:
        raise NotFound(_("No such resident."), "owner")
    community_id = int(owner["community"])
    # 红色代办: staff post for any resident of their community; proxies for theirs.
    if owner_id != actor.user_id and not (actor.can_staff(community_id)
                                          or await proxies.may_act_for(actor, owner_id)):
        raise Forbidden(_("Only staff can post a wish on behalf of a resident."))
    if not 0 < wish.category_id <= core.MAX_ID:
        raise DomainError(_("Please choose a category."), "category")
    category = await Category.select().where(
        (Category.id == wish.category_id) & (Category.community == community_id)
        & (Category.active == True)  # noqa: E712
    ).first()
    if category is None:
        raise DomainError(_("Please choose a category."), "category")
    async with db.transaction():
        rows = await Wish.insert(Wish(
            community=community_id, grid=owner["grid"], building=owner["building"],
            owner=owner_id, posted_by=actor.user_id, category=wish.category_id, title=title,
            description=description, wished_by=wish.wished_by, photo=wish.photo,
            points=category["default_points"],
        )).returning(Wish.id)
        wish_id = int(rows[0]["id"])
        on_behalf_of = None if owner_id == actor.user_id else owner_id
        if on_behalf_of is not None:
            await core.done_for({"id": wish_id, "owner": owner_id, "community": community_id,
                                 "title": title}, "post", actor)
        await core.event({"id": wish_id, "community": community_id}, actor.user_id, "post",
                         "", State.PENDING,
                         on_behalf_of=on_behalf_of)
    return wish_id


async def repost_values(actor: Principal, wish_id: int) -> tuple[dict[str, str], int]:
    """A rejected or withdrawn wish's title, category and description, to post it again
    changed (its owner, or who acts for them): nobody types it all anew. With the owner's
    id (whom a proxy posts for)."""
    wish, roles = await core.visible(actor, wish_id)
    if Role.OWNER not in roles:
        raise Forbidden(_("Only the wish's owner can post it again."))
    if wish["status"] not in (State.REJECTED, State.CANCELLED):
        raise DomainError(_("Only a wish that was not accepted or was withdrawn is posted "
                            "again."))
    return ({"title": wish["title"], "category": str(wish["category"]),
             "description": wish["description"]}, int(wish["owner"]))
