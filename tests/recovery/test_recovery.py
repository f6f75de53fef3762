"""Account recovery: staff issue a one-time reset code, the member sets a new password."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from marketplace import clock
from marketplace.accounts import sessions, throttle
from marketplace.accounts.tables import Session
from marketplace.audit.tables import AuditEvent
from marketplace.cli import parser
from marketplace.errors import DomainError, Forbidden
from marketplace.recovery import service
from marketplace.recovery.tables import ResetCode
from tests.cast import new_world, session_token
from tests.conftest import PASSWORD, World, login, post, text_of

NEW = "blue-kettle-on-the-stove"
EN = {"accept-language": "en"}


async def _issue_over_http(client: httpx.AsyncClient, staff, person) -> str:  # type: ignore[no-untyped-def]
    """Staff press "Issue a reset code"; the code as the slip shows it."""
    await login(client, staff)
    asked = await client.get(f"/staff/members/{person.user_id}/reset-code", headers=EN)
    assert asked.status_code == 200 and person.login in asked.text
    r = await post(client, f"/staff/members/{person.user_id}/reset-code")
    assert r.status_code == 303
    assert re.fullmatch(rf"/staff/members/{person.user_id}/reset-code/\d+", r.headers["location"])
    slip = await client.get(r.headers["location"], headers=EN)
    assert slip.status_code == 200 and slip.headers["cache-control"] == "no-store"
    assert "<svg" in slip.text  # the QR code
    code = re.search(r'class="code-text"[^>]*>([A-Z0-9-]+)<', slip.text)
    assert code, slip.text
    return code.group(1)


async def test_code_sets_a_new_password_once_and_ends_every_session(
        client: httpx.AsyncClient, app, world: World) -> None:  # type: ignore[no-untyped-def]
    staff, person = await world.person(staff=True), await world.person()
    old_session = await session_token(person)
    code = await _issue_over_http(client, staff, person)
    events = await AuditEvent.select().where(
        (AuditEvent.action == "reset_code_issued") & (AuditEvent.target_id == person.user_id))
    assert [e["actor"] for e in events] == [staff.user_id]

    transport = httpx.ASGITransport(app=app, client=("10.77.0.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anon:
        form = await anon.get(f"/reset/{code.lower()}", headers=EN)  # case does not matter
        assert form.status_code == 200 and person.login in form.text
        weak = await post(anon, f"/reset/{code}", {"password": "12345678",
                                                   "password2": "12345678"}, headers=EN)
        assert weak.status_code == 422 and "too easy to guess" in weak.text
        done = await post(anon, f"/reset/{code}", {"password": NEW, "password2": NEW})
        assert done.status_code == 303 and done.headers["location"] == "/login"
        again = await post(anon, "/reset", {"code": code}, headers=EN)
        assert again.status_code == 422 and "already been used" in again.text
    assert await Session.count().where(Session.user == person.user_id) == 0
    assert await sessions.principal_for_session(old_session) is None
    with pytest.raises(DomainError):
        await sessions.authenticate(person.login, PASSWORD, "10.77.0.2")
    assert await sessions.authenticate(person.login, NEW, "10.77.0.2") == person.user_id
    assert await AuditEvent.count().where(
        (AuditEvent.action == "password_reset") & (AuditEvent.target_id == person.user_id)) == 1


async def test_typed_code_leads_to_the_new_password_form(client, world: World) -> None:  # type: ignore[no-untyped-def]
    staff, person = await world.person(staff=True), await world.person()
    slip = await service.slip(staff, person.user_id, await service.issue(staff, person.user_id))
    r = await post(client, "/reset", {"code": " " + service.display(slip.code).lower()},
                   headers=EN)
    assert r.status_code == 200 and "Choose a new password" in r.text
    assert f'action="/reset/{slip.code}"' in r.text


async def test_expired_code_is_refused_and_no_longer_shown(world: World) -> None:
    staff, person = await world.person(staff=True), await world.person()
    reset_id = await service.issue(staff, person.user_id)
    code = (await service.slip(staff, person.user_id, reset_id)).code
    await ResetCode.update({ResetCode.expires_at: clock.now() - timedelta(minutes=1)}).where(
        ResetCode.id == reset_id)
    with pytest.raises(DomainError, match="expired"):
        await service.use(code, NEW, "10.78.0.1")
    slip = await service.slip(staff, person.user_id, reset_id)
    assert slip.state == "expired" and slip.code == ""


async def test_a_new_code_replaces_the_old_one(world: World) -> None:
    staff, person = await world.person(staff=True), await world.person()
    first = (await service.slip(staff, person.user_id,
                                await service.issue(staff, person.user_id))).code
    second = (await service.slip(staff, person.user_id,
                                 await service.issue(staff, person.user_id))).code
    assert first != second and len(second) == service.LENGTH
    with pytest.raises(DomainError, match="newer code"):
        await service.check(first, "10.79.0.1")
    assert (await service.check(second, "10.79.0.1")).user_id == person.user_id


async def test_only_staff_of_the_persons_community_or_admins_issue(world: World) -> None:
    person, neighbour = await world.person(), await world.person()
    other = await new_world()
    staff_b = await other.person(staff=True)
    with pytest.raises(Forbidden):
        await service.issue(staff_b, person.user_id)
    with pytest.raises(Forbidden):
        await service.issue(neighbour, person.user_id)
    # Staff do not take over accounts with more rights; an administrator may.
    staff, colleague = await world.person(staff=True), await world.person(staff=True)
    admin = await other.person(admin=True)
    with pytest.raises(Forbidden, match="administrator"):
        await service.issue(staff, colleague.user_id)
    assert await service.issue(admin, colleague.user_id)
    # A slip is read only under its own person's path.
    reset_id = await service.issue(staff, person.user_id)
    with pytest.raises(Exception, match="No such reset code"):
        await service.slip(staff, neighbour.user_id, reset_id)
    with pytest.raises(Forbidden):
        await service.slip(staff_b, person.user_id, reset_id)


async def test_another_communitys_staff_get_no_page_and_write_nothing(
        client: httpx.AsyncClient, world: World) -> None:
    person = await world.person()
    staff_b = await (await new_world()).person(staff=True)
    await login(client, staff_b)
    assert (await client.get(f"/staff/members/{person.user_id}/reset-code")).status_code == 403
    r = await post(client, f"/staff/members/{person.user_id}/reset-code")
    assert r.status_code == 403
    assert await ResetCode.count().where(ResetCode.user == person.user_id) == 0


async def test_typing_codes_is_throttled_per_address_only(client, world: World) -> None:  # type: ignore[no-untyped-def]
    staff, person = await world.person(staff=True), await world.person()
    code = (await service.slip(staff, person.user_id,
                               await service.issue(staff, person.user_id))).code
    for _ in range(throttle.RESET.free):
        with pytest.raises(DomainError):
            await service.check("WRONGWRONGWRONG2", "10.80.0.1")
    with pytest.raises(throttle.Throttled):
        await service.check(code, "10.80.0.1")  # not even looked up while it must wait
    # Someone else's guessing does not slow the person down elsewhere.
    assert (await service.check(code, "10.80.0.2")).user_id == person.user_id
    # The page says how long to wait.
    for _ in range(throttle.RESET.free):
        await post(client, "/reset", {"code": "WRONG"})
    r = await post(client, "/reset", {"code": code}, headers=EN)
    assert r.status_code == 429 and "Please wait" in r.text


async def test_forgot_page_shows_the_office_staff_set(client, world: World) -> None:  # type: ignore[no-untyped-def]
    staff = await world.person(staff=True)
    page = await client.get("/login", headers=EN)
    assert 'href="/forgot"' in page.text
    await login(client, staff)
    r = await post(client, "/staff/community/office", {
        "community_id": str(world.community_id), "office_place": "Service hall, Building 3",
        "office_phone": "010-6543 2100", "office_hours": "Mon–Fri 9:00–17:00"})
    assert r.status_code == 303
    too_long = await post(client, "/staff/community/office", {
        "community_id": str(world.community_id), "office_place": "x" * 201}, headers=EN)
    assert too_long.status_code == 422 and 'value="xxxx' in too_long.text
    forgot = text_of((await client.get("/forgot", headers=EN)).text)
    assert "Service hall, Building 3" in forgot and "010-6543 2100" in forgot
    assert "Mon–Fri 9:00–17:00" in forgot
    staff_b = await (await new_world()).person(staff=True)
    with pytest.raises(Forbidden):
        await service.set_office(staff_b, world.community_id, "Elsewhere", "", "")


async def test_command_line_reset_password(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    from marketplace.cli import _reset_password

    person = await world.person()
    assert await _reset_password(person.login.upper()) == 0
    out = capsys.readouterr().out
    link = re.search(r"/reset/([A-Z0-9]{16})\s", out)
    assert link and "Code to type" in out
    assert (await service.check(link.group(1), "10.81.0.1")).user_id == person.user_id
    assert await _reset_password("nobody-has-this") == 2
    assert parser().parse_args(["reset-password", "grandma"]).login == "grandma"


async def test_a_code_resets_only_its_own_person(world: World) -> None:
    staff = await world.person(staff=True)
    person, other = await world.person(), await world.person()
    other_session = await session_token(other)
    code = (await service.slip(staff, person.user_id,
                               await service.issue(staff, person.user_id))).code
    holder = await service.use(code, NEW, "10.82.0.1")
    assert holder.user_id == person.user_id
    # The other person's password and sessions are untouched.
    assert await sessions.authenticate(other.login, PASSWORD, "10.82.0.2") == other.user_id
    assert await sessions.principal_for_session(other_session) is not None
    with pytest.raises(DomainError):
        await sessions.authenticate(other.login, NEW, "10.82.0.3")
