"""Adding the site to the home screen (issue 15): a manifest with its icons, a service
worker at the site's root, and an offline page with nothing personal in it."""

from __future__ import annotations

import io
import json
import re

import httpx
from PIL import Image

from tests.conftest import World, login

ZH = {"accept-language": "zh-CN"}


async def test_the_manifest_names_the_app_and_its_icons(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page.text
    r = await client.get("/static/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(r.text)
    assert manifest["name"] == manifest["short_name"] == "微心愿"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/", "/", "standalone")
    sizes = set()
    for icon in manifest["icons"]:
        served = await client.get(icon["src"])
        assert served.status_code == 200 and served.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(served.content))
        assert f"{picture.width}x{picture.height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    # Android asks for 192 and 512 px, and a maskable icon to cut to its own shape.
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', page.text)
    assert touch and (await client.get(touch[1])).status_code == 200


async def test_the_service_worker_is_served_for_the_whole_site(
        client: httpx.AsyncClient) -> None:
    r = await client.get("/sw.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache"  # a new version is picked up at once
    assert "script-src 'self'" in r.headers["content-security-policy"]
    # It keeps only the offline page and static files: never a page of someone signed in.
    kept = re.search(r"const KEPT = \[([^\]]*)\]", r.text)
    assert kept, "the list of kept files moved"
    paths = re.findall(r'"([^"]+)"|OFFLINE', kept[1])
    assert all(p == "" or p.startswith("/static/") for p in paths), paths
    assert "cache.put" not in r.text and "/offline" in r.text
    page = await client.get("/login")
    assert '<script src="/static/js/install.js" defer></script>' in page.text
    assert "/sw.js" in (await client.get("/static/js/install.js")).text


async def test_the_offline_page_holds_nothing_personal(client: httpx.AsyncClient,
                                                       world: World) -> None:
    me = await world.person(name="Grandma Liu")
    await login(client, me)
    r = await client.get("/offline", headers=ZH)
    assert r.status_code == 200 and "网络已断开" in r.text and 'lang="zh-Hans"' in r.text
    for private in ("Grandma Liu", "csrf", "退出登录", "/logout"):
        assert private not in r.text
    assert r.headers["cache-control"] == "no-cache"
    client.cookies.clear()  # signed out, the same page
    assert "网络已断开" in (await client.get("/offline", headers=ZH)).text
