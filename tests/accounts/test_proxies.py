"""Acting for someone: proxies (亲友代办) and staff for staff-managed accounts (issue 14).

One rule (``proxies.may_act_for``) decides; these tests walk it through the steps a
resident takes — post, confirm with rating, dispute, cancel, get a code — and check that
each step done for someone says so on the timeline, in the audit log and to the resident.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from marketplace.accounts import managed, proxies, sessions
from marketplace.audit.tables import AuditEvent
from marketplace.errors import AppError, Conflict, DomainError, Forbidden, NotFound
from marketplace.ledger import service as ledger
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.rewards import service as rewards
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Wish
from tests.conftest import World
from tests.rewards.helpers import other_world, shop
from tests.wishes.helpers import open_wish, status


async def _managed(world: World, staff: Principal, name: str = "Granny Li") -> int:
    return await managed.create(staff, managed.ManagedAccount(
        display_name=name, community_id=world.community_id, grid_id=world.grid_id,
        building_id=world.building_id, address="Unit 2, room 301"))


async def _fulfilled(world: World, owner: Principal, staff: Principal,
                     helper: Principal) -> int:
    wish_id = await open_wish(world, owner, staff, points=12)
    await wishes.claim(helper, wish_id)
    await wishes.fulfil(helper, wish_id, "Mended it.", 60)
    return wish_id


async def _acted_for_lines(target_type: str, target_id: int) -> list[dict]:
    return await AuditEvent.select().where(
        (AuditEvent.action == "acted_for") & (AuditEvent.target_type == target_type)
        & (AuditEvent.target_id == target_id))


async def test_a_proxy_confirms_with_rating_and_the_helper_is_paid(world: World) -> None:
    resident, daughter = await world.person(name="Old Wang"), await world.person(name="Mei")
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    await proxies.add(resident, resident.user_id, daughter.login)
    wish_id = await _fulfilled(world, resident, staff, helper)

    assert "wish_fulfilled_for" in await notifications.kinds_sent(daughter.user_id)
    await wishes.confirm(daughter, wish_id, 4, "Thank you from Dad")

    assert await status(wish_id) == "confirmed"
    row = await Wish.select(Wish.rating).where(Wish.id == wish_id).first()
    assert row["rating"] == 4
    assert (await ledger.balance(helper.user_id)).balance == 12
    last = (await wishes.history(wish_id))[-1]
    assert last["actor"] == daughter.user_id
    assert last["on_behalf_of"] == resident.user_id and last["note"] == "Thank you from Dad"
    assert len(await _acted_for_lines("wish", wish_id)) == 1
    assert "done_for_you_confirm" in await notifications.kinds_sent(resident.user_id)


async def test_a_revoked_proxy_can_no_longer_act(world: World) -> None:
    resident, son = await world.person(), await world.person()
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    link_id = await proxies.add(resident, resident.user_id, son.login)
    wish_id = await _fulfilled(world, resident, staff, helper)
    category = (await wishes.categories(world.community_id))[0]["id"]

    await proxies.revoke(resident, link_id)

    assert not await proxies.may_act_for(son, resident.user_id)
    with pytest.raises((Forbidden, NotFound)):
        await wishes.confirm(son, wish_id, 5)
    with pytest.raises((Forbidden, NotFound)):
        await wishes.dispute(son, wish_id, "Not done")
    with pytest.raises(Forbidden):
        await wishes.post_wish(son, wishes.NewWish(category, "Buy bread"), resident.user_id)
    with pytest.raises(NotFound):
        await proxies.act_for(son, resident.user_id)
    assert await status(wish_id) == "fulfilled"
    with pytest.raises(Conflict):
        await proxies.revoke(son, link_id)  # already ended: said so, nothing written


async def test_either_side_or_staff_may_end_a_link_and_nobody_else(world: World) -> None:
    resident, proxy, stranger = (await world.person(), await world.person(),
                                 await world.person())
    staff = await world.person(staff=True)
    for ender in (resident, proxy, staff):
        link_id = await proxies.add(resident, resident.user_id, proxy.login)
        with pytest.raises(NotFound):
            await proxies.revoke(stranger, link_id)
        await proxies.revoke(ender, link_id)
        assert not await proxies.may_act_for(proxy, resident.user_id)


async def test_at_most_three_proxies(world: World) -> None:
    resident = await world.person()
    helpers = [await world.person() for _n in range(4)]
    for person in helpers[:3]:
        await proxies.add(resident, resident.user_id, person.login)
    with pytest.raises(Conflict) as refused:
        await proxies.add(resident, resident.user_id, helpers[3].login)
    assert refused.value.field == "proxy_login"
    with pytest.raises(Conflict):
        await proxies.add(resident, resident.user_id, helpers[0].login)  # twice
    with pytest.raises(DomainError):
        await proxies.add(resident, resident.user_id, resident.login)  # oneself
    with pytest.raises(DomainError):
        await proxies.add(resident, resident.user_id, "nobody-has-this")
    links = await proxies.links(resident, resident.user_id)
    assert [p["proxy.id"] for p in links["proxies"]] == [p.user_id for p in helpers[:3]]
    seen_by_proxy = await proxies.links(helpers[0], helpers[0].user_id)
    assert [p["resident.id"] for p in seen_by_proxy["acting_for"]] == [resident.user_id]


async def test_the_limit_holds_when_proxies_are_added_at_once(world: World) -> None:
    import asyncio

    resident = await world.person()
    people = [await world.person() for _n in range(6)]
    results = await asyncio.gather(
        *(proxies.add(resident, resident.user_id, p.login) for p in people),
        return_exceptions=True)
    assert sum(isinstance(r, int) for r in results) == proxies.MAX_PROXIES
    assert all(isinstance(r, (int, Conflict)) for r in results), results
    links = await proxies.links(resident, resident.user_id)
    assert len(links["proxies"]) == proxies.MAX_PROXIES


async def test_only_the_resident_or_their_staff_add_proxies(world: World) -> None:
    resident, proxy, neighbour = (await world.person(), await world.person(),
                                  await world.person())
    elsewhere = await other_world()
    foreign_staff = await elsewhere.person(staff=True)
    for outsider in (neighbour, foreign_staff):
        with pytest.raises(NotFound):
            await proxies.add(outsider, resident.user_id, proxy.login)
    staff = await world.person(staff=True)
    await proxies.add(staff, resident.user_id, proxy.login)
    assert await proxies.may_act_for(proxy, resident.user_id)


async def test_staff_act_for_managed_residents_only(world: World) -> None:
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    granny_id = await _managed(world, staff)
    granny = await sessions.load_principal(granny_id)
    own_account = await world.person()
    assert await proxies.may_act_for(staff, granny_id)
    assert not await proxies.may_act_for(staff, own_account.user_id)

    for_granny = await _fulfilled(world, granny, staff, helper)
    assert "wish_fulfilled_for" in await notifications.kinds_sent(staff.user_id)
    await wishes.confirm(staff, for_granny, 5, "She is very pleased")
    assert await status(for_granny) == "confirmed"
    assert "done_for_you_confirm" in await notifications.kinds_sent(granny_id)

    not_theirs = await _fulfilled(world, own_account, staff, helper)
    with pytest.raises(Forbidden):
        await wishes.confirm(staff, not_theirs, 5)  # the resident confirms their own
    assert await status(not_theirs) == "fulfilled"


async def test_staff_of_another_community_cannot_create_or_act(world: World) -> None:
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    granny_id = await _managed(world, staff)
    granny = await sessions.load_principal(granny_id)
    foreign_staff = await (await other_world()).person(staff=True)
    with pytest.raises(NotFound):
        await _managed(world, foreign_staff)
    assert not await proxies.may_act_for(foreign_staff, granny_id)
    wish_id = await _fulfilled(world, granny, staff, helper)
    with pytest.raises((Forbidden, NotFound)):
        await wishes.confirm(foreign_staff, wish_id, 5)
    with pytest.raises(NotFound):
        await managed.issue_activation(foreign_staff, granny_id)
    with pytest.raises(AppError):
        await wishes.post_wish(foreign_staff, wishes.NewWish(1, "Buy bread"), granny_id)
    assert await status(wish_id) == "fulfilled"


async def test_a_proxy_posts_disputes_and_cancels_for_the_resident(world: World) -> None:
    resident, proxy = await world.person(name="Aunt Zhao"), await world.person(name="Lin")
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    await proxies.add(resident, resident.user_id, proxy.login)
    category = await wishes.add_category(staff, world.community_id, "Shopping", 10)

    posted = await wishes.post_wish(proxy, wishes.NewWish(category, "Buy medicine"),
                                    resident.user_id)
    wish = await Wish.select().where(Wish.id == posted).first()
    assert (wish["owner"], wish["posted_by"]) == (resident.user_id, proxy.user_id)
    await wishes.cancel(proxy, posted)
    assert await status(posted) == "cancelled"

    disputed = await _fulfilled(world, resident, staff, helper)
    await wishes.dispute(proxy, disputed, "The fence still wobbles")
    assert await status(disputed) == "disputed"
    kinds = await notifications.kinds_sent(resident.user_id)
    for kind in ("done_for_you_post", "done_for_you_cancel", "done_for_you_dispute"):
        assert kind in kinds
    steps = await wishes.history(posted)
    assert [(e["action"], e["actor"], e["on_behalf_of"]) for e in steps] == [
        ("post", proxy.user_id, resident.user_id), ("cancel", proxy.user_id, resident.user_id)]


async def test_a_proxy_never_pays_themselves(world: World) -> None:
    """A proxy who is also a helper cannot claim the resident's wish, nor confirm it."""
    resident, staff = await world.person(), await world.person(staff=True)
    helper_proxy = await world.person(helper=True)
    await proxies.add(resident, resident.user_id, helper_proxy.login)
    wish_id = await open_wish(world, resident, staff)
    with pytest.raises(Forbidden):
        await wishes.claim(helper_proxy, wish_id)


