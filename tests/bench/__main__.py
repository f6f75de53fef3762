"""`make bench`: every benchmark in its own process on a fresh database, then one table.

    python -m tests.bench                 # all
    python -m tests.bench writes weight   # some
    BENCH_SCALE=0.01 python -m tests.bench scale   # the PostgreSQL scale test, quicker

A benchmark is a module here with ``main() -> list[Row]`` (tests/bench/common.py); add it
to BENCHES with the database it needs. Optional modules (another branch's) are included
when present. Output of each run goes to var/bench/<name>.log.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "var" / "bench"

# name -> (module, database it needs)
BENCHES: dict[str, tuple[str, str]] = {
    "list": ("tests.bench.bench_list", "sqlite"),
    "writes": ("tests.bench.bench_writes", "sqlite"),
    "scale": ("tests.bench.bench_scale", "postgres"),
    "weight": ("tests.bench.bench_weight", "sqlite"),
    "logins": ("tests.bench.bench_logins", "sqlite"),
    "exports": ("tests.bench.bench_exports", "sqlite"),
    "county": ("tests.bench.bench_county", "postgres"),
    "tick": ("tests.bench.bench_tick", "postgres"),
    "claims": ("tests.bench.bench_claims", "postgres"),
}
RUNNER = """
import json, sys, importlib
rows = importlib.import_module(sys.argv[1]).main()
if rows is not None:
    from tests.bench.common import emit
    emit(rows)
"""


def _postgres_url() -> str:
    env = {**os.environ, "PG_TEST_DB": os.environ.get("BENCH_PG_DB", "marketplace_bench")}
    done = subprocess.run(["bash", "scripts/postgres.sh"], cwd=ROOT, env=env, text=True,
                          capture_output=True, check=False)
    return done.stdout.strip()


def run_one(name: str, module: str, database: str) -> list[dict[str, object]]:
    env = {**os.environ, "VAR_DIR": tempfile.mkdtemp(prefix=f"bench-{name}-")}
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        url = _postgres_url()
        if not url:
            return [{"name": name, "figure": "not run", "target": "", "ok": None,
                     "generator": "", "note": "no PostgreSQL server could be started"}]
        env["DATABASE_URL"] = url
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    done = subprocess.run([sys.executable, "-c", RUNNER, module], cwd=ROOT, env=env, text=True,
                          capture_output=True, check=False)
    log.write_text(done.stdout + done.stderr)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("BENCH-ROWS "):
            return list(json.loads(line.removeprefix("BENCH-ROWS ")))
    return [{"name": name, "figure": "failed", "target": "", "ok": False, "generator": "",
             "note": f"see {log.relative_to(ROOT)} (exit {done.returncode})"}]


def table(rows: list[dict[str, object]]) -> str:
    head = ["benchmark", "measured", "target", "result", "load generator", "notes"]
    body = [[str(r["name"]), str(r["figure"]), str(r["target"]),
             {True: "pass", False: "MISS", None: "—"}[r["ok"]],  # type: ignore[index]
             str(r["generator"]), str(r["note"])] for r in rows]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHES)
    rows: list[dict[str, object]] = []
    for name in chosen:
        module, database = BENCHES[name]
        if importlib.util.find_spec(module) is None:
            continue  # an optional benchmark from a branch not merged here
        print(f"running {name} …", file=sys.stderr, flush=True)
        rows += run_one(name, module, database)
    cores = os.cpu_count()
    print(f"\nMachine: {cores} cores; server: 1 uvicorn process; "
          f"BENCH_SCALE={os.environ.get('BENCH_SCALE', '1')}\n")
    print(table(rows))
    return 0  # misses are in the table; a benchmark run is not a pass/fail gate


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
