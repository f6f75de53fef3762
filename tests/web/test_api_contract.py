"""The JSON API's contract: a body must be JSON (415 otherwise, nothing written), the
OpenAPI schema holds the /api operations and nothing else, and its limits are the
service's own."""

from __future__ import annotations

import json

from litestar.routes import HTTPRoute

from marketplace.ledger import rules as ledger_rules
from marketplace.rewards import codes
from marketplace.wishes import rules as wish_rules
from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, csrf, login
from tests.wishes.helpers import open_wish

EN = {"accept-language": "en"}


async def test_a_body_that_is_not_json_gets_415_and_writes_nothing(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 10)
    await login(client, owner)
    token = await csrf(client)
    body = json.dumps({"category_id": category, "title": "Fix the tap"}).encode()
    before = await Wish.count()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None,
                         "multipart/form-data; boundary=x", "application/jsonp"):
        headers = {**EN, "x-csrftoken": token}
        if content_type:
            headers["content-type"] = content_type
        r = await client.post("/api/wishes", content=body, headers=headers)
        assert r.status_code == 415, (content_type, r.text)
        assert r.json()["error"]["message"] == (
            "Please send the body as JSON (Content-Type: application/json).")
    assert await Wish.count() == before
    r = await client.post("/api/wishes", content=body,
                          headers={**EN, "x-csrftoken": token, "content-type": "text/plain",
                                   "accept-language": "zh"})
    assert r.status_code == 415 and "JSON" in r.json()["error"]["message"]
    assert r.json()["error"]["message"] != "Please send the body as JSON (Content-Type: " \
        "application/json)."  # in the visitor's language
    r = await client.post("/api/wishes", content=body, headers={
        **EN, "x-csrftoken": token, "content-type": "application/json; charset=utf-8"})
    assert r.status_code == 201
    assert await Wish.count() == before + 1


async def test_an_action_without_a_body_needs_no_content_type(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await login(client, helper)
    r = await client.post(f"/api/wishes/{wish_id}/claim",
                          headers={**EN, "x-csrftoken": await csrf(client)})
    assert r.status_code == 200 and r.json()["status"] == "claimed"


async def test_html_forms_still_take_forms(client, world: World) -> None:
    person = await world.person()
    await login(client, person)  # a urlencoded POST to a page is not refused
    r = await client.post("/language", data={"lang": "en", "_csrf_token": await csrf(client)})
    assert r.status_code == 303


async def test_schema_holds_exactly_the_api_operations(app, client) -> None:
    schema = (await client.get("/api/schema/openapi.json")).json()
    documented = {(path, method.upper()) for path, ops in schema["paths"].items()
                  for method in ops}
    served = {(route.path.replace(":int}", "}"), method)
              for route in app.routes if isinstance(route, HTTPRoute)
              and route.path.startswith("/api/") and not route.path.startswith("/api/schema")
              for method in route.methods if method not in ("HEAD", "OPTIONS")}
    assert all(path.startswith("/api/") for path, _ in documented)
    assert documented == served
    assert len(documented) >= 15


async def test_schema_limits_are_the_services(client, world: World) -> None:
    schema = (await client.get("/api/schema/openapi.json")).json()
    components = {k.rsplit("_", 1)[-1].rsplit(".", 1)[-1]: v
                  for k, v in schema["components"]["schemas"].items()}
    wish = components["NewWishIn"]["properties"]
    assert wish["title"]["maxLength"] == wish_rules.TITLE_MAX
    assert wish["title"]["minLength"] == wish_rules.TITLE_MIN
    assert wish["description"]["maxLength"] == wish_rules.DESCRIPTION_MAX
    assert components["RedeemIn"]["properties"]["code"]["maxLength"] == codes.TYPED_MAX
    params = schema["paths"]["/api/me/statement"]["get"]["parameters"]
    kind = next(p for p in params if p["name"] == "kind")
    assert "TransferKind" in json.dumps(kind["schema"])
    assert components["TransferKind"]["enum"] == list(ledger_rules.TRANSFER_KINDS)

    person = await world.person()
    await login(client, person)
    assert (await client.get("/api/me/statement?kind=award")).status_code == 200
    r = await client.get("/api/me/statement?kind=bogus", headers=EN)
    assert r.status_code == 400 and r.json()["error"]["message"]
    code = "ABCD-EFGH " * 3
    assert len(code) > codes.TYPED_MAX
    r = await client.post("/api/rewards/merchants/1/redeem", json={"code": code},
                          headers={**EN, "x-csrftoken": await csrf(client)})
    assert r.status_code == 400