async def test_acting_does_not_pass_on(world: World) -> None:
    """A proxy's own proxy may not act for the first resident."""
    resident, proxy, proxys_proxy = (await world.person(), await world.person(),
                                     await world.person())
    await proxies.add(resident, resident.user_id, proxy.login)
    await proxies.add(proxy, proxy.user_id, proxys_proxy.login)
    assert not await proxies.may_act_for(proxys_proxy, resident.user_id)
    acting = await proxies.act_for(proxy, resident.user_id)
    assert not await proxies.may_act_for(acting, resident.user_id)
    assert not acting.is_staff and not acting.is_helper and not acting.merchant_ids


async def test_a_proxy_gets_a_code_with_the_residents_points(world: World) -> None:
    the_shop = await shop(world, price=10)
    resident, proxy = await world.person(name="Grandpa"), await world.person(name="Bo")
    await ledger.award(world.community_id, resident.user_id, 30, "award", "test", None, "",
                       "proxy-test-award")
    await proxies.add(resident, resident.user_id, proxy.login)

    code = await rewards.issue(await proxies.act_for(proxy, resident.user_id),
                               the_shop.offer_id)

    assert code["resident"] == resident.user_id
    assert (await ledger.balance(resident.user_id)).available == 20
    assert (await ledger.balance(proxy.user_id)).available == 0
    assert (await rewards.own_code(proxy, int(code["id"])))["resident"] == resident.user_id
    assert len(await _acted_for_lines("redeem_code", int(code["id"]))) == 1
    assert "done_for_you_code" in await notifications.kinds_sent(resident.user_id)
    stranger = await world.person()
    with pytest.raises(NotFound):
        await rewards.own_code(stranger, int(code["id"]))


