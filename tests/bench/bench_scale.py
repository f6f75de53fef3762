"""List and balance pages on PostgreSQL with many rows vs 10k rows: p95 ratio ≤ 1.5.

The same viewer (a helper with ~100 statement lines) measures /wishes/ and /points first
with 10k wishes and 10k ledger transfers, then after bulk-loading (generate_series) up to
BENCH_WISHES wishes (default 1M) and BENCH_TRANSFERS transfers (default 10M). BENCH_SCALE
multiplies both (e.g. 0.01 for a quick run). Needs DATABASE_URL=postgres://… (the
orchestrator makes a fresh database).
"""

from __future__ import annotations

import asyncio
import os
import time

from marketplace import db
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Account
from marketplace.wishes import service as wishes
from tests.bench.common import Row, database, emit, get_steps, new_place, person, run_load, token
from tests.live import Server

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
WISHES = int(int(os.environ.get("BENCH_WISHES", "1000000")) * SCALE)
TRANSFERS = int(int(os.environ.get("BENCH_TRANSFERS", "10000000")) * SCALE)
BASE = 10_000
BATCH = 1_000_000
ACCOUNTS = 10_000
TARGET = 1.5
PAGES = ("/wishes/", "/points")

WISH_SQL = """
INSERT INTO wish (community, grid, building, owner, posted_by, category, title, description,
  photo, status, points, team_size, reject_reason, fulfil_note, fulfil_photo, hours,
  rating_comment, dispute_reason, created_at, updated_at)
SELECT {cid}, {gid}, {bid}, {owner}, {owner}, {cat}, 'Bulk wish ' || g, 'Bulk description',
  '', CASE WHEN g % 5 = 0 THEN 'open' ELSE 'confirmed' END, 10, 1, '', '', '', 0, '', '',
  now() - (g || ' seconds')::interval, now()
FROM generate_series({start}, {stop}) AS g
"""
ACCOUNT_SQL = """
INSERT INTO ledger_account (kind, community, key, balance, held, created_at)
SELECT 'person', {cid}, 'bench:{cid}:' || g, 0, 0, now()
FROM generate_series(1, {n}) AS g
"""
TRANSFER_SQL = """
INSERT INTO ledger_transfer (debit, credit, amount, kind, reference, memo, created_at,
  idempotency_key, content_hash)
SELECT {issuance}, {first_account} + (g % {n_accounts}), 1, 'award', 'bench', 'bulk',
  now() - (g || ' seconds')::interval, 'bench:' || g, 'bulk'
FROM generate_series({start}, {stop}) AS g
"""
BALANCE_SQL = """
UPDATE ledger_account a SET balance = s.total FROM (
  SELECT credit AS id, sum(amount) AS total FROM ledger_transfer WHERE kind = 'award'
  AND reference = 'bench' GROUP BY credit) s WHERE a.id = s.id;
UPDATE ledger_account SET balance = balance - {added} WHERE id = {issuance};
"""


class Bulk:
    def __init__(self) -> None:
        self.wishes = 0
        self.transfers = 0

    async def setup(self) -> str:
        self.place = await new_place()
        staff = await person(self.place, staff=True)
        self.owner = await person(self.place)
        viewer = await person(self.place, helper=True)
        self.category = await wishes.add_category(staff, self.place.community_id, "Bulk", 10)
        for n in range(100):  # the viewer's own statement: ~100 lines
            await ledger.award(self.place.community_id, viewer.user_id, 1, "award",
                               f"seed:{n}", None, "Seed", f"bench-seed:{n}")
        self.issuance = (await ledger.issuance_account(self.place.community_id))["id"]
        await Account.raw(ACCOUNT_SQL.format(cid=self.place.community_id, n=ACCOUNTS))
        prefix = f"bench:{self.place.community_id}:%"
        rows = await Account.raw("SELECT min(id) AS m FROM ledger_account WHERE key LIKE {}",
                                 prefix)
        self.first_account = rows[0]["m"]
        return await token(viewer)

    async def grow(self, wishes_to: int, transfers_to: int) -> None:
        p = self.place
        while self.wishes < wishes_to:
            stop = min(wishes_to, self.wishes + BATCH)
            await Account.raw(WISH_SQL.format(
                cid=p.community_id, gid=p.grid_id, bid=p.building_id, owner=self.owner.user_id,
                cat=self.category, start=self.wishes + 1, stop=stop))
            self.wishes = stop
        added = 0
        while self.transfers < transfers_to:
            stop = min(transfers_to, self.transfers + BATCH)
            await Account.raw(TRANSFER_SQL.format(
                issuance=self.issuance, first_account=self.first_account,
                n_accounts=ACCOUNTS, start=self.transfers + 1, stop=stop))
            added += stop - self.transfers
            self.transfers = stop
        # Keep the cached balances true to the entries, as the ledger check demands.
        await Account.raw("UPDATE ledger_account SET balance = 0 "
                                 f"WHERE key LIKE 'bench:{p.community_id}:%'")
        for statement in BALANCE_SQL.format(added=added, issuance=self.issuance).split(";"):
            if statement.strip():
                await Account.raw(statement)
        await Account.raw("ANALYZE")


def p95(sid: str, path: str) -> tuple[float, int]:
    server = Server().start()
    try:
        g = run_load({"base_url": server.url, "clients": [{"cookies": {"sid": sid}}],
                      "warmup": 1.0, "duration": 5.0,
                      "groups": [{"name": "g", "repeat": True,
                                  "workers": [get_steps(path)] * 4}]})["groups"]["g"]
    finally:
        server.stop()
    return g["p95_ms"], g["errors"]


def main() -> list[Row]:
    if db.is_sqlite():
        return [Row("list/balance p95 at scale", "not run", f"≤ {TARGET}×", None,
                    note="needs PostgreSQL (DATABASE_URL)")]
    bulk = Bulk()

    async def setup_and_grow(w: int, t: int) -> str:
        async with database():
            sid = await bulk.setup()
            await bulk.grow(w, t)
            return sid

    sid = asyncio.run(setup_and_grow(BASE, BASE))
    small = {path: p95(sid, path) for path in PAGES}
    started = time.monotonic()

    async def grow() -> None:
        async with db.lifespan_pool():
            await bulk.grow(WISHES, TRANSFERS)

    asyncio.run(grow())
    load_s = time.monotonic() - started
    big = {path: p95(sid, path) for path in PAGES}
    rows = []
    for path in PAGES:
        (s, se), (b, be) = small[path], big[path]
        ratio = b / s if s else float("inf")
        rows.append(Row(f"{path} p95, {WISHES:,} wishes / {TRANSFERS:,} transfers vs 10k",
                        f"{ratio:.2f}× ({b:.1f} / {s:.1f} ms)", f"≤ {TARGET}×",
                        ratio <= TARGET and se + be == 0,
                        note=f"PostgreSQL, 4 connections; bulk load {load_s:.0f} s; "
                             f"errors {se + be}"))
    return rows


if __name__ == "__main__":
    emit(main())
