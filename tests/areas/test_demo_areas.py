"""The demo's two streets in one district: the street and district logins see their
roll-ups, and the street's queue holds the wish 悦河社区 escalated."""

from __future__ import annotations

from marketplace import demo
from marketplace.accounts import sessions
from marketplace.accounts.tables import User
from tests.conftest import post


async def test_demo_street_and_district_logins(client) -> None:
    await demo.load()
    assert {"street", "district"} <= {p.login for p in demo.LOGINS}
    assert "street staff" in demo.logins_text() and "district staff" in demo.logins_text()
    ids = {r["login"]: r["id"] for r in await User.select(User.id, User.login).where(
        User.login.is_in(["street", "district"]))}
    street_ids = (await sessions.load_principal(ids["street"])).street_ids
    district_ids = (await sessions.load_principal(ids["district"])).district_ids
    assert len(street_ids) == 1 and len(district_ids) == 1
    await post(client, "/login", {"login": "street", "password": demo.DEMO_PASSWORD})
    queue = await client.get(f"/street/{min(street_ids)}/queue")
    assert queue.status_code == 200 and 'data-wish="' in queue.text
    client.cookies.clear()
    await post(client, "/login", {"login": "district", "password": demo.DEMO_PASSWORD})
    rollup = await client.get(f"/district/{min(district_ids)}")
    assert rollup.status_code == 200
    assert rollup.text.count('data-row="street"') == 2 * 2  # two streets, two tables
    assert "悦河社区" in rollup.text
