"""Photo uploads (checked by magic bytes, size-limited, served only to those who may see the
wish) and the printable notice for the community board."""

from __future__ import annotations

import io
import re

from PIL import Image

from marketplace import settings
from marketplace.accounts.tables import User
from marketplace.community.tables import Community
from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, csrf, login, unique
from tests.pictures import JPEG, PNG, WEBP, camera_exif, picture
from tests.wishes.helpers import open_wish

EN = {"accept-language": "en"}


async def _post_form(client, url: str, data: dict, files: dict | None = None):  # type: ignore[no-untyped-def]
    token = await csrf(client)
    return await client.post(url, data={**data, "_csrf_token": token}, files=files,
                             headers=EN)


async def _category(world: World) -> tuple[object, int]:
    staff = await world.person(staff=True)
    return staff, await service.add_category(staff, world.community_id, "Repairs", 10)


async def test_photo_is_checked_by_its_bytes_not_its_name(client, world: World) -> None:
    _staff, category = await _category(world)
    owner = await world.person()
    await login(client, owner)
    form = {"title": "Fix the window", "category": str(category), "description": "Cracked"}
    # A text file named like a photo and sent as image/png is refused; input is kept.
    r = await _post_form(client, "/wishes/new", form,
                         {"photo": ("window.png", b"<html>not a photo</html>", "image/png")})
    assert r.status_code == 422 and "JPEG, PNG or WebP" in r.text
    assert 'value="Fix the window"' in r.text and "Cracked" in r.text
    for content in (JPEG, PNG, WEBP):
        # A real photo with a misleading name and type is accepted, re-encoded as JPEG (it
        # has no transparency) and stored under a name of its own.
        r = await _post_form(client, "/wishes/new", form,
                             {"photo": ("../../evil.exe", content, "text/plain")})
        assert r.status_code == 303, r.text
        wish_id = int(r.headers["location"].rsplit("/", 1)[1])
        row = await Wish.select(Wish.photo).where(Wish.id == wish_id).first()
        assert re.fullmatch(r"[A-Za-z0-9_-]{24}\.jpg", row["photo"])
        stored = settings.get().upload_dir / row["photo"]
        assert stored.read_bytes().startswith(b"\xff\xd8\xff")
        served = await client.get(f"/wishes/{wish_id}/photo/wish")
        assert served.status_code == 200 and served.content == stored.read_bytes()
        assert served.headers["content-type"].startswith("image/jpeg")
        assert "private" in served.headers["cache-control"]


async def test_a_big_phone_photo_is_taken_and_served_small(client, world: World) -> None:
    staff, category = await _category(world)
    owner = await world.person()
    await login(client, owner)
    photo = picture("JPEG", (4000, 3000), like_a_photo=True, exif=camera_exif())
    assert len(photo) > 5 * 1024 * 1024  # refused as too large before issue 15
    r = await _post_form(client, "/wishes/new", {"title": "Fix the gate",
                                                  "category": str(category)},
                         {"photo": ("IMG_0001.JPG", photo, "image/jpeg")})
    assert r.status_code == 303, r.text
    wish_id = int(r.headers["location"].rsplit("/", 1)[1])
    await service.review(staff, wish_id, True)
    gzip_ok = {"accept-encoding": "gzip"}
    full = await client.get(f"/wishes/{wish_id}/photo/wish", headers=gzip_ok)
    small = await client.get(f"/wishes/{wish_id}/photo/wish/small", headers=gzip_ok)
    assert full.status_code == small.status_code == 200
    # JPEG is compressed already: gzip would spend CPU for nothing.
    assert "content-encoding" not in full.headers and "content-encoding" not in small.headers
    assert len(full.content) < 500_000 and len(small.content) < 100_000
    assert Image.open(io.BytesIO(full.content)).size == (1200, 1600)  # upright
    assert Image.open(io.BytesIO(small.content)).size == (360, 480)
    assert b"GPS" not in full.content and b"PhoneMaker" not in full.content
    # Lists show the small copy; the wish's own page the large one.
    assert f"/wishes/{wish_id}/photo/wish/small" in (await client.get("/wishes/mine")).text
    page = await client.get(f"/wishes/{wish_id}")
    assert f'src="/wishes/{wish_id}/photo/wish"' in page.text
    # A wish without a photo has no small copy either.
    assert (await client.get(f"/wishes/{wish_id}/photo/fulfil/small")).status_code == 404


async def test_photos_stored_before_shrinking_still_show(client, world: World) -> None:
    staff, _category_id = await _category(world)
    owner = await world.person()
    wish_id = await open_wish(world, owner, staff)
    name = "A" * 24 + ".webp"  # as stored before issue 15: the upload itself, no small copy
    (settings.get().upload_dir / name).write_bytes(WEBP)
    await Wish.update({Wish.photo: name}).where(Wish.id == wish_id)
    await login(client, owner)
    for url in (f"/wishes/{wish_id}/photo/wish", f"/wishes/{wish_id}/photo/wish/small"):
        served = await client.get(url)
        assert served.status_code == 200 and served.content == WEBP
        assert served.headers["content-type"] == "image/webp"


