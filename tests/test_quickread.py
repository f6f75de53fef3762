"""Hot-path reads (marketplace/quickread.py: on SQLite, on the event loop's own thread)
answer exactly what Piccolo's engine answers, types included, on either database; inside a
transaction they see its rows; a busy SQLite file falls back to the engine; and nothing is
remembered between requests: a session ended elsewhere is refused on the very next one."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from piccolo.querystring import QueryString

from marketplace import clock, db, quickread
from marketplace.accounts import sessions
from marketplace.accounts.tables import Session, User
from marketplace.community import service as community
from marketplace.community.tables import Grid
from marketplace.notifications import service as notifications
from marketplace.web import identity
from marketplace.wishes import categories, queries, service
from marketplace.wishes.tables import Category, Wish
from tests.conftest import World, login, unique


def _typed(rows: list[dict[str, Any]]) -> list[list[tuple[str, type, Any]]]:
    """Rows with each value's type: 1 == True and text is not a datetime."""
    return [[(k, type(v), v) for k, v in row.items()] for row in rows]


async def _both(sql: str, *args: Any, **types: Any) -> tuple[list, list]:
    fast = await quickread.read(sql, *args, types=types)
    engine = [dict(r) for r in await db.DB.run_querystring(QueryString(sql, *args))]
    return _typed(fast), _typed(engine)


async def test_who_is_asking_reads_what_the_engine_reads(world: World) -> None:
    plain = await world.person()
    busy = await world.person(helper=True, staff=True, admin=True)
    await User.update({User.elder_mode: True, User.language: "en"}).where(
        User.id == busy.user_id)
    await User.update({User.elder_mode: False}).where(User.id == plain.user_id)
    await notifications.send(busy.user_id, "wish_approved", title="Yours")
    sql = sessions._who_by_session(identity._extra_columns())
    for person in (plain, busy):
        token = await sessions.start_session(person.user_id, "test", None)
        sid = sessions._session_id(token)
        fast, engine = await _both(sql, sid, **sessions._WHO_TYPES)
        assert fast == engine and len(fast) == 1
    principal, unread, _ = await identity.who_is_asking(token)
    assert principal is not None and principal.is_admin and principal.is_helper
    assert principal.elder_mode is True and unread == 1


async def test_the_principal_is_the_one_the_engine_row_makes(world: World) -> None:
    person = await world.person(helper=True, staff=True)
    token = await sessions.start_session(person.user_id, "test", None)
    sql = sessions._who_by_session(())
    row = (await Session.raw(sql, sessions._session_id(token)))[0]
    assert await sessions.principal_for_session(token) == sessions.principal_from_row(row)


