"""The exchange through the web pages and the API, and who may open what."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from marketplace.ledger import service as ledger
from marketplace.rewards import service
from marketplace.rewards.tables import Merchant, RedeemCode
from tests.conftest import World, login, post, text_of
from tests.pictures import LOGO
from tests.rewards.helpers import other_world, resident, shop

EN = {"accept-language": "en"}


async def _logout(client) -> None:  # type: ignore[no-untyped-def]
    await post(client, "/logout")


async def test_apply_verify_offer_code_redeem_receipt(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    r = await resident(world, 100)

    await login(client, owner)
    form = {"name": "Tea house", "address": "2 Hill St", "opening_hours": "8-20",
            "contact": "13900000000", "_csrf_token": client.cookies.get("csrftoken", "")}
    bad = await client.post("/merchant/apply", data=form, headers=EN,
                            files={"logo": ("x.png", b"<script>", "image/png")})
    assert bad.status_code == 422 and "PNG, JPEG" in bad.text
    ok = await client.post("/merchant/apply", data=form,
                           files={"logo": ("logo.png", LOGO, "image/png")})
    assert ok.status_code == 303
    merchant = await Merchant.select().where(Merchant.owner == owner.user_id).first()
    assert merchant["logo"].endswith(".png")
    mid = merchant["id"]
    assert (await client.get(f"/merchant/{mid}/offers")).status_code == 403  # not verified
    await _logout(client)

    await login(client, staff)
    queue = await client.get("/staff/merchants")
    assert "Tea house" in queue.text
    logo = await client.get(f"/rewards/media/{merchant['logo']}")
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert (await post(client, f"/staff/merchants/{mid}/review",
                       {"decision": "verify", "points_per_yuan": "20"})).status_code == 303
    await _logout(client)

    await login(client, owner)
    created = await post(client, f"/merchant/{mid}/offers/new",
                         {"title": "Pot of tea", "price": "25", "stock": "2", "active": "on",
                          "limit_period": "month"})
    assert created.status_code == 303
    await _logout(client)

    await login(client, r)
    catalogue = await client.get("/rewards", headers=EN)
    assert "Pot of tea" in catalogue.text and "balance after: 75" in text_of(catalogue.text)
    offer_id = int(re.search(r"/rewards/offers/(\d+)\"[^>]*>Pot of tea", catalogue.text)[1])
    got = await post(client, f"/rewards/offers/{offer_id}/code")
    assert got.status_code == 303
    code_url = got.headers["location"]
    page = await client.get(code_url, headers=EN)
    shown = re.search(r'class="code-text"[^>]*>([A-Z0-9-]{9})<', page.text)[1]
    assert "Valid until" in page.text
    qr = await client.get(code_url + "/qr.svg")
    # Loaded by <img>: a browser draws it only as a standalone document with the namespace.
    assert qr.status_code == 200 and 'xmlns="http://www.w3.org/2000/svg"' in qr.text
    await _logout(client)

    await login(client, owner)
    wrong = await post(client, f"/merchant/{mid}/redeem", {"code": "2222-2222"}, headers=EN)
    assert "not a valid code" in wrong.text
    check = await client.get(f"/merchant/{mid}/redeem?code={shown}", headers=EN)
    assert r.display_name in check.text and "Pot of tea" in check.text
    done = await post(client, f"/merchant/{mid}/redeem/confirm", {"code": shown})
    assert done.status_code == 303
    receipt = await client.get(done.headers["location"], headers=EN)
    assert "Receipt" in receipt.text and r.display_name in receipt.text
    again = await post(client, f"/merchant/{mid}/redeem/confirm", {"code": shown}, headers=EN)
    assert "already used" in again.text
    csv = await client.get(f"/merchant/{mid}/statement.csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and "Pot of tea" in csv.text
    await _logout(client)

    await login(client, r)
    mine = await client.get(code_url, headers=EN)
    assert "Receipt" in mine.text and "Pot of tea" in mine.text
    assert (await ledger.balance(r.user_id)).balance == 75


async def test_settlement_close_pay_and_print(client, world: World) -> None:
    s = await shop(world, price=15)
    staff = await world.person(staff=True)
    r = await resident(world, 100)
    for _ in range(2):
        code = await service.issue(r, s.offer_id)
        await service.redeem(s.owner, s.merchant_id, code["code"])
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await RedeemCode.update({RedeemCode.redeemed_at: yesterday}).where(
        RedeemCode.merchant == s.merchant_id)
    day = (yesterday + timedelta(hours=8)).date().isoformat()

    await login(client, staff)
    today = (datetime.now(UTC) + timedelta(hours=8)).date().isoformat()
    refused = await post(client, f"/staff/merchants/{s.merchant_id}/settle",
                         {"start": day, "end": today}, headers=EN)
    assert "once it is over" in refused.text
    closed = await post(client, f"/staff/merchants/{s.merchant_id}/settle",
                        {"start": day, "end": day})
    assert closed.status_code == 303
    url = closed.headers["location"]
    sheet = text_of((await client.get(url, headers=EN)).text)
    assert "30" in sheet and "¥3.00" in sheet  # 30 points at 10 points per yuan
    assert (await post(client, url + "/paid", {"note": "bank"})).status_code == 303
    assert "paid" in (await client.get(url, headers=EN)).text
    again = await post(client, f"/staff/merchants/{s.merchant_id}/settle",
                       {"start": day, "end": day}, headers=EN)
    assert "Nothing to settle" in again.text
    await _logout(client)

    account = await ledger.merchant_account(world.community_id, s.merchant_id)
    assert account["balance"] == 0
    assert await ledger.check() == []
    await login(client, s.owner)
    assert (await client.get(url)).status_code == 200  # the merchant prints it too


async def test_authorisation_per_object(client, world: World) -> None:
    a = await shop(world, name="Shop A")
    b = await shop(world, name="Shop B")
    r = await resident(world, 100)
    code = await service.issue(r, a.offer_id)
    far = await other_world()
    outsider = await far.person()
    far_staff = await far.person(staff=True)

    await login(client, b.owner)
    for url in (f"/merchant/{a.merchant_id}/offers", f"/merchant/{a.merchant_id}/redeem",
                f"/merchant/{a.merchant_id}/statement", f"/merchant/{a.merchant_id}"):
        assert (await client.get(url)).status_code == 403, url
    assert (await client.get(f"/merchant/{b.merchant_id}/offers/{a.offer_id}")).status_code \
        == 404
    edit = await post(client, f"/merchant/{b.merchant_id}/offers/{a.offer_id}",
                      {"title": "Hacked", "price": "1"})
    assert edit.status_code == 404
    assert (await client.get(f"/rewards/codes/{code['id']}")).status_code == 404
    api = await client.post(f"/api/rewards/merchants/{a.merchant_id}/redeem",
                            json={"code": code["code"]},
                            headers={"x-csrftoken": client.cookies["csrftoken"]})
    assert api.status_code == 403
    await _logout(client)

    await login(client, outsider)
    assert (await client.get(f"/rewards/offers/{a.offer_id}")).status_code == 404
    assert "Bag of rice" not in (await client.get("/rewards")).text
    assert (await post(client, f"/rewards/offers/{a.offer_id}/code")).status_code == 404
    await _logout(client)

    await login(client, far_staff)
    assert (await client.get(f"/staff/merchants/{a.merchant_id}")).status_code == 403
    refused = await post(client, f"/staff/merchants/{a.merchant_id}/settle",
                         {"start": "2020-01-01", "end": "2020-01-31"})
    assert refused.status_code in (303, 403)
    assert await Merchant.select(Merchant.status).where(Merchant.id == a.merchant_id).first() \
        == {"status": "verified"}


async def test_json_api(client, world: World) -> None:
    s = await shop(world, price=20, stock=3)
    r = await resident(world, 50)
    await login(client, r)
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    offers = (await client.get("/api/rewards/offers")).json()
    mine = next(o for o in offers if o["id"] == s.offer_id)
    assert mine["balance_after"] == 30 and mine["stock_left"] == 3
    created = await client.post("/api/rewards/codes", json={"offer_id": s.offer_id},
                                headers=headers)
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "active" and len(body["code"]) == 8
    listed = (await client.get("/api/rewards/codes")).json()
    assert listed[0]["id"] == body["id"]
    cancelled = await client.post(f"/api/rewards/codes/{body['id']}/cancel", headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    again = await client.post(f"/api/rewards/codes/{body['id']}/cancel", headers=headers)
    assert again.status_code == 409
    second = (await client.post("/api/rewards/codes", json={"offer_id": s.offer_id},
                                headers=headers)).json()
    await _logout(client)

    await login(client, s.owner)
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    redeemed = await client.post(f"/api/rewards/merchants/{s.merchant_id}/redeem",
                                 json={"code": second["code"]}, headers=headers)
    assert redeemed.status_code == 200 and redeemed.json()["points"] == 20
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "CodeOut" in str(schema["components"]["schemas"])


async def test_a_shops_address_is_an_address_not_a_home(client, world: World) -> None:
    """住址 is where a person lives; a shop has a 地址 (offer page and the application)."""
    s = await shop(world)
    await login(client, await resident(world))
    zh = {"accept-language": "zh-CN"}
    offer = (await client.get(f"/rewards/offers/{s.offer_id}", headers=zh)).text
    assert "<dt>地址</dt><dd>1 River Road</dd>" in offer and "住址" not in offer
    form = (await client.get("/merchant/apply", headers=zh)).text
    assert '<label for="address">地址</label>' in form