async def test_photo_over_the_limit_is_refused_politely(client, world: World) -> None:
    _staff, category = await _category(world)
    await login(client, await world.person())
    limit = settings.get().upload_max_bytes
    big = PNG + b"\x00" * limit
    r = await _post_form(client, "/wishes/new", {"title": "Big photo", "category": str(category)},
                         {"photo": ("big.png", big, "image/png")})
    assert r.status_code == 422 and "too large" in r.text and 'value="Big photo"' in r.text
    huge = PNG + b"\x00" * (limit * 3)  # over the request body limit itself
    r = await _post_form(client, "/wishes/new", {"title": "Huge photo",
                                                  "category": str(category)},
                         {"photo": ("huge.png", huge, "image/png")})
    # Refused before any handler runs (the CSRF check reads the body): a polite page.
    assert r.status_code == 413 and "choose a smaller photo" in r.text


async def test_photos_are_served_only_to_who_may_see_the_wish(client, world: World) -> None:
    staff, category = await _category(world)
    owner, helper = await world.person(), await world.person(helper=True)
    await login(client, owner)
    r = await _post_form(client, "/wishes/new", {"title": "Paint the door",
                                                  "category": str(category)},
                         {"photo": ("door.jpg", JPEG, "image/jpeg")})
    wish_id = int(r.headers["location"].rsplit("/", 1)[1])
    client.cookies.clear()
    await login(client, helper)
    # Pending: only the owner and staff see the wish, so only they see its photo.
    assert (await client.get(f"/wishes/{wish_id}/photo/wish")).status_code == 404
    await service.review(staff, wish_id, True)
    assert (await client.get(f"/wishes/{wish_id}/photo/wish")).status_code == 200
    assert (await client.get(f"/wishes/{wish_id}/photo/fulfil")).status_code == 404
    assert (await client.get(f"/wishes/{wish_id}/photo/..%2F..%2Fsecret_key")).status_code == 404
    client.cookies.clear()
    assert (await client.get(f"/wishes/{wish_id}/photo/wish")).status_code == 303  # sign in
    c = await Community.insert(Community(name=unique("Far "))).returning(Community.id)
    outsider = await World(int(c[0]["id"]), None, None).person(staff=True)  # type: ignore[arg-type]
    await login(client, outsider)
    assert (await client.get(f"/wishes/{wish_id}/photo/wish")).status_code == 404
    # Never public static files.
    name = (await Wish.select(Wish.photo).where(Wish.id == wish_id).first())["photo"]
    assert (await client.get(f"/static/{name}")).status_code == 404
    assert (await client.get(f"/uploads/{name}")).status_code == 404


async def test_fulfilment_photo_and_bad_photo_keeps_the_note(client, world: World) -> None:
    staff, _category_id = await _category(world)
    owner, helper = await world.person(), await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await login(client, helper)
    r = await _post_form(client, f"/wishes/{wish_id}/fulfil",
                         {"note": "Painted twice", "hours": "2"},
                         {"photo": ("done.gif", b"GIF89a....", "image/gif")})
    assert r.status_code == 422 and "JPEG, PNG or WebP" in r.text and "Painted twice" in r.text
    for hours in ("inf", "nan", "two"):
        r = await _post_form(client, f"/wishes/{wish_id}/fulfil",
                             {"note": "Painted twice", "hours": hours})
        assert r.status_code == 422 and "must be a number" in r.text
    r = await _post_form(client, f"/wishes/{wish_id}/fulfil",
                         {"note": "Painted twice", "hours": "2"},
                         {"photo": ("done.png", PNG, "image/png")})
    assert r.status_code == 303
    client.cookies.clear()
    await login(client, owner)
    page = await client.get(f"/wishes/{wish_id}")
    assert f"/wishes/{wish_id}/photo/fulfil" in page.text
    served = await client.get(f"/wishes/{wish_id}/photo/fulfil")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"


async def test_board_notice_has_qr_code_and_no_personal_data(client, world: World) -> None:
    owner, staff = await world.person(name="Grandma Wang"), await world.person(staff=True)
    await User.update({User.phone: "13811112222", User.address: "Room 301"}).where(
        User.id == owner.user_id)
    wish_id = await open_wish(world, owner, staff, points=15, title="Walk my dog")
    helper = await world.person(helper=True)
    await login(client, helper)
    r = await client.get(f"/wishes/{wish_id}/notice", headers=EN)
    assert r.status_code == 200
    text = r.text
    assert "Walk my dog" in text and "15 points" in text and "Grid A" in text
    assert "<svg" in text and 'class="segno"' in text
    assert f"http://testserver/w/{wish_id}/" in text  # the public summary: no sign-in
    for private in ("Grandma Wang", "13811112222", "Room 301", "Building 1"):
        assert private not in text
    assert ' style="' not in text  # the strict CSP allows no inline styles
    # The notice names its paper; no other page is printed on A5 (tests/browser/test_print).
    css = (await client.get("/static/css/pages.css")).text
    assert "@page sheet-a5 { size: A5" in css
    assert "@page " not in (await client.get("/static/css/site.css")).text