async def test_a_proxy_renews_the_residents_code_with_the_residents_points(
        world: World) -> None:
    the_shop = await shop(world, price=10)
    resident, proxy = await world.person(name="Grandma"), await world.person(name="Mei")
    await ledger.award(world.community_id, resident.user_id, 30, "award", "test", None, "",
                       "proxy-renew-award")
    await ledger.award(world.community_id, proxy.user_id, 30, "award", "test", None, "",
                       "proxy-renew-own")
    await proxies.add(resident, resident.user_id, proxy.login)
    old = await rewards.issue(await proxies.act_for(proxy, resident.user_id),
                              the_shop.offer_id)

    new = await rewards.renew(proxy, int(old["id"]))

    assert new["resident"] == resident.user_id
    assert (await ledger.balance(resident.user_id)).available == 20
    assert (await ledger.balance(proxy.user_id)).available == 30


async def test_activation_code_works_once_and_ends_staff_management(world: World) -> None:
    staff = await world.person(staff=True)
    granny_id = await _managed(world, staff)
    issued = await managed.issue_activation(staff, granny_id)
    with pytest.raises(DomainError):
        await managed.activate(managed.Activation("WRONG-CODE1", "granny-li", "plum tree 42"),
                               "10.9.0.1")
    with pytest.raises(DomainError) as bad_login:  # the code stays good for a second try
        await managed.activate(managed.Activation(issued["code"], "x", "plum tree 42"),
                               "10.9.0.1")
    assert bad_login.value.field == "login"
    await managed.activate(managed.Activation(issued["code"].lower(), "granny-li",
                                              "plum tree 42"), "10.9.0.1")
    signed = await sessions.sign_in("granny-li", "plum tree 42", "10.9.0.1", "", None, None)
    assert signed.principal.user_id == granny_id
    assert not await proxies.may_act_for(staff, granny_id)  # she runs it herself now
    with pytest.raises(DomainError):
        await managed.activate(managed.Activation(issued["code"], "granny-2", "plum tree 43"),
                               "10.9.0.2")
    with pytest.raises(Conflict):
        await managed.issue_activation(staff, granny_id)


