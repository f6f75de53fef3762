"""The hold-expiry timer job is registered, and the demo data leaves a healthy ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marketplace import timers
from marketplace.ledger import holds, service
from tests.conftest import World, unique


async def test_timer_job_releases_expired_holds(world: World) -> None:
    assert "ledger_holds" in dict(timers.jobs())
    person = await world.person()
    await service.award(world.community_id, person.user_id, 5, "award", "", None, "",
                        unique("k"))
    await holds.hold(person.user_id, 4, "offer:1", datetime.now(UTC) - timedelta(seconds=1),
                       unique("h"))
    done = await timers.run_all()
    assert done["ledger_holds"] >= 1
    assert await service.balance(person.user_id) == service.Balance(5, 0)


async def test_demo_helper_has_real_transfers() -> None:
    from marketplace import demo
    from marketplace.accounts.tables import User

    await demo.load()
    helper = await User.select(User.id).where(User.login == "helper").first()
    lines = await service.statement(int(helper["id"]))
    # 10 for the clean-up day + 8 and 10 for two confirmed wishes - 5 given to Auntie Wang.
    assert len(lines) == 4 and lines[0]["running"] == 23
    assert (await service.balance(int(helper["id"]))).balance == 23
    assert await service.check() == []
