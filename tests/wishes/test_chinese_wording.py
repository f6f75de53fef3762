"""What a Chinese reader sees around a wish reads as Chinese: full-width punctuation where
the text runs on ("提出：", "（2小时）"), hours without a stray ".0", and a rating a
screen reader can say ("4星（满分5星）") rather than five "black star" characters."""

from __future__ import annotations

from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, login, text_of
from tests.wishes.helpers import open_wish

ZH = {"accept-language": "zh-CN"}
EN = {"accept-language": "en"}


async def test_the_queue_says_who_asks_with_a_chinese_colon(client, world: World) -> None:
    owner, staff = await world.person(name="王阿姨"), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "维修", 10)
    await service.post_wish(owner, service.NewWish(category, "修水龙头", "每晚滴水，睡不好。"))
    await login(client, staff)
    zh = text_of((await client.get("/staff/wishes", headers=ZH)).text)
    assert "王阿姨 提出：每晚滴水，睡不好。" in zh
    en = text_of((await client.get("/staff/wishes", headers=EN)).text)
    assert "Asked by 王阿姨: 每晚滴水，睡不好。" in en


async def test_the_work_done_and_the_rating_read_naturally(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "换了内胎", 120)
    await service.confirm(owner, wish_id, rating=4)
    await login(client, owner)
    zh = (await client.get(f"/wishes/{wish_id}", headers=ZH)).text
    assert "换了内胎 （2小时）" in text_of(zh)  # not "(2.0小时)"
    assert '<span role="img" aria-label="4星（满分5星）">★★★★☆</span>' in zh
    en = (await client.get(f"/wishes/{wish_id}", headers=EN)).text
    assert "换了内胎 (2 hours)" in text_of(en) and 'aria-label="4 of 5 stars"' in en
    await Wish.update({Wish.hours: 60}).where(Wish.id == wish_id)  # one hour, not "1 hours"
    en = text_of((await client.get(f"/wishes/{wish_id}", headers=EN)).text)
    assert "换了内胎 (1 hour)" in en
    zh = text_of((await client.get(f"/wishes/{wish_id}", headers=ZH)).text)
    assert "换了内胎 （1小时）" in zh
