"""A wish's history says what happened at each step, in the reader's language."""

from __future__ import annotations

import re

import httpx

from marketplace.wishes import service
from tests.conftest import World, login, text_of
from tests.wishes.helpers import open_wish


def _history(html: str) -> list[str]:
    """The history's lines, each its step and who took it, as the reader sees them."""
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return [text_of(item).strip() for item in re.findall(r"<li>(.*?)</li>", timeline, re.S)]


async def test_an_approval_reads_approved_not_the_state_it_left(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.release(helper, wish_id, "Away this week")
    await login(client, owner)

    english = _history((await client.get(f"/wishes/{wish_id}",
                                         headers={"accept-language": "en"})).text)
    assert english[0].startswith("Posted")
    assert english[1].startswith("Approved") and staff.display_name in english[1]
    assert english[2].startswith("Claimed") and english[3].startswith("Claim released")
    assert not any(line.startswith("Open") for line in english)

    chinese = _history((await client.get(f"/wishes/{wish_id}",
                                         headers={"accept-language": "zh-CN"})).text)
    assert chinese[1].startswith("审核通过") and staff.display_name in chinese[1]
    assert chinese[3].startswith("取消认领")
    assert not any(line.startswith("待认领") for line in chinese)


async def test_a_rejection_reads_as_residents_see_it_elsewhere(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Errands", 5)
    wish_id = await service.post_wish(owner, service.NewWish(category, "Post a letter"))
    await service.review(staff, wish_id, False, reason="Please ask the post office")
    await login(client, owner)
    page = await client.get(f"/wishes/{wish_id}", headers={"accept-language": "zh-CN"})
    assert _history(page.text)[-1].startswith("未通过")
    page = await client.get(f"/wishes/{wish_id}", headers={"accept-language": "en"})
    assert _history(page.text)[-1].startswith("Not accepted")
