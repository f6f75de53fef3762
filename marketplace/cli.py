"""The `marketplace` command: serve, migrate, demo, create-admin, reset-password, tick,
ledger check/expire."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import io
import sys
from collections.abc import Sequence
from typing import Any

from marketplace import settings


def _run(coro: Any) -> Any:
    """Run one command with the database pool open, and closed again before exit.

    Kept SQLite connections run in threads that would otherwise keep the process alive.
    """
    from marketplace import db

    async def wrapped() -> Any:
        async with db.lifespan_pool():
            return await coro

    return asyncio.run(wrapped())


async def migrate() -> bool:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from marketplace import db

    lock = None
    if not db.is_sqlite():
        # Several processes may start at once: one migrates, the others wait.
        import asyncpg

        from marketplace import settings

        lock = await asyncpg.connect(settings.get().database_url)
        await lock.execute("SELECT pg_advisory_lock(727274)")
    try:
        # Piccolo prints a banner per app; a newcomer needs one line (its output only
        # when something failed).
        with contextlib.redirect_stdout(io.StringIO()) as said:
            result = await run_forwards(app_name="all")
    finally:
        if lock is not None:
            await lock.execute("SELECT pg_advisory_unlock(727274)")
            await lock.close()
    applied = said.getvalue().count("[forwards]")
    if not result.success:
        print(said.getvalue() + (result.message or ""), file=sys.stderr)
    else:
        print(f"Migrations: {applied} applied." if applied else "Migrations: up to date.")
    return bool(result.success)


async def _demo(only_if_empty: bool) -> None:
    from marketplace import demo

    if await demo.is_loaded():
        if not only_if_empty:
            print("Demo data is already loaded.")
    else:
        await demo.load()
        print("Demo data loaded.")
    print(demo.logins_text())
    slip = await demo.reset_slip_path()
    if slip:
        print(f"A password reset slip to try (sign in as staff): {slip}")


async def _create_admin(login: str, name: str, password: str, community: str) -> int:
    from marketplace.accounts import service
    from marketplace.accounts.tables import User
    from marketplace.community.tables import Community
    from marketplace.errors import DomainError

    row = await Community.select(Community.id).where(Community.name == community).first()
    if row is None:
        await Community.insert(Community(name=community))
        row = await Community.select(Community.id).where(Community.name == community).first()
    try:
        user_id = await service.register(service.Registration(
            display_name=name, login=login, password=password, community_id=int(row["id"])))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    await User.update({User.is_admin: True}).where(User.id == user_id)
    print(f"Administrator {login!r} created.")
    return 0


async def _reset_password(login: str) -> int:
    """An administrator at the server: a reset link for ``login`` (audited, actor empty)."""
    from marketplace.accounts.sessions import normalise_login
    from marketplace.accounts.tables import User
    from marketplace.errors import AppError
    from marketplace.recovery import service

    row = await User.select(User.id).where(User.login == normalise_login(login)).first()
    if row is None:
        print(f"error: no account has the login {login!r}", file=sys.stderr)
        return 2
    try:
        slip = await service.slip(None, int(row["id"]), await service.issue(None, int(row["id"])))
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    base = settings.get().public_url or f"http://{settings.get().host}:{settings.get().port}"
    print(f"Reset link for {slip.login!r} ({slip.display_name}), valid once until "
          f"{slip.expires_at.isoformat(timespec='minutes')}:")
    print(f"{base}/reset/{slip.code}")
    print(f"Code to type at {base}/reset: {service.display(slip.code)}")
    return 0


async def _tick() -> None:
    from marketplace import timers

    done = await timers.run_all()
    for name, count in done.items():
        print(f"{name}: {count}")


async def _ledger_check() -> int:
    from marketplace.ledger import service

    breaches = await service.check()
    if breaches:
        for breach in breaches:
            print(f"BREACH: {breach}")
        print(f"{len(breaches)} breach(es) found.", file=sys.stderr)
        return 1
    n = await service.counts()
    print(f"ok: {n['accounts']} accounts, {n['transfers']} transfers, "
          f"{n['holds']} open holds; balances sum to 0 and match their entries.")
    return 0


async def _ledger_expire() -> int:
    from datetime import UTC, datetime

    from marketplace.ledger import expiry

    moment = datetime.now(UTC)
    warned = await expiry.warn_expiring(moment)
    expired = await expiry.expire_due(moment)
    print(f"ok: {expired} points expired; {warned} upcoming-expiry warnings checked.")
    return 0


async def _match_work_units(dry_run: bool) -> int:
    from marketplace.workunits import matching

    outcome = await matching.match_typed(dry_run)
    verb = "would link" if dry_run else "linked"
    print(f"ok: {verb} {outcome.linked} party members to registry work units.")
    for name, count in outcome.unmatched.most_common():
        print(f"  not in the registry: {name} ({count})")
    return 0


def serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    # The address really served (HOST/PORT or --host/--port), not a fixed :8000.
    print(f"Serving at http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    uvicorn.run(
        "marketplace.app:create_app", factory=True, host=host, port=port, workers=workers,
        proxy_headers=True, forwarded_allow_ips=settings.get().forwarded_allow_ips,
        log_level="info", access_log=settings.get().access_log,
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="marketplace", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the web app")
    s.add_argument("--host", default=None)
    s.add_argument("--port", type=int, default=None)
    s.add_argument("--workers", type=int, default=1)
    sub.add_parser("migrate", help="apply database migrations")
    d = sub.add_parser("demo", help="load demo data (once) and print the demo logins")
    d.add_argument("--if-empty", action="store_true", help="say nothing if already loaded")
    a = sub.add_parser("create-admin", help="create an administrator account")
    a.add_argument("login")
    a.add_argument("--name", default="Administrator")
    a.add_argument("--community", default="Default community")
    r = sub.add_parser("reset-password", help="print a one-time password reset link for a "
                       "login (any earlier code stops working)")
    r.add_argument("login")
    sub.add_parser("tick", help="run due timers once (for cron)")
    ledger = sub.add_parser("ledger", help="points ledger tools")
    ledger_sub = ledger.add_subparsers(dest="ledger_command", required=True)
    ledger_sub.add_parser("check", help="verify every ledger invariant; exit 1 on a breach")
    ledger_sub.add_parser("expire", help="expire points past their community's limit (safe "
                          "to run twice or from several processes)")
    units = sub.add_parser("work-units", help="work-unit registry tools")
    units_sub = units.add_subparsers(dest="units_command", required=True)
    m = units_sub.add_parser("match", help="link party members' typed work units to the "
                             "registry entries of the same name (case and spaces ignored)")
    m.add_argument("--dry-run", action="store_true", help="only count, change nothing")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from marketplace.settings import SettingsError

    args = parser().parse_args(argv)
    try:
        from marketplace import settings

        cfg = settings.get()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        serve(args.host or cfg.host, args.port or cfg.port, args.workers)
        return 0
    if args.command == "migrate":
        return 0 if _run(migrate()) else 1
    if args.command == "demo":
        _run(_demo(args.if_empty))
        return 0
    if args.command == "create-admin":
        password = settings.admin_password() or getpass.getpass("Password: ")
        return int(_run(_create_admin(args.login, args.name, password, args.community)))  # type: ignore[arg-type]
    if args.command == "reset-password":
        return int(_run(_reset_password(args.login)))
    if args.command == "tick":
        _run(_tick())
        return 0
    if args.command == "ledger" and args.ledger_command == "check":
        return int(_run(_ledger_check()))
    if args.command == "ledger" and args.ledger_command == "expire":
        return int(_run(_ledger_expire()))
    if args.command == "work-units" and args.units_command == "match":
        return int(_run(_match_work_units(args.dry_run)))
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