async def test_the_list_queries_read_what_the_engine_reads(world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    errands = await service.add_category(staff, world.community_id, "Errands", 5)
    hidden = await service.add_category(staff, world.community_id, "Hidden", 5)
    await Category.update({Category.active: False}).where(Category.id == hidden)
    await Grid.insert(Grid(community=world.community_id, name="Archived", archived=True))
    for i in range(4):
        wish_id = await service.post_wish(owner, service.NewWish(errands, f"Wish {i}"))
        await service.review(staff, wish_id, True)
        if i % 2:
            await Wish.update({Wish.wished_by: date(2026, 12, i + 1), Wish.grid: None,
                               Wish.photo: "x.jpg"}).where(Wish.id == wish_id)
    sql = queries._open_wishes_sql(False, False, False)
    fast, engine = await _both(sql, world.community_id, "open", 21, **queries._CARD_TYPES)
    assert fast == engine and len(fast) == 4
    fast, engine = await _both(categories.ACTIVE_CATEGORIES_SQL, world.community_id, True,
                               active=quickread.BOOLEAN)
    assert fast == engine and [r[2][2] for r in fast] == ["Errands"]
    fast, engine = await _both(community._ACTIVE_GRIDS, world.community_id, False)
    assert fast == engine and [r[1][2] for r in fast] == ["Grid A"]


async def test_inside_a_transaction_the_transactions_rows_are_seen(world: World) -> None:
    async with db.transaction():
        await Grid.insert(Grid(community=world.community_id, name="Grid new"))
        names = [g["name"] for g in await community.grids(world.community_id)]
    assert names == ["Grid A", "Grid new"]


@pytest.mark.sqlite_only
@pytest.mark.skipif(not db.is_sqlite(), reason="SQLite's own connection")
async def test_a_busy_database_file_falls_back_to_the_engine(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(typed: bool = False) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(quickread, "_connection", locked)
    assert [g["name"] for g in await community.grids(world.community_id)] == ["Grid A"]


async def test_a_session_ended_elsewhere_is_refused_on_the_next_request(
        client: httpx.AsyncClient, world: World) -> None:
    person = await world.person()
    await login(client, person)
    assert (await client.get("/wishes/")).status_code == 200
    # Another process signs the person out everywhere (its own connection, not ours).
    await Session.delete().where(Session.user == person.user_id)
    refused = await client.get("/wishes/")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


async def test_an_idle_session_ends_and_is_deleted(client: httpx.AsyncClient,
                                                   world: World) -> None:
    person = await world.person()
    await login(client, person)
    long_ago = clock.now() - timedelta(days=400)
    await Session.update({Session.last_seen_at: long_ago, Session.created_at: long_ago}).where(
        Session.user == person.user_id)
    refused = await client.get("/wishes/")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    assert not await Session.select().where(Session.user == person.user_id)


@pytest.mark.sqlite_only
@pytest.mark.skipif(not db.is_sqlite() or not hasattr(os, "fork"), reason="SQLite, fork")
async def test_a_forked_process_opens_its_own_connection(world: World) -> None:
    await community.grids(world.community_id)  # this process's connection is open
    parents = quickread._connection()
    pid = os.fork()
    if pid == 0:  # the child: SQLite forbids using the parent's connection
        fresh = quickread._connection() is not parents
        rows = quickread.read_here(community._ACTIVE_GRIDS, (world.community_id, False), {})
        os._exit(0 if fresh and [r["name"] for r in rows] == ["Grid A"] else 1)
    assert os.waitpid(pid, 0)[1] == 0  # noqa: ASYNC222 (the child exits at once)


class _Undone(Exception):
    pass


@pytest.mark.parametrize("path", ["loop", "aiosqlite", "alone"] if db.is_sqlite()
                         else ["loop", "alone"])  # PostgreSQL: one way in a transaction
async def test_a_statement_written_once_answers_what_table_raw_answers(
        world: World, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``run`` (the write steps' statements): the same rows, names and value types as
    ``Table.raw`` — a wide row with dates, booleans and NULLs, an UPDATE … RETURNING, an
    INSERT without rows — in a write transaction on the loop's thread, on aiosqlite's, or
    alone; and what it wrote is in the transaction (rolled back with it)."""
    if path == "aiosqlite":
        monkeypatch.setattr(db.DB, "writes_on_loop", False)
    staff = await world.person(staff=True)
    category = await categories.add_category(staff, world.community_id, "Errands", 10)
    wish_id = await service.post_wish(staff, service.NewWish(
        category, "Carry rice", wished_by=date.today() + timedelta(days=3)))
    wide = "SELECT w.*, c.active AS c_active FROM wish w JOIN wish_category c " \
           "ON c.id = w.category WHERE w.id = {}"
    update = "UPDATE wish SET title = {}, updated_at = {} WHERE id = {} RETURNING *"
    insert = "INSERT INTO grid (community, name) VALUES ({}, {})"
    grid = unique("Grid ")

    async def both() -> None:
        on_loop = quickread._loop_connection() is not None
        assert on_loop == (path == "loop" and db.is_sqlite())
        assert _typed(await quickread.run(wide, wish_id)) == _typed(
            await Wish.raw(wide, wish_id))
        moment = clock.now()
        fast = await quickread.run(update, "Carry flour", moment, wish_id)
        assert _typed(fast) == _typed(await Wish.raw(update, "Carry flour", moment, wish_id))
        assert await quickread.run(insert, world.community_id, grid) == []
        assert await Grid.count().where(Grid.name == grid) == 1

    if path == "alone":
        await both()
        return
    with pytest.raises(_Undone):
        async with db.transaction():
            await both()
            raise _Undone
    assert (await Wish.select(Wish.title).where(Wish.id == wish_id).first())["title"] == (
        "Carry rice")
    assert await Grid.count().where(Grid.name == grid) == 0


async def test_rows_made_on_demand_are_the_rows_read(world: World) -> None:
    """``read_rows`` (the wish list's): its dicts, one row, a slice and a column are what
    ``read`` answers, types included; its key is the same while the rows are, and another
    when any value changes."""
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Errands", 10)
    for title in ("Rice", "Dog", "Fence"):
        wish_id = await service.post_wish(owner, service.NewWish(
            category, title, "", clock.today() + timedelta(days=3)))
        await service.review(staff, wish_id, True)
    sql = queries._open_wishes_sql(False, False, False)
    args = (world.community_id, "open", 10)
    read = await quickread.read(sql, *args, types=queries._CARD_TYPES)
    lazy = await quickread.read_rows(sql, *args, types=queries._CARD_TYPES)
    assert len(lazy) == 3 and _typed([lazy[1]]) == _typed([read[1]])  # one row alone
    assert [m.isoformat() for m in lazy.column("created_at")] == [
        r["created_at"].isoformat() for r in read]
    assert _typed(list(lazy[:2])) == _typed(read[:2]) and _typed(list(lazy)) == _typed(read)
    assert lazy == read and lazy[:2] != read
    again = await quickread.read_rows(sql, *args, types=queries._CARD_TYPES)
    assert again.key() == lazy.key()
    await Wish.update({Wish.title: "Rice, 5 kg"}).where(
        (Wish.title == "Rice") & (Wish.community == world.community_id))
    changed = await quickread.read_rows(sql, *args, types=queries._CARD_TYPES)
    assert changed.key() != lazy.key()
    made = quickread.Rows.of(read)  # the ordinary path's dicts
    assert made == read and made.column("title") == [r["title"] for r in read]
