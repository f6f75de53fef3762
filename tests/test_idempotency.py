"""Idempotency: "Get code" and every /api write honour a key — the same key and body give
the first answer, another body 409 — so a double tap or a client's retry acts once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from marketplace import clock, idempotency, timers
from marketplace.idempotency import IdempotencyKey
from marketplace.ledger.tables import Hold
from marketplace.rewards.tables import RedeemCode
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Wish
from tests.conftest import World, csrf, login, post, unique
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}


async def _codes(user_id: int) -> int:
    return await RedeemCode.count().where(RedeemCode.resident == user_id)


async def _holds(user_id: int) -> int:
    from marketplace.ledger import service as ledger

    account = await ledger.person_account(user_id)
    return await Hold.count().where(Hold.account == account["id"])


async def test_double_tap_on_get_code_makes_one_code_and_one_hold(client, world: World) -> None:
    s = await shop(world, price=10)
    buyer = await resident(world, 100)
    await login(client, buyer)
    page = await client.get(f"/rewards/offers/{s.offer_id}", headers=EN)
    assert 'name="key"' in page.text
    key = unique("tap")
    token = await csrf(client)
    taps = await asyncio.gather(*(client.post(
        f"/rewards/offers/{s.offer_id}/code", data={"_csrf_token": token, "key": key},
        headers=EN) for _ in range(2)))
    assert [t.status_code for t in taps] == [303, 303]
    assert taps[0].headers["location"] == taps[1].headers["location"]
    assert await _codes(buyer.user_id) == 1 and await _holds(buyer.user_id) == 1
    # A new page view carries a new key: a second code is a deliberate second tap.
    again = await post(client, f"/rewards/offers/{s.offer_id}/code", {"key": unique("tap")},
                       headers=EN)
    assert again.status_code == 303 and again.headers["location"] != taps[0].headers["location"]
    assert await _codes(buyer.user_id) == 2


async def test_api_writes_replay_the_first_answer_and_refuse_another_body(
        client, world: World) -> None:
    s = await shop(world, price=10)
    other = await shop(world, price=5, name="Bakery")
    buyer = await resident(world, 100)
    await login(client, buyer)
    headers = {"x-csrftoken": await csrf(client), "idempotency-key": unique("api"), **EN}
    first = await client.post("/api/rewards/codes", json={"offer_id": s.offer_id},
                              headers=headers)
    assert first.status_code == 201
    again = await client.post("/api/rewards/codes", json={"offer_id": s.offer_id},
                              headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"].startswith("application/json")
    assert "content-security-policy" in again.headers
    clash = await client.post("/api/rewards/codes", json={"offer_id": other.offer_id},
                              headers=headers)
    assert clash.status_code == 409 and "different request" in clash.json()["error"]["message"]
    assert await _codes(buyer.user_id) == 1 and await _holds(buyer.user_id) == 1
    bad = await client.post("/api/rewards/codes", json={"offer_id": s.offer_id},
                            headers={**headers, "idempotency-key": "x" * 101})
    assert bad.status_code == 422 and await _codes(buyer.user_id) == 1
    # Without a key each request is its own.
    plain = {"x-csrftoken": headers["x-csrftoken"]}
    for _ in range(2):
        r = await client.post("/api/rewards/codes", json={"offer_id": s.offer_id},
                              headers=plain)
        assert r.status_code == 201
    assert await _codes(buyer.user_id) == 3


async def test_two_simultaneous_api_calls_with_one_key_make_one_code(
        client, world: World) -> None:
    s = await shop(world, price=10)
    buyer = await resident(world, 100)
    await login(client, buyer)
    headers = {"x-csrftoken": await csrf(client), "idempotency-key": unique("api")}
    answers = await asyncio.gather(*(client.post(
        "/api/rewards/codes", json={"offer_id": s.offer_id}, headers=headers)
        for _ in range(3)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert await _codes(buyer.user_id) == 1 and await _holds(buyer.user_id) == 1


async def test_keys_belong_to_one_person_and_refusals_are_answers_too(
        app, world: World) -> None:
    s = await shop(world, price=10)
    poor, rich = await resident(world, 0), await resident(world, 100)
    key = unique("shared")
    answers = {}
    for person in (poor, rich):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            await login(c, person)
            headers = {"x-csrftoken": await csrf(c), "idempotency-key": key, **EN}
            answers[person.user_id] = await c.post(
                "/api/rewards/codes", json={"offer_id": s.offer_id}, headers=headers)
    assert 400 <= answers[poor.user_id].status_code < 500
    assert answers[rich.user_id].status_code == 201  # the same key, another person
    # A 4xx is an answer too: replayed, not run again.
    assert await IdempotencyKey.exists().where(IdempotencyKey.key == f"{poor.user_id}:{key}")


async def test_every_api_write_takes_a_key_wishes_too(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await wishes.add_category(staff, world.community_id, "Repairs", 10)
    await login(client, owner)
    headers = {"x-csrftoken": await csrf(client), "idempotency-key": unique("w"), **EN}
    body = {"category_id": category, "title": "Fix the tap"}
    first = await client.post("/api/wishes", json=body, headers=headers)
    again = await client.post("/api/wishes", json=body, headers=headers)
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert await Wish.count().where(Wish.owner == owner.user_id) == 1


async def test_expired_keys_are_purged_by_the_timer_and_stale_claims_taken_over(
        world: World) -> None:
    person = await world.person()
    runs: list[int] = []

    async def work() -> idempotency.Answer:
        runs.append(1)
        return idempotency.Answer(200, "done")

    key = unique("k")
    assert (await idempotency.once(person.user_id, key, "fp", work)).body == "done"
    assert (await idempotency.once(person.user_id, key, "fp", work)).body == "done"
    assert len(runs) == 1
    # Its keeping time over for this key alone: a tick at a later moment would age every
    # row of the shared test database (the demo's waiting wish would confirm itself).
    await IdempotencyKey.update({
        IdempotencyKey.expires_at: clock.now() - timedelta(minutes=1),
    }).where(IdempotencyKey.key == f"{person.user_id}:{key}")
    done = await timers.run_all(clock.now())
    assert done["idempotency_keys"] >= 1
    assert not await IdempotencyKey.exists().where(
        IdempotencyKey.key == f"{person.user_id}:{key}")

    # A claim left by a request that died (no answer) is taken over after STALE.
    stale = unique("k")
    assert await idempotency.claim(person.user_id, stale, "fp") is None
    await IdempotencyKey.update({
        IdempotencyKey.created_at: clock.now() - idempotency.STALE - timedelta(seconds=1),
    }).where(IdempotencyKey.key == f"{person.user_id}:{stale}")
    assert (await idempotency.once(person.user_id, stale, "fp", work)).body == "done"
    assert len(runs) == 2
