"""Test set-up: a fresh database per run, chosen before the package is imported.

SQLite by default (a temporary file); PostgreSQL when DATABASE_URL is set (the Makefile's
second run hands a freshly created database; a database used by an earlier run is emptied
first, see ``_fresh_postgres``).
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import AsyncIterator

os.environ["MARKETPLACE_ENV"] = "test"
os.environ["PASSWORD_PROFILE"] = "fast"
os.environ["TICK_SECONDS"] = "0"
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="marketplace-test-"))
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")

import httpx
import pytest
from hypothesis import settings as hypothesis_settings

from marketplace import db
from marketplace.accounts import service as accounts
from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile, StaffMembership, User
from marketplace.app import create_app
from marketplace.cli import migrate
from marketplace.community.tables import Building, Community, Grid
from marketplace.principal import Principal
from marketplace.privacy import consents

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=30, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=300, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PASSWORD = "correct-horse-1"


def pytest_report_header() -> str:
    return f"database: {'sqlite' if db.is_sqlite() else 'postgresql'}"


# Made by the first test run on a PostgreSQL database: a later run may empty it.
RUN_MARKER = "test_run_marker"


async def _fresh_postgres() -> None:
    """The same database given again (``PG_TEST_DB`` kept between runs) still starts
    empty: the last run's logins, request keys and demo data would clash with this run's.
    Only a database a test run made is emptied; one holding people but no marker may be
    somebody's data, and the run stops instead."""
    marked = (await User.raw(f"SELECT to_regclass('{RUN_MARKER}') IS NOT NULL AS m"))[0]["m"]
    used = (await User.raw("SELECT EXISTS (SELECT 1 FROM app_user) AS used"))[0]["used"]
    if used and not marked:
        pytest.exit("DATABASE_URL holds people no test run made: the tests need a database "
                    "of their own (scripts/postgres.sh makes one).", returncode=2)
    await User.raw(f"CREATE TABLE IF NOT EXISTS {RUN_MARKER} (made_at timestamptz)")
    if used:
        tables = [row["tablename"] for row in await User.raw(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            f"AND tablename NOT IN ('migration', '{RUN_MARKER}')")]
        await User.raw("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                       + " RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[None]:
    async with db.lifespan_pool():
        assert await migrate()
        if not db.is_sqlite():
            await _fresh_postgres()
        yield


@pytest.fixture(scope="session")
def app():  # type: ignore[no-untyped-def]
    return create_app()


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=(f"10.0.{uuid.uuid4().int % 250}.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def unique(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


class World:
    """A community with a grid and building, and helpers to make people in it."""

    def __init__(self, community_id: int, grid_id: int, building_id: int) -> None:
        self.community_id = community_id
        self.grid_id = grid_id
        self.building_id = building_id

    async def person(self, *, helper: bool = False, staff: bool = False, admin: bool = False,
                     name: str | None = None) -> Principal:
        login = unique("p")
        user_id = await accounts.register(accounts.Registration(
            display_name=name or login, login=login, password=PASSWORD,
            community_id=self.community_id, grid_id=self.grid_id,
            building_id=self.building_id))
        # As at sign-up on the web: else every page would ask them to agree first.
        await consents.agree_to_notice(user_id, self.community_id)
        if helper:
            await HelperProfile.insert(HelperProfile(user=user_id, kind="volunteer",
                                                     status="verified"))
        if staff:
            await StaffMembership.insert(StaffMembership(user=user_id,
                                                         community=self.community_id))
        if admin:
            await User.update({User.is_admin: True}).where(User.id == user_id)
        return await sessions.load_principal(user_id)


@pytest.fixture
async def world() -> World:
    c = await Community.insert(Community(name=unique("Community "))).returning(Community.id)
    cid = int(c[0]["id"])
    g = await Grid.insert(Grid(community=cid, name="Grid A")).returning(Grid.id)
    b = await Building.insert(Building(grid=int(g[0]["id"]), name="Building 1")).returning(
        Building.id)
    return World(cid, int(g[0]["id"]), int(b[0]["id"]))


async def csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token a page would carry (hidden field / htmx header)."""
    if "csrftoken" not in client.cookies:
        await client.get("/login")
    return client.cookies["csrftoken"]


async def post(client: httpx.AsyncClient, url: str, data: dict | None = None,
               **kwargs: object) -> httpx.Response:
    token = await csrf(client)
    return await client.post(url, data={**(data or {}), "_csrf_token": token}, **kwargs)


async def login(client: httpx.AsyncClient, principal: Principal,
                password: str = PASSWORD) -> httpx.Response:
    response = await post(client, "/login", {"login": principal.login, "password": password})
    assert response.status_code == 303, response.text
    return response


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
