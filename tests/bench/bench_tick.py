"""A timer tick at county scale with points expiry on and nothing due: 60,000 residents
holding points in 13 communities (12-month expiry), each with an older lot already spent
and a recent one, so every account holds points and has history. Target: the whole tick
(every job) < 1 s, process start excluded; also reported: its statements, and
``marketplace tick`` as a command (process start included, information only).

Seeded by bulk SQL (PostgreSQL's generate_series), not through the services: the seed is
not what is measured.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime

from marketplace import timers
from marketplace.community.tables import Community
from marketplace.ledger.tables import Account
from marketplace.settings import ROOT
from tests.bench.common import Row, database, emit, unique
from tests.statements import statements

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
COMMUNITIES, RESIDENTS = 13, int(60_000 * SCALE)
TARGET_S = 1.0

USERS = """
INSERT INTO app_user (login, display_name, password_hash, phone, address, community,
                      language, is_admin, is_active, managed_by_staff, created_at)
SELECT {} || g, 'Resident ' || g, '!', '', '', {}, '', false, true, false, now()
FROM generate_series(1, {}) g
"""
ACCOUNTS = """
INSERT INTO ledger_account (kind, community, owner, key, balance, held, created_at)
SELECT 'person', u.community, u.id, 'person:' || u.community || ':' || u.id, 10, 0, now()
FROM app_user u WHERE u.community = {}
"""
ISSUANCE = """
INSERT INTO ledger_account (kind, community, key, balance, held, created_at)
VALUES ('issuance', {}, 'issuance:' || {}, -10 * {}, 0, now()) RETURNING id
"""
# Per account: 10 points 400 days ago, spent (back to issuance) 300 days ago, and 10
# points within the last 200 days: nothing is due now or within the warning's 30 days.
TRANSFERS = """
INSERT INTO ledger_transfer (debit, credit, amount, kind, reference, memo, created_at,
                             idempotency_key, content_hash)
SELECT CASE WHEN s.step = 2 THEN a.id ELSE {} END, CASE WHEN s.step = 2 THEN {} ELSE a.id END,
       10, CASE WHEN s.step = 2 THEN 'adjust' ELSE 'award' END, 'wish:1', '',
       now() - make_interval(days => CASE s.step WHEN 1 THEN 400 WHEN 2 THEN 300
                                      ELSE (a.id % 200) END),
       'bench:' || a.id || ':' || s.step, 'bench'
FROM ledger_account a CROSS JOIN (VALUES (1), (2), (3)) AS s(step)
WHERE a.community = {} AND a.kind = 'person'
ORDER BY a.id, s.step
"""


async def seed() -> None:
    async with database():
        per_community = RESIDENTS // COMMUNITIES
        for _ in range(COMMUNITIES):
            rows = await Community.insert(Community(
                name=unique("Bench county "), points_expiry_months=12)).returning(Community.id)
            cid = int(rows[0]["id"])
            await Account.raw(USERS, unique("t"), cid, per_community)
            await Account.raw(ACCOUNTS, cid)
            issuance = await Account.raw(ISSUANCE, cid, str(cid), per_community)
            iid = int(issuance[0]["id"])
            await Account.raw(TRANSFERS, iid, iid, cid)
        await Account.raw("ANALYZE")


async def tick() -> tuple[float, int, dict[str, int]]:
    async with database():
        await timers.run_all(datetime.now(UTC))  # warm: connections, imports
        with statements() as seen:
            started = time.perf_counter()
            done = await timers.run_all(datetime.now(UTC))
            elapsed = time.perf_counter() - started
    return elapsed, len(seen), done


def command_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "marketplace.cli", "tick"], cwd=ROOT,
                   capture_output=True, check=True, timeout=600)
    return time.perf_counter() - started


def main() -> list[Row]:
    asyncio.run(seed())
    elapsed, count, done = asyncio.run(tick())
    whole = command_seconds()
    touched = done["points_expiry"] + done["points_expiry_warning"]
    ok = elapsed < TARGET_S and touched == 0 and -1 not in done.values()
    return [Row(f"tick, nothing due, expiry on ({RESIDENTS:,} holders, PostgreSQL)",
                f"{elapsed * 1000:.0f} ms, {count} statements", f"< {TARGET_S:.0f} s", ok,
                generator="in-process timer run (timers.run_all)",
                note=f"`marketplace tick` incl. process start {whole:.1f} s; "
                     f"points expired/warned {touched}")]


if __name__ == "__main__":
    emit(main())
