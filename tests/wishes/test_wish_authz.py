"""Authorisation matrix: every wish route (pages and API) tried by every role.

Roles: anonymous, the resident who owns the wish, another resident, a helper, the helper
holding the claim, staff of the community, staff of another community, an administrator.
Expected: "ok" (the action happened), "login" (sign in first), 403 (you may not) or 404
(you may not even know the wish exists: another community, or a wish not yet public).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from marketplace.community.tables import Community
from marketplace.principal import Principal
from marketplace.wishes import service
from tests.conftest import World, csrf, login, unique

ROLES = ("anon", "owner", "resident", "helper", "claimer", "staff", "outsider", "admin")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def expect(ok: set[str], hidden: set[str] = frozenset()) -> dict[str, object]:  # type: ignore[assignment]
    """ok roles succeed; anon must sign in; outsider (and ``hidden``) get 404; others 403."""
    table: dict[str, object] = {role: 403 for role in ROLES}
    table.update({role: 404 for role in {"outsider", *hidden}})
    table.update({role: "ok" for role in ok})
    table["anon"] = "login"
    return table


NOT_PUBLIC = {"resident", "helper", "claimer"}  # a pending wish is owner's and staff's
# action -> (state the wish is put in first, form data, expected per role)
ACTIONS: dict[str, tuple[str, dict[str, str], dict[str, object]]] = {
    "claim": ("open", {}, expect({"helper", "claimer"})),
    "release": ("claimed", {"note": "n", "confirm": "yes"}, expect({"claimer", "staff", "admin"})),
    "decline": ("assigned", {}, expect({"claimer"})),
    "fulfil": ("claimed", {"note": "done", "hours": "1"}, expect({"claimer"})),
    "confirm": ("fulfilled", {"rating": "5"}, expect({"owner"})),
    "dispute": ("fulfilled", {"note": "not done"}, expect({"owner"})),
    "cancel": ("open", {"confirm": "yes"}, expect({"owner", "staff", "admin"})),
    "approve": ("pending", {"points": "10"}, expect({"staff", "admin"}, NOT_PUBLIC)),
    "reject": ("pending", {"note": "too big"}, expect({"staff", "admin"}, NOT_PUBLIC)),
    "resolve_confirm": ("disputed", {"note": "Photo shows it done"}, expect({"staff", "admin"})),
    "resolve_reopen": ("disputed", {"note": "Not done yet"}, expect({"staff", "admin"})),
    "assign": ("open", {"person": "<helper>"}, expect({"staff", "admin"})),
}
API_ACTIONS: dict[str, dict[str, object]] = {
    "claim": {}, "release": {"note": "n"}, "fulfil": {"note": "done", "hours": 1},
    "confirm": {"rating": 5}, "dispute": {"reason": "not done"},
}


@dataclass
class Cast:
    world: World
    people: dict[str, Principal]
    clients: dict[str, httpx.AsyncClient]
    category: int

    async def wish(self, state: str) -> int:
        p = self.people
        wish_id = await service.post_wish(p["owner"], service.NewWish(
            self.category, f"Wish in state {state}", photo=await self._photo()))
        if state == "pending":
            return wish_id
        await service.review(p["staff"], wish_id, True)
        if state == "assigned":
            await service.assign(p["staff"], wish_id, p["claimer"].user_id)
        elif state in ("claimed", "fulfilled", "disputed"):
            await service.claim(p["claimer"], wish_id)
        if state in ("fulfilled", "disputed"):
            await service.fulfil(p["claimer"], wish_id, "done", 30)
        if state == "disputed":
            await service.dispute(p["owner"], wish_id, "not done")
        return wish_id

    async def _photo(self) -> str:
        from marketplace import settings

        name = f"{uuid.uuid4().hex[:24]}.png"
        folder = settings.get().upload_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(PNG)
        return name


@pytest.fixture
async def cast(app, world: World) -> AsyncIterator[Cast]:  # type: ignore[no-untyped-def]
    staff = await world.person(staff=True)
    c = await Community.insert(Community(name=unique("Far "))).returning(Community.id)
    people = {
        "owner": await world.person(), "resident": await world.person(),
        "helper": await world.person(helper=True), "claimer": await world.person(helper=True),
        "staff": staff, "admin": await world.person(admin=True),
        "outsider": await World(int(c[0]["id"]), None, None).person(  # type: ignore[arg-type]
            staff=True, helper=True),
    }
    clients: dict[str, httpx.AsyncClient] = {}
    for n, role in enumerate(ROLES):
        transport = httpx.ASGITransport(app=app, client=(f"10.9.{n}.{uuid.uuid4().int % 250}",
                                                         5000))
        clients[role] = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        if role != "anon":
            await login(clients[role], people[role])
    category = await service.add_category(staff, world.community_id, "Repairs", 10)
    yield Cast(world, people, clients, category)
    for client in clients.values():
        await client.aclose()


def outcome(r: httpx.Response, wish_id: int, api: bool) -> object:
    if api:
        assert r.headers["content-type"].startswith("application/json"), r.text[:200]
        return {200: "ok", 401: "login"}.get(r.status_code, r.status_code)
    if r.status_code == 303:
        location = r.headers["location"]
        return "login" if location.startswith("/login") else (
            "ok" if location == f"/wishes/{wish_id}" else location)
    return r.status_code


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_every_role_on_every_wish_action(cast: Cast, action: str) -> None:
    state, data, expected = ACTIONS[action]
    data = {k: (cast.people["helper"].login if v == "<helper>" else v) for k, v in data.items()}
    seen: dict[str, object] = {}
    for role in ROLES:  # a fresh wish for each role: a success moves the wish on
        wish_id = await cast.wish(state)
        client = cast.clients[role]
        token = await csrf(client)
        r = await client.post(f"/wishes/{wish_id}/{action}", data={**data, "_csrf_token": token})
        seen[role] = outcome(r, wish_id, api=False)
    assert seen == expected


@pytest.mark.parametrize("action", list(API_ACTIONS))
async def test_every_role_on_every_api_action(cast: Cast, action: str) -> None:
    state, _form, expected = ACTIONS[action]
    seen: dict[str, object] = {}
    for role in ROLES:
        wish_id = await cast.wish(state)
        client = cast.clients[role]
        r = await client.post(f"/api/wishes/{wish_id}/{action}", json=API_ACTIONS[action],
                              headers={"x-csrftoken": await csrf(client)})
        seen[role] = outcome(r, wish_id, api=True)
    assert seen == expected


READ_ROUTES = ("/wishes/{id}", "/wishes/{id}/notice", "/wishes/{id}/photo/wish",
               "/api/wishes/{id}")


@pytest.mark.parametrize("state", ["pending", "claimed"])
async def test_every_role_reading_a_wish(cast: Cast, state: str) -> None:
    wish_id = await cast.wish(state)
    everyone = {"owner", "resident", "helper", "claimer", "staff", "admin"}
    ok = everyone if state == "claimed" else {"owner", "staff", "admin"}
    expected = expect(ok, everyone - ok)
    for route in READ_ROUTES:
        url = route.format(id=wish_id)
        seen = {}
        for role in ROLES:
            r = await cast.clients[role].get(url)
            seen[role] = ("ok" if r.status_code == 200 else
                          outcome(r, wish_id, api=url.startswith("/api/")))
        assert seen == expected, url


async def test_every_role_on_the_lists_and_staff_queue(cast: Cast) -> None:
    pending, open_id = await cast.wish("pending"), await cast.wish("open")
    for url, ok in (("/wishes", set(ROLES) - {"anon"}), ("/wishes/mine", set(ROLES) - {"anon"}),
                    ("/wishes/new", set(ROLES) - {"anon"}), ("/api/wishes", set(ROLES) - {"anon"}),
                    ("/staff/wishes", {"staff", "admin", "outsider"})):
        seen = {}
        for role in ROLES:
            r = await cast.clients[role].get(url)
            seen[role] = "ok" if r.status_code == 200 else outcome(r, 0, url.startswith("/api"))
            if r.status_code == 200 and role == "outsider":
                # Their own community's pages: nothing of this community shows.
                assert "Wish in state" not in r.text, url
        assert seen == {**expect(ok), "outsider": "ok" if "outsider" in ok else 403}, url
    # Private details never leak into lists; the staff queue shows the pending wish.
    queue = await cast.clients["staff"].get("/staff/wishes")
    assert f"/wishes/{pending}" in queue.text
    listing = await cast.clients["helper"].get("/wishes")
    assert f"/wishes/{open_id}" in listing.text and f"/wishes/{pending}\"" not in listing.text
