"""The points page shows the statement a page at a time (issue 13): its balances come
from the account's stored balance and must equal the running sum from the first transfer
(``service.statement``, which the CSV and the API still use), whatever the filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from marketplace.ledger import corrections, service, statements
from marketplace.ledger.tables import Transfer
from tests.conftest import World, login, unique

BALANCE = r'<td class="num" data-label="[^"]*">(-?\d+)</td>'
FIELDS = ("id", "kind", "change", "running", "reversed", "counterparty")


def shown(lines: list[dict]) -> list[tuple]:
    return [tuple(line[f] for f in FIELDS) for line in lines]


async def all_pages(user_id: int, size: int, **filters) -> list[dict]:
    lines, before = [], None
    while True:
        found = await statements.page(user_id, before=before, size=size, **filters)
        lines += found.rows
        if found.next_before is None:
            return lines
        before = found.next_before


async def test_every_page_has_the_balances_of_the_whole_history(world: World) -> None:
    me, other = await world.person(), await world.person()
    staff = await world.person(staff=True)
    for i in range(7):
        await service.award(world.community_id, me.user_id, 10 + i, "award" if i % 2 else
                            "activity", f"wish:{i}", None, "", unique("k"))
    await service.award(world.community_id, other.user_id, 10, "award", "wish:x", None, "",
                        unique("k"))
    gift = await service.donate(me.user_id, other.user_id, 3, me.user_id, "gift", unique("k"))
    await service.donate(other.user_id, me.user_id, 2, other.user_id, "back", unique("k"))
    await corrections.reverse(staff, gift["id"], "sent by mistake")
    # The first transfers happened last month: a date filter leaves them out.
    first = await service.statement(me.user_id)
    month_ago = datetime.now(UTC) - timedelta(days=30)
    for line in first[-3:]:
        await Transfer.update({Transfer.created_at: month_ago}).where(
            Transfer.id == line["id"])
    week_ago = datetime.now(UTC) - timedelta(days=7)

    for filters in ({}, {"kind": "activity"}, {"kind": "donate"},
                    {"date_from": week_ago}, {"date_to": week_ago}):
        whole = shown(await service.statement(me.user_id, **filters))
        for size in (1, 2, 3, 50):
            assert shown(await all_pages(me.user_id, size, **filters)) == whole, (filters, size)
    lines = await service.statement(me.user_id)
    assert lines[0]["running"] == (await service.balance(me.user_id)).balance
    assert [x["reversed"] for x in lines if x["id"] == gift["id"]] == [True]


async def test_the_points_page_links_to_older_lines(client, world: World) -> None:
    me = await world.person()
    for i in range(statements.PAGE_LINES + 2):
        await service.award(world.community_id, me.user_id, 1, "award", f"wish:{i}", None,
                            f"Line {i:02d}", unique("k"))
    await login(client, me)
    first = (await client.get("/points")).text
    older = re.search(r'href="(/points\?[^"]*before=\d+)#statement"', first)
    assert older and len(re.findall(BALANCE, first)) == statements.PAGE_LINES
    rest = (await client.get(older.group(1).replace("&amp;", "&"))).text
    assert re.findall(BALANCE, rest) == ["2", "1"]
    assert (await client.get("/points?before=x")).status_code == 200