async def test_an_expired_or_replaced_activation_code_is_refused(world: World) -> None:
    from marketplace.accounts.tables import ActivationCode
    from marketplace.clock import now

    staff = await world.person(staff=True)
    granny_id = await _managed(world, staff)
    first = await managed.issue_activation(staff, granny_id)
    second = await managed.issue_activation(staff, granny_id)
    with pytest.raises(DomainError):  # a new code replaces the one before
        await managed.activate(managed.Activation(first["code"], "gran-a", "plum tree 42"),
                               "10.9.1.1")
    await ActivationCode.update({ActivationCode.expires_at: now()}).where(
        ActivationCode.user == granny_id)
    with pytest.raises(DomainError):
        await managed.activate(managed.Activation(second["code"], "gran-b", "plum tree 42"),
                               "10.9.1.1")


async def test_nobody_signs_in_to_a_managed_account(world: World) -> None:
    staff = await world.person(staff=True)
    granny_id = await _managed(world, staff)
    granny = await sessions.load_principal(granny_id)
    with pytest.raises(DomainError):
        await sessions.sign_in(granny.login, "!managed", "10.9.2.1", "", None, None)


async def test_the_demo_has_a_managed_resident_with_a_proxy_to_try() -> None:
    from marketplace import demo
    from marketplace.accounts.tables import User
    from marketplace.proxies.demo import GRANNY

    await demo.load()
    granny = await User.select(User.id, User.managed_by_staff).where(
        User.display_name == GRANNY).first()
    assert granny["managed_by_staff"]
    auntie = await sessions.load_principal(
        (await User.select(User.id).where(User.login == "resident").first())["id"])
    assert await proxies.may_act_for(auntie, granny["id"])
    waiting = await Wish.select(Wish.id).where(
        (Wish.owner == granny["id"]) & (Wish.status == "fulfilled"))
    assert len(waiting) == 1


def _backfill_migration() -> ModuleType:
    path = next(Path("migrations/wishes").glob("*13_15_26_000000.py"))
    spec = importlib.util.spec_from_file_location("backfill_migration", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


async def test_old_posts_for_a_resident_are_backfilled_as_done_for(world: World) -> None:
    from marketplace.wishes.tables import WishEvent

    migration = _backfill_migration()
    resident, staff = await world.person(), await world.person(staff=True)
    category = await wishes.add_category(staff, world.community_id, "Old errands", 5)
    wish_id = await wishes.post_wish(staff, wishes.NewWish(category, "Old style"),
                                     resident.user_id)
    own = await wishes.post_wish(resident, wishes.NewWish(category, "Her own"))
    # As the code before this change wrote it: no on_behalf_of, a note in one language.
    await WishEvent.update({WishEvent.on_behalf_of: None,
                            WishEvent.note: "由社区工作者代居民发布。"}).where(
        WishEvent.wish == wish_id)

    await migration.backfill()

    [old] = await wishes.history(wish_id)
    assert (old["on_behalf_of"], old["note"]) == (resident.user_id, "")
    [mine] = await wishes.history(own)
    assert mine["on_behalf_of"] is None
