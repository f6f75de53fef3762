"""Offer categories: set on the merchant's form, filter the catalogue page and the API."""

from __future__ import annotations

from marketplace.rewards import offers
from marketplace.rewards.tables import Offer
from tests.conftest import World, login, post, text_of, unique
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def _offer(s, title: str, category: str) -> int:  # type: ignore[no-untyped-def]
    return await offers.create(s.owner, s.merchant_id, offers.OfferInput(
        title, 5, category=category))


async def test_catalogue_filters_by_category(client, world: World) -> None:
    s = await shop(world)
    noodles, haircut = unique("Noodles "), unique("Haircut ")
    await _offer(s, noodles, "food")
    await _offer(s, haircut, "services")
    await login(client, await resident(world, 50))

    food = await client.get("/rewards?category=food", headers=EN)
    assert food.status_code == 200
    assert noodles in food.text and haircut not in food.text
    assert "Bag of rice" not in food.text  # the helper's offer is "other"
    assert "Food and drink" in text_of(food.text)
    services = await client.get("/rewards?category=services", headers={**EN, "hx-request": "true"})
    assert haircut in services.text and noodles not in services.text
    assert "<html" not in services.text  # htmx gets only the list, like the merchant filter
    everything = await client.get("/rewards?category=", headers=EN)
    assert noodles in everything.text and haircut in everything.text


async def test_unknown_category_is_refused_with_input_kept(client, world: World) -> None:
    s = await shop(world)
    await login(client, s.owner)
    title = unique("Tea ")
    bad = await post(client, f"/merchant/{s.merchant_id}/offers/new",
                     {"title": title, "price": "12", "category": "weapons",
                      "limit_period": "month", "active": "on"}, headers=EN)
    assert bad.status_code in (400, 422)
    assert "choose one of the listed categories" in bad.text
    assert f'value="{title}"' in bad.text and 'value="12"' in bad.text
    assert await Offer.count().where(Offer.title == title) == 0

    ok = await post(client, f"/merchant/{s.merchant_id}/offers/{s.offer_id}",
                    {"title": "Bag of rice", "price": "10", "category": "groceries",
                     "limit_period": "month", "active": "on"})
    assert ok.status_code == 303
    row = await Offer.select(Offer.category).where(Offer.id == s.offer_id).first()
    assert row["category"] == "groceries"
    form = await client.get(f"/merchant/{s.merchant_id}/offers/{s.offer_id}", headers=EN)
    assert 'value="groceries" selected' in form.text


async def test_api_filters_by_category(client, world: World) -> None:
    s = await shop(world)
    pills = await _offer(s, unique("Vitamins "), "health")
    await login(client, await resident(world, 50))
    health = (await client.get("/api/rewards/offers?category=health")).json()
    ids = {o["id"] for o in health}
    assert pills in ids and s.offer_id not in ids
    assert all(o["category"] == "health" for o in health)
    every = {o["id"]: o["category"] for o in (await client.get("/api/rewards/offers")).json()}
    assert every[pills] == "health" and every[s.offer_id] == "other"
    unknown = await client.get("/api/rewards/offers?category=weapons")
    assert unknown.status_code == 400


async def test_offer_page_and_merchant_list_name_the_category(client, world: World) -> None:
    s = await shop(world)
    title = unique("Check-up ")
    pills = await _offer(s, title, "health")
    await login(client, await resident(world, 50))
    detail = text_of((await client.get(f"/rewards/offers/{pills}", headers=EN)).text)
    assert "Category Health" in detail
    rice = text_of((await client.get(f"/rewards/offers/{s.offer_id}", headers=EN)).text)
    assert "Category Other" in rice and "Health" not in rice
    chinese = text_of((await client.get(f"/rewards/offers/{pills}",
                                        headers={"accept-language": "zh"})).text)
    assert "医疗健康" in chinese  # the same translated name as on the catalogue card

    await login(client, s.owner)
    mine = await client.get(f"/merchant/{s.merchant_id}/offers", headers=EN)
    assert mine.status_code == 200
    lines = text_of(mine.text)
    assert f"{title} Health · 5 points" in lines
    assert "Bag of rice Other · 10 points" in lines
