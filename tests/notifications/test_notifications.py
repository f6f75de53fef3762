"""Notifications: sent inside the sender's transaction, said once when deduplicated,
counted in the header, listed newest first and marked read when seen."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from marketplace import db
from marketplace.notifications import service
from marketplace.notifications.tables import Notification
from tests.conftest import World, login, text_of


async def test_sent_notification_is_counted_listed_and_read_once_seen(
        world: World, client: AsyncClient) -> None:
    person = await world.person()
    await service.send(person.user_id, "wish_claimed", "/wishes/1", helper="Li Ming",
                       title="Fix the tap")
    await service.send(person.user_id, "points_received", points=5, memo="A gift")
    assert await service.unread_count(person) == 2

    client.headers["accept-language"] = "en"
    await login(client, person)
    home = await client.get("/")
    assert "unread notifications" in home.text
    page = await client.get("/notifications")
    text = text_of(page.text)
    assert "Li Ming claimed your wish “Fix the tap”." in text
    assert text.index("You received 5 points: A gift") < text.index("Li Ming claimed")
    assert await service.unread_count(person) == 0
    assert "unread notifications" not in (await client.get("/")).text


async def test_dedupe_key_says_it_once(world: World) -> None:
    person = await world.person()
    for _ in range(3):
        async with db.transaction():
            await service.send(person.user_id, "claim_due_soon", dedupe_key=f"due:{person.user_id}",
                               title="Ride to the clinic")
    assert await service.kinds_sent(person.user_id) == ["claim_due_soon"]


async def test_rolled_back_change_sends_nothing(world: World) -> None:
    person = await world.person()
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await service.send(person.user_id, "wish_approved", title="x")
            raise RuntimeError("the change failed")
    assert await service.kinds_sent(person.user_id) == []


async def test_unknown_kind_is_a_programming_error(world: World) -> None:
    person = await world.person()
    with pytest.raises(ValueError):
        await service.send(person.user_id, "no_such_kind")


async def test_someone_elses_notifications_are_not_shown(world: World,
                                                         client: AsyncClient) -> None:
    owner, other = await world.person(), await world.person()
    await service.send(owner.user_id, "wish_rejected", title="Secret", reason="private")
    client.headers["accept-language"] = "en"
    await login(client, other)
    page = await client.get("/notifications")
    assert "Secret" not in page.text
    assert "Nothing new" in text_of(page.text)
    assert await service.unread_count(owner) == 1


async def test_notifications_page_needs_sign_in(client: AsyncClient) -> None:
    response = await client.get("/notifications", follow_redirects=False)
    assert response.status_code in (302, 303, 401)


async def test_older_notifications_page_by_keyset(world: World, client: AsyncClient) -> None:
    person = await world.person()
    for n in range(service.PAGE_SIZE + 3):
        await service.send(person.user_id, "points_received", points=n + 1, memo=f"m{n}")
    first, cursor = await service.recent(person)
    assert len(first) == service.PAGE_SIZE and cursor is not None
    rest, end = await service.recent(person, cursor)
    assert [s.text for s in rest][-1] == "You received 1 points: m0" and end is None
    assert len(rest) == 3


class _Undone(Exception):
    pass


@pytest.mark.parametrize("in_transaction", [False, True])
async def test_a_sent_notification_is_the_row_piccolo_wrote(world: World,
                                                           in_transaction: bool) -> None:
    """``send``'s insert (SQL written once) writes what Piccolo's insert of the same
    notification wrote, each value's type included; a key says it once, in a transaction
    or not."""
    person = await world.person()
    key = f"once-{person.user_id}-{in_transaction}"

    async def sent() -> None:
        await service.send(person.user_id, "wish_claimed", "/wishes/7" + "x" * 300,
                           helper="李明", title="Fix the tap")
        await service.send(person.user_id, "points_received", dedupe_key=key, points=5)
        await service.send(person.user_id, "points_received", dedupe_key=key, points=6)

    if in_transaction:
        async with db.transaction():
            await sent()
    else:
        await sent()
    rows = await Notification.select().where(Notification.user == person.user_id).order_by(
        Notification.id)
    assert [(r["kind"], r["dedupe_key"], r["params"]) for r in rows] == [
        ("wish_claimed", None, '{"helper": "李明", "title": "Fix the tap"}'),
        ("points_received", key, '{"points": 5}')]
    with pytest.raises(_Undone):
        async with db.transaction():
            for row in rows:
                [made] = await Notification.insert(Notification(**{
                    k: v for k, v in row.items() if k not in ("id", "dedupe_key")}
                )).returning(*Notification.all_columns())
                made = await Notification.select().where(
                    Notification.id == made["id"]).first()
                assert [(k, type(v), v) for k, v in made.items() if k not in (
                    "id", "dedupe_key")] == [(k, type(v), v) for k, v in row.items()
                                             if k not in ("id", "dedupe_key")]
            raise _Undone
    assert rows[0]["link"] == ("/wishes/7" + "x" * 300)[:200] and rows[0]["read_at"] is None
