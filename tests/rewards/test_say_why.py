"""Say why before an action fails (issue 15): the points still needed, the per-person limit
left, and the cashier's tries left are on the page before the tap, not only after it."""

from __future__ import annotations

from marketplace.rewards import service
from tests.conftest import World, login, post
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def test_an_offer_out_of_reach_says_how_many_points_are_missing(
        client, world: World) -> None:
    s = await shop(world, price=30)
    await login(client, await resident(world, points=18))
    r = await client.get(f"/rewards/offers/{s.offer_id}", headers=EN)
    assert "You need 12 more points." in r.text
    assert "Balance after" not in r.text  # never "balance after: −12"
    assert 'disabled aria-describedby="why-not"' in r.text


async def test_the_limit_left_is_shown_and_a_used_up_limit_explained(
        client, world: World) -> None:
    s = await shop(world, price=5, limit=2, period="week")
    person = await resident(world, points=50)
    await login(client, person)
    r = await client.get(f"/rewards/offers/{s.offer_id}", headers=EN)
    assert "2 per person per week · 2 left for you" in r.text
    assert "why-not" not in r.text and "Balance after" in r.text
    await service.issue(person, s.offer_id)
    await service.issue(person, s.offer_id)
    r = await client.get(f"/rewards/offers/{s.offer_id}", headers=EN)
    assert "0 left for you" in r.text
    assert "You have used this offer's limit for this week." in r.text
    assert 'disabled aria-describedby="why-not"' in r.text


async def test_the_cashier_sees_the_tries_left_before_the_next_try(
        client, world: World) -> None:
    s = await shop(world)
    await login(client, s.owner)
    fresh = await client.get(f"/merchant/{s.merchant_id}/redeem", headers=EN)
    assert "tries left" not in fresh.text  # nothing to warn about yet
    await post(client, f"/merchant/{s.merchant_id}/redeem", {"code": "TYPO0001"}, headers=EN)
    await post(client, f"/merchant/{s.merchant_id}/redeem", {"code": "TYPO0002"}, headers=EN)
    again = await client.get(f"/merchant/{s.merchant_id}/redeem", headers=EN)
    assert "Tries left before the till locks for 15 minutes: 3." in again.text
