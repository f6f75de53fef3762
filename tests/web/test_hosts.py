"""Hosts: links in QR codes, certificates and printed notices use PUBLIC_URL, and in
production an allowed-hosts list refuses other Host headers."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator

import httpx
import pytest
import segno

from marketplace import settings
from marketplace.app import create_app
from marketplace.rewards import service as rewards
from tests.conftest import World, login, post
from tests.reports.test_public_and_certificates import _certified_helper
from tests.rewards.helpers import resident, shop
from tests.wishes.helpers import open_wish

EN = {"accept-language": "en"}
FORGED = {"host": "evil.example", "accept-language": "en"}
PUBLIC = "https://wish.example.org"


@pytest.fixture
def public_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(settings, "_settings",
                        dataclasses.replace(settings.get(), public_url=PUBLIC))
    yield


def _links(html: str) -> set[str]:
    return {m.split("/")[2] for m in re.findall(r"https?://[^\s<\"']+", html)
            if "/verify/" in m or "/checkin" in m or "/redeem" in m or "/wishes/" in m}


async def test_without_public_url_links_follow_the_request(client, world: World) -> None:
    _, sheet = await _certified_helper(client, world)
    assert _links(sheet.text) == {"testserver"}
    forged = await client.get("/me/record/certificate", headers=FORGED)
    assert _links(forged.text) == {"evil.example"}  # what PUBLIC_URL and ALLOWED_HOSTS stop


async def test_certificate_link_and_qr_use_public_url_whatever_the_host(
        client, world: World, public_url: None) -> None:
    await _certified_helper(client, world)
    sheet = await client.get("/me/record/certificate", headers=FORGED)
    assert sheet.status_code == 200
    assert _links(sheet.text) == {"wish.example.org"}
    assert "evil.example" not in sheet.text  # the QR's title is the link it encodes


async def test_check_in_notice_and_exchange_code_links_use_public_url(
        client, world: World, public_url: None) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    r = await post(client, "/staff/activities/", {"title": "Patrol", "day": "2030-01-02",
                                                  "time": "19:00", "points": "3"}, headers=EN)
    assert r.status_code == 303
    page = await client.get(r.headers["location"], headers=FORGED)
    assert _links(page.text) == {"wish.example.org"}

    owner = await world.person()
    wish_id = await open_wish(world, owner, staff)
    notice = await client.get(f"/wishes/{wish_id}/notice", headers=FORGED)
    assert f"{PUBLIC}/w/{wish_id}/" in notice.text and "evil.example" not in notice.text

    s = await shop(world, price=5)
    person = await resident(world, 50)
    code = await rewards.issue(person, s.offer_id)
    client.cookies.clear()
    await login(client, person)
    qr = await client.get(f"/rewards/codes/{code['id']}/qr.svg", headers=FORGED)
    assert qr.status_code == 200
    assert qr.content == _svg(f"{PUBLIC}/merchant/{s.merchant_id}/redeem?code={code['code']}")


def _svg(url: str) -> bytes:
    """The exchange-code QR as the page draws it, for the link it should carry."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=5, dark="#000", light="#fff")
    return out.getvalue()


def test_production_allows_public_urls_host_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETPLACE_ENV", "production")
    monkeypatch.setenv("PASSWORD_PROFILE", "owasp")
    monkeypatch.setenv("PUBLIC_URL", "https://Wish.Example.org:8443/")
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    assert settings.load().allowed_hosts == ("wish.example.org:8443",)
    monkeypatch.setenv("ALLOWED_HOSTS", "wish.example.org, *.wish.example.org")
    assert settings.load().allowed_hosts == ("wish.example.org", "*.wish.example.org")
    monkeypatch.delenv("PUBLIC_URL")
    monkeypatch.delenv("ALLOWED_HOSTS")
    with pytest.raises(settings.SettingsError, match="PUBLIC_URL"):
        settings.load()
    monkeypatch.setenv("PUBLIC_URL", "wish.example.org")
    with pytest.raises(settings.SettingsError, match="http:// or https://"):
        settings.load()
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("ALLOWED_HOSTS", "wish.*.org")
    with pytest.raises(settings.SettingsError, match="ALLOWED_HOSTS"):
        settings.load()


def test_outside_production_any_host_unless_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    assert settings.load().allowed_hosts == ()


async def test_production_refuses_other_host_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "_settings", dataclasses.replace(
        settings.get(), env="production", public_url=PUBLIC,
        allowed_hosts=("wish.example.org",)))
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as c:
        ours = await c.get("/login", headers=EN)
        assert ours.status_code == 200
        for host in ("evil.example", "wish.example.org.evil.example", "evil.example:443"):
            r = await c.get("/login", headers={**EN, "host": host})
            assert r.status_code == 400, host
            assert "Sign in" not in r.text
            assert r.headers["x-frame-options"] == "DENY"
