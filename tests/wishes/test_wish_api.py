"""The JSON API: same services and authorisation as the pages, JSON errors, OpenAPI."""

from __future__ import annotations

import httpx
import pytest

from marketplace.community.tables import Community
from marketplace.ledger import service as ledger
from marketplace.wishes import service
from tests.conftest import World, csrf, login, post, unique
from tests.wishes.helpers import open_wish


@pytest.fixture
def client(client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.headers["accept-language"] = "en"  # the messages asserted below are English
    return client


async def api_post(client, url: str, body: dict | None = None, token: bool = True):  # type: ignore[no-untyped-def]
    headers = {"x-csrftoken": await csrf(client)} if token else {}
    return await client.post(url, json=body, headers=headers)


def error_of(r) -> str:  # type: ignore[no-untyped-def]
    assert r.headers["content-type"].startswith("application/json"), r.text
    return r.json()["error"]["message"]


async def test_whole_loop_through_the_api(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 10)
    await login(client, owner)
    r = await api_post(client, "/api/wishes", {"category_id": category, "title": "Fix the tap"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    wish_id = r.json()["id"]
    await service.review(staff, wish_id, True, 8)
    client.cookies.clear()

    await login(client, helper)
    page = (await client.get("/api/wishes")).json()
    assert wish_id in [w["id"] for w in page["items"]]
    r = await api_post(client, f"/api/wishes/{wish_id}/claim")
    assert r.status_code == 200 and r.json()["status"] == "claimed"
    assert r.json()["contact"] is not None and "fulfil" in r.json()["actions"]
    r = await api_post(client, f"/api/wishes/{wish_id}/fulfil", {"note": "Washer", "hours": 1.5})
    assert r.status_code == 200 and r.json()["hours"] == 1.5
    r = await api_post(client, f"/api/wishes/{wish_id}/confirm", {"rating": 5})
    assert r.status_code == 403 and "cannot" in error_of(r)  # not their own work
    client.cookies.clear()

    await login(client, owner)
    r = await api_post(client, f"/api/wishes/{wish_id}/confirm", {"rating": 5, "comment": "Thx"})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert [e["to_state"] for e in r.json()["history"]] == [
        "pending", "open", "claimed", "fulfilled", "confirmed"]
    assert (await ledger.balance(helper.user_id)).balance == 8


async def test_release_and_dispute(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await login(client, helper)
    await api_post(client, f"/api/wishes/{wish_id}/claim")
    r = await api_post(client, f"/api/wishes/{wish_id}/release", {"note": "No time"})
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert r.json()["contact"] is None  # no longer the claimer
    r = await api_post(client, f"/api/wishes/{wish_id}/claim")
    await api_post(client, f"/api/wishes/{wish_id}/fulfil", {"note": "Done"})
    client.cookies.clear()
    await login(client, owner)
    r = await api_post(client, f"/api/wishes/{wish_id}/dispute", {"reason": ""})
    assert r.status_code == 400 and "staff can help" in error_of(r)
    r = await api_post(client, f"/api/wishes/{wish_id}/dispute", {"reason": "Still drips"})
    assert r.status_code == 200 and r.json()["status"] == "disputed"


async def test_authorisation_and_error_answers_are_json(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    first, second = await world.person(helper=True), await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    # Anonymous: 401, never a redirect to the sign-in page.
    r = await client.get(f"/api/wishes/{wish_id}")
    assert r.status_code == 401 and error_of(r)
    assert (await client.get("/api/wishes")).status_code == 401
    await login(client, owner)
    r = await api_post(client, f"/api/wishes/{wish_id}/claim")
    assert r.status_code == 403  # only helpers claim, and never their own wish
    r = await api_post(client, f"/api/wishes/{wish_id}/claim", token=False)
    assert r.status_code == 403  # no CSRF header
    r = await api_post(client, "/api/wishes", {"title": 5})
    assert r.status_code == 400 and error_of(r)  # malformed body
    r = await client.post("/api/wishes", content=b"{not json",
                          headers={"x-csrftoken": await csrf(client),
                                   "content-type": "application/json"})
    assert r.status_code == 400
    r = await api_post(client, "/api/wishes", {"category_id": 2**31 - 1, "title": "Something"})
    assert r.status_code == 400 and "category" in error_of(r).lower()
    client.cookies.clear()
    await login(client, first)
    await api_post(client, f"/api/wishes/{wish_id}/claim")
    client.cookies.clear()
    await login(client, second)
    r = await api_post(client, f"/api/wishes/{wish_id}/claim")
    assert r.status_code == 409 and "already been claimed" in error_of(r)
    r = await api_post(client, f"/api/wishes/{wish_id}/fulfil", {"note": "x"})
    assert r.status_code == 403
    assert (await client.get("/api/wishes/99999999")).status_code == 404
    client.cookies.clear()
    c = await Community.insert(Community(name=unique("Far "))).returning(Community.id)
    outsider = await World(int(c[0]["id"]), None, None).person(staff=True)  # type: ignore[arg-type]
    await login(client, outsider)
    assert (await client.get(f"/api/wishes/{wish_id}")).status_code == 404
    assert wish_id not in [w["id"] for w in (await client.get("/api/wishes")).json()["items"]]
    r = await api_post(client, f"/api/wishes/{wish_id}/release")
    assert r.status_code == 404


async def test_out_of_range_numbers_are_4xx_not_500(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff)
    helper = await world.person(helper=True)
    await login(client, helper)
    huge = 2**40
    assert (await client.get(f"/api/wishes/{huge}")).status_code == 404
    assert (await client.get(f"/wishes/{huge}")).status_code == 404
    r = await client.get(f"/api/wishes?before={huge}")  # past every id: from the top
    assert r.status_code == 200 and [w["id"] for w in r.json()["items"]] == [wish_id]
    r = await client.get(f"/api/wishes?grid={huge}")  # a filter names a row: bounded
    assert r.status_code == 400 and "grid must be at most" in error_of(r)
    r = await client.get(f"/api/wishes?before={-huge * huge}")  # found by the API fuzzer
    assert r.status_code == 200 and r.json()["items"] == []
    r = await api_post(client, "/api/wishes", {"category_id": huge, "title": "Too far"})
    assert r.status_code == 400
    r = await post(client, "/wishes/new", {"title": "Too far", "category": str(huge)})
    assert r.status_code == 422 and "please choose one from the list" in r.text
    await api_post(client, f"/api/wishes/{wish_id}/claim")
    r = await api_post(client, f"/api/wishes/{wish_id}/fulfil", {"note": "x", "hours": 1e308})
    assert r.status_code == 400 and error_of(r)
    r = await api_post(client, f"/api/wishes/{huge}/release")
    assert r.status_code == 404
    for action in ("cancel", "claim", "fulfil"):
        assert (await post(client, f"/wishes/{huge}/{action}")).status_code == 404


async def test_list_is_keyset_paginated(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    ids = [await open_wish(world, owner, staff, title=f"Wish {n}") for n in range(23)]
    await login(client, await world.person(helper=True))
    first = (await client.get("/api/wishes")).json()
    assert [w["id"] for w in first["items"]] == sorted(ids, reverse=True)[:20]
    second = (await client.get(f"/api/wishes?before={first['next_before']}")).json()
    assert [w["id"] for w in second["items"]] == sorted(ids, reverse=True)[20:]
    assert second["next_before"] is None
    assert (await client.get("/api/wishes?before=abc")).status_code == 400


async def test_openapi_schema_documents_the_wish_api(client) -> None:
    schema = (await client.get("/api/schema/openapi.json")).json()
    for path in ("/api/wishes", "/api/wishes/{wish_id}", "/api/wishes/{wish_id}/claim",
                 "/api/wishes/{wish_id}/release", "/api/wishes/{wish_id}/fulfil",
                 "/api/wishes/{wish_id}/confirm", "/api/wishes/{wish_id}/dispute"):
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    assert {"WishOut", "WishPageOut", "NewWishIn", "FulfilIn"} <= {
        k.rsplit("_", 1)[-1].rsplit(".", 1)[-1] for k in components}
    assert "/wishes/{wish_id}" not in schema["paths"]  # HTML pages stay out of the schema
