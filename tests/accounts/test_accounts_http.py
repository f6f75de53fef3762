"""Sign-up, sign-in, sessions, CSRF, throttling and guards, through the HTTP interface."""

from __future__ import annotations

from marketplace.accounts import service as accounts
from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile, LoginAttempt, Session, User
from marketplace.audit.tables import AuditEvent
from marketplace.wishes import service as wishes
from tests.conftest import PASSWORD, World, csrf, login, post, text_of, unique
from tests.wishes.helpers import open_wish


async def test_register_signs_in_at_once_on_a_fresh_session(client, world: World) -> None:
    name = unique("n")
    await csrf(client)
    client.cookies.set("sid", "planted-by-attacker", domain="testserver.local")
    r = await post(client, "/register", {
        "display_name": "Auntie " + name, "login": name, "password": "long-enough-pw",
        "password2": "long-enough-pw", "community": str(world.community_id),
        "agree_notice": "on", "grid": str(world.grid_id), "building": str(world.building_id),
        "address": " Room 302 ", "next": "/wishes/new"})
    assert r.status_code == 303 and r.headers["location"] == "/wishes/new"
    sid = r.cookies["sid"]
    assert sid and sid != "planted-by-attacker" and r.cookies.get("device")
    home = await client.get("/", headers={"accept-language": "en"})
    assert "Hello, Auntie " + name in text_of(home.text)
    user = await User.select(User.id, User.address).where(User.login == name).first()
    assert user["address"] == "Room 302"
    assert await Session.count().where(Session.user == user["id"]) == 1
    # Signing out and in again works with the chosen password.
    await post(client, "/logout")
    r = await post(client, "/login", {"login": name.upper(), "password": "long-enough-pw"})
    assert r.status_code == 303


async def test_register_form_keeps_where_to_go_next(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/register?next=/wishes/7", headers={"accept-language": "en"})
    assert 'name="next" value="/wishes/7"' in r.text and "Address (flat number)" in r.text
    r = await client.get("/register?next=//evil.example", headers={"accept-language": "en"})
    assert 'name="next" value="/"' in r.text


async def test_duplicate_account_is_refused_with_input_kept(client, world: World) -> None:
    person = await world.person()
    r = await post(client, "/register", {
        "display_name": "Someone Else", "login": person.login, "password": "long-enough-pw",
        "password2": "long-enough-pw", "community": str(world.community_id),
        "agree_notice": "on"}, headers={"accept-language": "en"})
    assert r.status_code == 409
    assert "already exists" in r.text
    assert 'value="Someone Else"' in r.text
    assert "long-enough-pw" not in r.text  # passwords are never echoed back


async def test_registration_rejects_building_without_its_grid(client, world: World) -> None:
    r = await post(client, "/register", {
        "display_name": "X", "login": unique(), "password": "long-enough-pw",
        "password2": "long-enough-pw", "community": str(world.community_id),
        "agree_notice": "on", "grid": "", "building": str(world.building_id)},
        headers={"accept-language": "en"})
    assert r.status_code == 422 and "not in the chosen grid" in r.text


async def test_wrong_password_gets_clear_message(client, world: World) -> None:
    person = await world.person()
    r = await post(client, "/login", {"login": person.login, "password": "nope-nope"},
                   headers={"accept-language": "en"})
    assert r.status_code == 422
    assert "Wrong login or password." in r.text
    assert f'value="{person.login}"' in r.text


async def test_too_many_attempts_are_throttled_with_wait_time(client, world: World) -> None:
    person = await world.person()
    for _ in range(5):
        await post(client, "/login", {"login": person.login, "password": "bad-password"})
    r = await post(client, "/login", {"login": person.login, "password": PASSWORD},
                   headers={"accept-language": "en"})
    assert r.status_code == 429
    assert "Too many failed attempts. Please wait 30 seconds" in r.text
    # The count lives in the database, so every app process sees it.
    assert await LoginAttempt.count().where(LoginAttempt.key == f"login:{person.login}") == 5


async def test_session_id_rotates_at_login_and_logout_ends_it(client, world: World) -> None:
    person = await world.person()
    await csrf(client)
    client.cookies.set("sid", "planted-by-attacker", domain="testserver.local")
    response = await login(client, person)
    sid = response.cookies["sid"]
    assert sid and sid != "planted-by-attacker"
    assert client.cookies.get("sid", domain="testserver.local") == sid
    assert await Session.count().where(Session.user == person.user_id) == 1
    r = await post(client, "/logout")
    assert r.status_code == 303
    assert await Session.count().where(Session.user == person.user_id) == 0
    client.cookies.set("sid", sid, domain="testserver.local")
    r = await client.get("/me")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_post_without_csrf_token_is_refused_politely(client, world: World) -> None:
    person = await world.person()
    await csrf(client)
    r = await client.post("/login", data={"login": person.login, "password": PASSWORD},
                          headers={"accept-language": "en"})
    assert r.status_code == 403
    assert "form has expired" in r.text
    assert "Traceback" not in r.text


async def test_htmx_sends_token_in_header(client, world: World) -> None:
    person = await world.person()
    token = await csrf(client)
    r = await client.post("/login", data={"login": person.login, "password": PASSWORD},
                          headers={"x-csrftoken": token, "hx-request": "true"})
    assert r.status_code == 200 and r.headers["hx-redirect"] == "/"


async def test_resident_opening_staff_page_gets_403_page(client, world: World) -> None:
    person = await world.person()
    await login(client, person)
    r = await client.get("/staff/helpers", headers={"accept-language": "en"})
    assert r.status_code == 403
    assert "for community staff" in r.text


async def test_unknown_url_gets_404_page_and_api_gets_json(client) -> None:
    r = await client.get("/no/such/page", headers={"accept-language": "en"})
    assert r.status_code == 404 and "could not find that page" in r.text
    r = await client.get("/api/no-such-thing")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


async def test_security_headers_on_every_response(client) -> None:
    for url in ("/", "/login", "/nope", "/static/css/site.css"):
        r = await client.get(url)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in r.headers  # plain http in tests


async def test_signed_in_pages_are_not_kept_in_the_browser_cache(client, world) -> None:
    assert "no-store" not in (await client.get("/login")).headers.get("cache-control", "")
    await login(client, await world.person())
    for url in ("/", "/points", "/me"):
        assert (await client.get(url)).headers["cache-control"] == "no-store"


async def test_change_password_signs_out_other_devices(app, client, world: World) -> None:
    import httpx

    person = await world.person()
    await login(client, person)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await login(other, person)
        r = await post(client, "/me/password", {"current": PASSWORD, "new": "brand-new-pw-1",
                                                "new2": "brand-new-pw-1"})
        assert r.status_code == 303
        assert (await other.get("/me")).status_code == 303  # the other device is signed out
    assert (await client.get("/me")).status_code == 200
    await post(client, "/logout")
    await login(client, person, "brand-new-pw-1")


async def test_helper_application_and_staff_verification(client, world: World) -> None:
    person = await world.person()
    staff = await world.person(staff=True)
    await login(client, person)
    r = await post(client, "/me/helper", {"kind": "party_member", "work_unit": ""},
                   headers={"accept-language": "en"})
    assert "work unit" in r.text  # party members must name their work unit
    r = await post(client, "/me/helper", {"kind": "party_member", "work_unit": "Tax Office",
                                          "ask_unit": "on"})  # not in the registry yet
    assert r.status_code == 303
    await post(client, "/logout")
    await login(client, staff)
    queue = await client.get("/staff/helpers")
    assert person.display_name in queue.text
    profile = await HelperProfile.select(HelperProfile.id).where(
        HelperProfile.user == person.user_id).first()
    r = await post(client, f"/staff/helpers/{profile['id']}/review", {"decision": "approve"})
    assert r.status_code == 303
    row = await HelperProfile.select().where(HelperProfile.user == person.user_id).first()
    assert row["status"] == "verified" and row["reviewed_by"] == staff.user_id
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "helper_verified") & (AuditEvent.target_id == profile["id"]))


