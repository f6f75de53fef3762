"""Shared by the benchmarks: environment, seeding through the real services, the server,
the load generator process, and the result rows.

The orchestrator (``python -m tests.bench``) runs each benchmark in its own process with a
fresh VAR_DIR (SQLite) or DATABASE_URL (PostgreSQL).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from typing import Any

from marketplace import cli, db
from marketplace.accounts import service as accounts
from marketplace.accounts import sessions
from marketplace.accounts.tables import HelperProfile, StaffMembership
from marketplace.community.tables import Building, Community, Grid
from marketplace.principal import Principal
from marketplace.privacy import consents
from marketplace.settings import ROOT
from marketplace.wishes import service as wishes

PASSWORD = "correct-horse-1"
GENERATOR = "separate Python process (asyncio, raw HTTP/1.1 keep-alive)"
SERVER = "1 uvicorn process"


@dataclass
class Row:
    name: str
    figure: str
    target: str
    ok: bool | None  # None: no target (information only)
    generator: str = GENERATOR
    note: str = ""


def emit(rows: list[Row]) -> None:
    """The orchestrator reads the last line of a benchmark's output."""
    print("BENCH-ROWS " + json.dumps([asdict(r) for r in rows]), flush=True)


def unique(prefix: str = "b") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@dataclass
class Place:
    community_id: int
    grid_id: int
    building_id: int


async def new_place() -> Place:
    c = await Community.insert(Community(name=unique("Bench community "))).returning(
        Community.id)
    cid = int(c[0]["id"])
    g = await Grid.insert(Grid(community=cid, name="Grid A")).returning(Grid.id)
    b = await Building.insert(Building(grid=int(g[0]["id"]), name="Building 1")).returning(
        Building.id)
    return Place(cid, int(g[0]["id"]), int(b[0]["id"]))


async def person(place: Place, *, helper: bool = False, staff: bool = False) -> Principal:
    login = unique("p")
    user_id = await accounts.register(accounts.Registration(
        display_name=login, login=login, password=PASSWORD, community_id=place.community_id,
        grid_id=place.grid_id, building_id=place.building_id))
    if helper:
        await HelperProfile.insert(HelperProfile(user=user_id, kind="volunteer",
                                                 status="verified"))
    if staff:
        await StaffMembership.insert(StaffMembership(user=user_id, community=place.community_id))
    return await sessions.load_principal(user_id)


async def token(p: Principal) -> str:
    return await session_for(p.user_id)


async def session_for(user_id: int) -> str:
    """A session of someone who agreed to the privacy notice (else every page would send
    them to the notice first)."""
    community = await consents.community_of(user_id)
    await consents.agree_to_notice(user_id, community)
    return await sessions.start_session(user_id, "bench", None)


async def open_wishes(owner: Principal, staff: Principal, category: int, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        wish_id = await wishes.post_wish(owner, wishes.NewWish(
            category_id=category, title=unique("Carry rice "),
            description="Two bags of rice up to the fourth floor, please."))
        await wishes.review(staff, wish_id, True)
        ids.append(wish_id)
    return ids


@asynccontextmanager
async def database() -> AsyncIterator[None]:
    """The pool (PostgreSQL) and a migrated schema for the seeding code."""
    async with db.lifespan_pool():
        assert await cli.migrate()
        yield


def run_load(spec: dict[str, Any]) -> dict[str, Any]:
    """The generator in its own process; its JSON result."""
    done = subprocess.run([sys.executable, "-m", "tests.bench.load"], cwd=ROOT,
                          input=json.dumps(spec), capture_output=True, text=True, check=False,
                          timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def get_steps(path: str, client: int = 0) -> list[dict[str, Any]]:
    return [{"m": "GET", "p": path, "c": client, "s": 200}]
