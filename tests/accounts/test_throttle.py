"""Throttling without lockout (OWASP device cookies), through the sign-in and sign-up pages.

Waiting is simulated by moving recorded failures back in time (no sleeping, no clocks).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx

from marketplace import clock
from marketplace.accounts import throttle
from marketplace.accounts.tables import LoginAttempt
from tests.conftest import PASSWORD, World, csrf, post, unique

EN = {"accept-language": "en"}


@contextlib.asynccontextmanager
async def browser(app, address: str) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """A browser of its own (cookies) at a network address of its own."""
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def _address() -> str:
    return f"10.{hash(unique()) % 200 + 20}.{hash(unique()) % 250}.7"


async def _sign_in(c: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await post(c, "/login", {"login": login, "password": password}, headers=EN)


async def _wait_out(prefix: str, seconds: int) -> None:
    """As if ``seconds`` had passed since every failure of the keys starting with prefix."""
    moment = clock.now() - timedelta(seconds=seconds)
    await LoginAttempt.update({LoginAttempt.at: moment}).where(
        LoginAttempt.key.like(prefix + "%"))


def _wait_told(html: str) -> str:
    found = re.search(r"wait (\d+ (?:seconds|minutes))", html)
    return found[1] if found else ""


async def test_attacker_elsewhere_does_not_stop_the_owner_with_a_known_device(
        app, world: World) -> None:
    owner = await world.person()
    async with browser(app, _address()) as phone, browser(app, _address()) as attacker:
        assert (await _sign_in(phone, owner.login, PASSWORD)).status_code == 303
        assert throttle.DEVICE_COOKIE in phone.cookies
        await post(phone, "/logout")

        failures, waits = 0, []
        while failures < 50:
            r = await _sign_in(attacker, owner.login, f"guess-{failures}-x")
            if r.status_code == 429:  # told to wait: the attacker waits, then goes on
                waits.append(_wait_told(r.text))
                await _wait_out(f"login:{owner.login}", 15 * 60)
                continue
            assert r.status_code == 422 and "Wrong login or password" in r.text
            failures += 1
        # Slowed down progressively, up to the cap (15 minutes), never locked for good.
        assert waits[:4] == ["30 seconds", "60 seconds", "2 minutes", "4 minutes"]
        assert waits[-1] == "15 minutes"
        assert await LoginAttempt.count().where(
            LoginAttempt.key == f"login:{owner.login}") >= 50

        # Right after a failure even the right password from an unknown device waits
        # (the answer must not tell a guesser they are right)...
        r = await _sign_in(attacker, owner.login, PASSWORD)
        assert r.status_code == 429 and "Too many failed attempts. Please wait" in r.text
        # ...while the owner's phone, known to this login, signs in at once.
        r = await _sign_in(phone, owner.login, PASSWORD)
        assert r.status_code == 303


async def test_a_device_s_own_failures_slow_only_that_device(app, world: World) -> None:
    person = await world.person()
    address = _address()
    async with browser(app, address) as a, browser(app, address) as b, \
            browser(app, _address()) as new:
        for c in (a, b):
            assert (await _sign_in(c, person.login, PASSWORD)).status_code == 303
            await post(c, "/logout")
        for i in range(5):
            r = await _sign_in(a, person.login, f"typo-{i}-typo")
            assert "Wrong login or password" in r.text
        r = await _sign_in(a, person.login, PASSWORD)
        assert r.status_code == 429 and _wait_told(r.text) == "30 seconds"
        # Device B and a brand-new device are not slowed by device A's typing.
        assert (await _sign_in(b, person.login, PASSWORD)).status_code == 303
        assert (await _sign_in(new, person.login, PASSWORD)).status_code == 303
        # Waiting is enough: A gets in after the wait.
        device_keys = await LoginAttempt.select(LoginAttempt.key).where(
            LoginAttempt.key.like("device:%") & (LoginAttempt.success == False))  # noqa: E712
        for row in device_keys:
            await _wait_out(row["key"], 31)
        assert (await _sign_in(a, person.login, PASSWORD)).status_code == 303


async def test_a_shared_address_with_100_failures_still_lets_residents_in(
        app, world: World) -> None:
    """An address is slowed only after 100 failures an hour, and then by a minute at most.
    Residents who signed in on their phone before are not slowed by it at all; from a
    device the address does not know, a correct password gets in once the short wait is
    over (during it, no password is checked: a throttle that answered "right" would be
    no throttle)."""
    resident, newcomer = await world.person(), await world.person()
    building, prefix = _address(), unique("neighbour")
    async with browser(app, building) as phone, browser(app, building) as neighbours, \
            browser(app, building) as new_phone, browser(app, _address()) as at_work:
        assert (await _sign_in(phone, resident.login, PASSWORD)).status_code == 303
        await post(phone, "/logout")
        for i in range(100):  # 25 people typing 4 wrong passwords each
            r = await _sign_in(neighbours, f"{prefix}{i % 25}", "wrong-password")
            assert r.status_code == 422, i
        assert await LoginAttempt.count().where(
            (LoginAttempt.key == f"ip:{building}") & (LoginAttempt.success == False)  # noqa: E712
        ) == 100

        assert (await _sign_in(phone, resident.login, PASSWORD)).status_code == 303
        r = await _sign_in(new_phone, newcomer.login, PASSWORD)
        assert r.status_code == 429 and _wait_told(r.text) == "5 seconds"
        # Only the address is slowed: the same person elsewhere signs in at once.
        assert (await _sign_in(at_work, newcomer.login, PASSWORD)).status_code == 303
        await _wait_out(f"ip:{building}", 6)
        assert (await _sign_in(new_phone, newcomer.login, PASSWORD)).status_code == 303


async def test_device_cookies_cannot_be_forged_or_borrowed(app, world: World) -> None:
    victim, attacker_account = await world.person(), await world.person()
    async with browser(app, _address()) as attacker:
        # The attacker's own account gives them a genuine cookie, for their login only.
        assert (await _sign_in(attacker, attacker_account.login, PASSWORD)).status_code == 303
        await post(attacker, "/logout")
        own = attacker.cookies[throttle.DEVICE_COOKIE]
        for i in range(5):
            await _sign_in(attacker, victim.login, f"guess-{i}-guess")
        r = await _sign_in(attacker, victim.login, PASSWORD)
        assert r.status_code == 429
        login_b64, nonce, _sig = own.split("~")[0].split(".")
        victim_b64 = throttle._b64(victim.login)
        for forged in (f"{victim_b64}.{nonce}.{_sig}", f"{victim_b64}.{nonce}.{'0' * 32}",
                       own.replace(login_b64, victim_b64), "x" * 5000):
            attacker.cookies.set(throttle.DEVICE_COOKIE, forged, domain="testserver.local")
            r = await _sign_in(attacker, victim.login, PASSWORD)
            assert r.status_code == 429, forged


async def test_a_burst_of_parallel_guesses_gets_no_more_than_the_free_tries(
        app, world: World) -> None:
    person = await world.person()
    async with browser(app, _address()) as attacker:
        await csrf(attacker)
        answers = await asyncio.gather(*(
            _sign_in(attacker, person.login, f"burst-{i}-guess") for i in range(20)))
    checked = [r for r in answers if "Wrong login or password" in r.text]
    assert len(checked) <= 5
    assert all(r.status_code == 429 for r in answers if r not in checked)
    assert await LoginAttempt.count().where(
        LoginAttempt.key == f"login:{person.login}") <= 5


async def test_registration_is_slowed_per_address(app, world: World) -> None:
    hall = _address()

    async def register(c: httpx.AsyncClient) -> httpx.Response:
        return await post(c, "/register", {
            "display_name": "Neighbour", "login": unique("r"), "password": PASSWORD,
            "password2": PASSWORD, "community": str(world.community_id),
            "agree_notice": "on"}, headers=EN)

    async with browser(app, hall) as c, browser(app, _address()) as home:
        for _ in range(20):
            assert (await register(c)).status_code == 303
        r = await register(c)
        assert r.status_code == 429
        assert "Many accounts were just made from your network. Please wait 10 seconds" in r.text
        assert 'value="Neighbour"' in r.text
        assert (await register(home)).status_code == 303  # other addresses are not slowed
        await _wait_out(f"register:{hall}", 11)
        assert (await register(c)).status_code == 303