async def test_staff_of_another_community_cannot_verify(client, world: World) -> None:
    person = await world.person()
    await HelperProfile.insert(HelperProfile(user=person.user_id, kind="volunteer"))
    profile = await HelperProfile.select(HelperProfile.id).where(
        HelperProfile.user == person.user_id).first()
    from marketplace.community.tables import Community

    c = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    outsider_world = World(int(c[0]["id"]), world.grid_id, world.building_id)
    outsider_world.grid_id = None  # type: ignore[assignment]
    outsider_world.building_id = None  # type: ignore[assignment]
    outsider = await outsider_world.person(staff=True)
    await login(client, outsider)
    r = await post(client, f"/staff/helpers/{profile['id']}/review", {"decision": "approve"})
    assert r.status_code == 403
    row = await HelperProfile.select().where(HelperProfile.user == person.user_id).first()
    assert row["status"] == "pending"
    queue = await client.get(f"/staff/helpers?community_id={world.community_id}")
    assert queue.status_code == 403


async def test_register_page_and_htmx_places_partial(client, world: World) -> None:
    r = await client.get("/register", headers={"accept-language": "en"})
    assert r.status_code == 200 and "Create an account" in r.text
    r = await client.get(f"/register?community={world.community_id}",
                         headers={"hx-request": "true"})
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<fieldset id="places"')
    assert "Grid A" in r.text and "Building 1" in r.text


async def test_flat_number_given_at_registration_reaches_only_claimer_and_staff(
        world: World) -> None:
    user_id = await accounts.register(accounts.Registration(
        display_name="Grandpa Liu", login=unique("r"), password="long-enough-pw",
        community_id=world.community_id, address="Building 2, room 501"))
    owner = await sessions.load_principal(user_id)
    staff, helper = await world.person(staff=True), await world.person(helper=True)
    other = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await wishes.claim(helper, wish_id)
    for reader in (helper, staff):
        shown = await wishes.detail(reader, wish_id)
        assert shown.contact is not None and shown.contact.address == "Building 2, room 501"
    assert (await wishes.detail(other, wish_id)).contact is None
