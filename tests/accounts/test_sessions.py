"""Session time-outs, password re-hashing, and the friendly 500 page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, Type

from marketplace import clock
from marketplace.accounts import passwords, service
from marketplace.accounts.tables import Session, User
from tests.conftest import PASSWORD, World, login


async def test_idle_session_ends(client, world: World) -> None:
    person = await world.person()
    await login(client, person)
    assert (await client.get("/me")).status_code == 200
    await Session.update({Session.last_seen_at: clock.now() - timedelta(hours=3)}).where(
        Session.user == person.user_id)
    r = await client.get("/me")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/me"
    assert not await Session.exists().where(Session.user == person.user_id)


async def test_absolute_session_lifetime(client, world: World) -> None:
    person = await world.person()
    await login(client, person)
    await Session.update({Session.created_at: clock.now() - timedelta(days=8)}).where(
        Session.user == person.user_id)
    assert (await client.get("/me")).status_code == 303


async def test_old_hash_parameters_are_upgraded_at_sign_in(client, world: World) -> None:
    person = await world.person()
    weak = PasswordHasher(time_cost=1, memory_cost=32, parallelism=1, type=Type.ID)
    await User.update({User.password_hash: weak.hash(PASSWORD)}).where(
        User.id == person.user_id)
    await login(client, person)
    row = await User.select(User.password_hash).where(User.id == person.user_id).first()
    assert not passwords._hasher().check_needs_rehash(row["password_hash"])
    assert row["password_hash"] != weak.hash(PASSWORD)


async def test_unexpected_error_gets_a_calm_page(client, world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    person = await world.person()
    await login(client, person)

    async def broken(user_id: int) -> None:
        raise RuntimeError("database fell over")

    monkeypatch.setattr(service, "profile", broken)
    r = await client.get("/me", headers={"accept-language": "en"})
    assert r.status_code == 500
    assert "Something went wrong on our side" in r.text
    assert "database fell over" not in r.text and "Traceback" not in r.text
