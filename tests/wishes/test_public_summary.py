"""The notice's QR code opens a public summary: no sign-in, nothing personal."""

from __future__ import annotations

import re

from marketplace.accounts.tables import User
from marketplace.wishes import detail, service
from tests.conftest import World, login, text_of, unique
from tests.wishes.helpers import open_wish

EN = {"accept-language": "en"}


async def test_passer_by_reads_the_summary_and_is_led_to_sign_in(client, world: World) -> None:
    owner, staff = await world.person(name="Grandma Wang"), await world.person(staff=True)
    await User.update({User.phone: "13912345678", User.address: "Room 302"}).where(
        User.id == owner.user_id)
    title = unique("Carry rice ")
    wish_id = await open_wish(world, owner, staff, points=12, title=title)
    await login(client, staff)
    notice = await client.get(f"/wishes/{wish_id}/notice", headers=EN)
    path = detail.public_path(wish_id)
    assert f"http://testserver{path}" in notice.text  # the QR code's link
    client.cookies.clear()

    r = await client.get(path, headers=EN)
    assert r.status_code == 200
    text = text_of(r.text)
    assert title in text and "12 points" in text and "Repairs" in text and "Grid A" in text
    for personal in ("Grandma Wang", "13912345678", "Room 302", "Building 1"):
        assert personal not in text
    assert f'href="/login?next=%2Fwishes%2F{wish_id}"' in r.text
    assert re.search(rf'href="/register\?community={world.community_id}&amp;next=%2Fwishes%2F'
                     rf'{wish_id}"', r.text)


async def test_unsigned_ids_and_unpublished_wishes_are_not_found(client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    wish_id = await open_wish(world, owner, staff)
    assert (await client.get(f"/w/{wish_id}/000000000000")).status_code == 404
    assert (await client.get(f"/w/{wish_id + 1}/{detail.public_path(wish_id)[-12:]}")
            ).status_code == 404
    pending = await service.post_wish(owner, service.NewWish(
        (await service.categories(world.community_id))[0]["id"], "Still waiting"))
    assert (await client.get(detail.public_path(pending))).status_code == 404
    await service.cancel(owner, wish_id, "No longer needed")
    assert (await client.get(detail.public_path(wish_id))).status_code == 404


async def test_claimed_wish_shows_its_status_and_signed_in_people_open_it(
        client, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    r = await client.get(detail.public_path(wish_id), headers=EN)
    assert r.status_code == 200 and "already on it" in r.text and "Sign in to claim" not in r.text
    other = await service.post_wish(owner, service.NewWish(
        (await service.categories(world.community_id))[0]["id"], "Another"))
    await service.review(staff, other, True)
    await login(client, helper)
    r = await client.get(detail.public_path(other), headers=EN)
    assert f'href="/wishes/{other}"' in r.text and "Sign in to claim" not in r.text
