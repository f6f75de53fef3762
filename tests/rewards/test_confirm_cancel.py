"""Cancelling an exchange code asks first (without JavaScript: a confirmation page); shop
members find their shop tiles first."""

from __future__ import annotations

from marketplace.ledger import service as ledger
from marketplace.rewards import service
from tests.conftest import World, login, post
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def test_cancelling_a_code_asks_first_without_javascript(client, world: World) -> None:
    s = await shop(world, price=30)
    person = await resident(world, 100)
    code = await service.issue(person, s.offer_id)
    await login(client, person)
    page = (await client.get(f"/rewards/codes/{code['id']}", headers=EN)).text
    assert "hx-confirm=" in page and 'hx-vals=\'{"confirm": "yes"}\'' in page
    r = await post(client, f"/rewards/codes/{code['id']}/cancel", headers=EN)
    assert r.status_code == 200 and "Cancel the code for “Bag of rice”?" in r.text
    assert (await ledger.balance(person.user_id)).held == 30  # nothing happened yet
    r = await post(client, f"/rewards/codes/{code['id']}/cancel", {"confirm": "yes"})
    assert r.status_code == 303
    assert (await ledger.balance(person.user_id)).held == 0
    other = await resident(world, 0)
    client.cookies.clear()
    await login(client, other)
    r = await post(client, f"/rewards/codes/{code['id']}/cancel")
    assert r.status_code == 404  # no question about someone else's code


async def test_merchant_members_see_their_shop_tiles_first(client, world: World) -> None:
    s = await shop(world)
    await login(client, s.owner)
    home = (await client.get("/", headers=EN)).text
    assert home.index("Redeem a code") < home.index("Post a wish")
