"""Closing while wishes the person fulfilled still wait for confirmation: the person is
told before closing that those points will not be paid, the owner can still confirm (or
the timer does), the rest of the team is paid, and nothing reaches the closed account."""

from __future__ import annotations

from datetime import timedelta

from marketplace import clock
from marketplace.ledger import service as ledger
from marketplace.mydata import closure
from marketplace.notifications.tables import Notification
from marketplace.wishes import service as wishes
from marketplace.wishes import timers as wish_timers
from tests.conftest import PASSWORD, World, login, text_of
from tests.mydata.helpers import person
from tests.wishes.helpers import age, open_wish, status


async def test_the_person_is_told_and_a_later_confirmation_pays_only_the_team(
        client, world: World) -> None:
    p = await person(world, helper=True)
    staff, owner = await world.person(staff=True), await world.person()
    partner = await world.person(helper=True)
    team_wish = await open_wish(world, owner, staff, points=21, team_size=2)
    await wishes.claim(partner, team_wish)
    await wishes.claim(p.principal, team_wish)  # joined second: 10 of the 21 points
    await wishes.fulfil(p.principal, team_wish, "Done together", 60)

    preview = await closure.own_preview(p.principal)
    assert (preview.unconfirmed, preview.unconfirmed_points) == (1, 10)
    client.headers["accept-language"] = "en"
    await login(client, p.principal)
    page = text_of((await client.get("/me/close")).text)
    assert "still waiting for confirmation: 1" in page and "10 points are not paid" in page

    await closure.close_own(p.principal, PASSWORD, None)
    assert await status(team_wish) == "fulfilled"  # the owner can still confirm it
    await wishes.confirm(owner, team_wish, 5, "Thank you both")

    assert await status(team_wish) == "confirmed"
    assert (await ledger.balance(partner.user_id)).balance == 11
    assert (await ledger.balance(p.principal.user_id)).balance == 0
    assert not await Notification.exists().where(
        (Notification.user == p.principal.user_id) & (Notification.kind == "wish_confirmed"))
    assert await ledger.check() == []


async def test_the_timer_confirms_a_closed_helpers_wish_without_paying_it(
        world: World) -> None:
    p = await person(world, helper=True)
    staff, owner = await world.person(staff=True), await world.person()
    wish_id = await open_wish(world, owner, staff, points=15)
    await wishes.claim(p.principal, wish_id)
    await wishes.fulfil(p.principal, wish_id, "Done", 30)
    await closure.close_own(p.principal, PASSWORD, None)

    await age(wish_id, timedelta(days=60))
    await wish_timers.auto_confirm(clock.now())

    assert await status(wish_id) == "confirmed"
    assert (await ledger.balance(p.principal.user_id)).balance == 0
    assert await ledger.check() == []
