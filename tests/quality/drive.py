"""Signed-in HTTP clients against a live server and the checks that follow a load.

A client carries the session cookie and the CSRF cookie, and posts forms with the token the
page would carry, exactly as a browser without JavaScript does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import httpx

from marketplace.ledger.tables import Transfer
from marketplace.settings import ROOT
from marketplace.web.auth import SESSION_COOKIE
from marketplace.wishes.tables import Wish, WishClaim, WishEvent

WON = 303  # a successful form post redirects to the wish page


def claimed(r: httpx.Response, wish_id: int) -> bool:
    """Whether this claim won: a lost one redirects too, to the list of open wishes."""
    return r.status_code == WON and r.headers.get("location") == f"/wishes/{wish_id}"


async def signed_in_client(base_url: str, token: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=15.0,
                               cookies={SESSION_COOKIE: token},
                               limits=httpx.Limits(max_connections=4))
    (await client.get("/login")).raise_for_status()  # sets the CSRF cookie
    return client


async def post_form(client: httpx.AsyncClient, url: str,
                    data: dict[str, Any] | None = None) -> httpx.Response:
    token = client.cookies["csrftoken"]
    return await client.post(url, data={**(data or {}), "_csrf_token": token})


def ledger_check() -> subprocess.CompletedProcess[str]:
    """`marketplace ledger check` in its own process, on the same database."""
    return subprocess.run([sys.executable, "-m", "marketplace.cli", "ledger", "check"],
                          cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True,
                          timeout=120, check=False)


async def wish_breaches(wish_ids: list[int]) -> list[str]:
    """Wish, claim, history and payment state that disagree, for the given wishes."""
    breaches: list[str] = []
    wishes = await Wish.select(Wish.id, Wish.status, Wish.points).where(Wish.id.is_in(wish_ids))
    for wish in wishes:
        wid, status = wish["id"], wish["status"]
        active = await WishClaim.count().where(
            (WishClaim.wish == wid) & (WishClaim.active == True))  # noqa: E712
        expected = 1 if status in ("claimed", "fulfilled", "confirmed", "disputed") else 0
        if active != expected:
            breaches.append(f"wish {wid} ({status}) has {active} active claims")
        paid = await Transfer.select(Transfer.amount).where(
            (Transfer.reference == f"wish:{wid}") & (Transfer.kind == "award"))
        if status == "confirmed" and sum(t["amount"] for t in paid) != wish["points"]:
            breaches.append(f"wish {wid} confirmed but paid {[t['amount'] for t in paid]}")
        if status != "confirmed" and paid:
            breaches.append(f"wish {wid} ({status}) was paid {len(paid)} times")
        last = await WishEvent.select(WishEvent.to_state).where(
            WishEvent.wish == wid).order_by(WishEvent.id, ascending=False).first()
        if last is None or last["to_state"] != status:
            breaches.append(f"wish {wid} is {status} but its history ends at {last}")
    return breaches


async def code_breaches(merchant_id: int) -> list[str]:
    """Redemption codes whose hold and transfer disagree with their status: a redeemed code
    has its hold posted and exactly one transfer to the merchant; an active code still
    holds its points; a cancelled or expired one has given them back."""
    from marketplace.ledger.tables import Hold
    from marketplace.rewards.tables import RedeemCode

    expected_hold = {"active": "held", "redeemed": "posted", "cancelled": "released",
                     "expired": "released"}
    breaches: list[str] = []
    for code in await RedeemCode.select().where(RedeemCode.merchant == merchant_id):
        hold = await Hold.select().where(Hold.id == code["hold_id"]).first()
        if hold is None or hold["status"] != expected_hold[code["status"]]:
            breaches.append(f"code {code['id']} is {code['status']} but its hold is "
                            f"{hold and hold['status']}")
            continue
        posted = await Transfer.count().where(
            Transfer.idempotency_key == f"hold:{code['hold_id']}:post")
        if posted != (1 if code["status"] == "redeemed" else 0):
            breaches.append(f"code {code['id']} ({code['status']}) has {posted} transfers")
    return breaches


async def code_text(location: str) -> str:
    """The code behind a /rewards/codes/<id> redirect, as the resident's screen shows it."""
    from marketplace.rewards.tables import RedeemCode

    code_id = int(location.rstrip("/").rsplit("/", 1)[1])
    row = await RedeemCode.select(RedeemCode.code).where(RedeemCode.id == code_id).first()
    return str(row["code"])
