"""The review queue shows the longest-waiting wishes a page at a time (issue 13: a county
community's queue rendered every waiting wish with its review form)."""

from __future__ import annotations

import re

from marketplace.wishes import service
from tests.conftest import World, login

EN = {"accept-language": "en"}


async def test_the_queue_pages_oldest_first_and_counts_every_waiting_wish(
        client, world: World) -> None:
    staff, owner = await world.person(staff=True), await world.person()
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    total = service.QUEUE_PAGE + 3
    for i in range(total):
        await service.post_wish(owner, service.NewWish(cat, f"Queue wish number {i:02d}"))
    await login(client, staff)

    first = (await client.get("/staff/wishes/", headers=EN)).text
    shown = re.findall(r"Queue wish number (\d\d)", first)
    assert sorted(set(shown)) == [f"{i:02d}" for i in range(service.QUEUE_PAGE)]
    assert f"({total})" in first  # the heading counts all of them
    more = re.search(r'href="(/staff/wishes/\?after=\d+)#pending"', first)
    assert more and "Back to the longest waiting" not in first

    rest = (await client.get(more.group(1), headers=EN)).text
    assert sorted(set(re.findall(r"Queue wish number (\d\d)", rest))) == [
        f"{i:02d}" for i in range(service.QUEUE_PAGE, total)]
    assert not re.search(r'href="/staff/wishes/\?after=', rest)
    assert "Back to the longest waiting" in rest
    assert (await client.get("/staff/wishes/?after=banana")).status_code == 200
