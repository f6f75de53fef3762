"""The public page (no personal data, honour roll with opt-in) and signed certificates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from dataclasses import asdict

from marketplace import settings
from marketplace.accounts.tables import HelperProfile, User
from marketplace.reports import certificates
from marketplace.wishes import service
from tests.conftest import World, login, post, unique
from tests.reports.history import days_ago, make_wish

EN = {"accept-language": "en"}


async def test_public_page_shows_figures_and_roll_but_no_resident_data(client,
                                                                       world: World) -> None:
    staff = await world.person(staff=True)
    listed = await world.person(helper=True, name=unique("Helper "))
    shy = await world.person(helper=True, name=unique("Shy "))
    resident = await world.person(name=unique("Resident "))
    phone = "139" + str(uuid.uuid4().int)[:8]
    address = unique("Flat 9, Secret Lane ")
    await User.update({User.phone: phone, User.address: address}).where(
        User.id == resident.user_id)
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    title = unique("Mend the tap of ")
    for helper in (listed, shy, listed):
        await make_wish(resident, staff, helper, cat, days_ago(0.5), [0.1, 0.1, 0.1, 0.1],
                        title=title)
    # Opt-in (PIPL Art. 25): one helper says yes on the profile page, the shy one no.
    for helper, choice in ((listed, "on"), (shy, "off")):
        await login(client, helper)
        response = await post(client, "/me/honour-roll", {"listed": choice})
        assert response.status_code == 303
        client.cookies.clear()

    page = await client.get(f"/c/{world.community_id}", headers=EN)
    assert page.status_code == 200
    html = page.text
    for secret in (resident.display_name, resident.login, phone, address, title):
        assert secret not in html
    assert listed.display_name in html and shy.display_name not in html
    confirmed = re.search(r'data-figure="confirmed">(\d+)<', html)
    assert confirmed and int(confirmed.group(1)) == 3
    assert "Honour roll" in html
    index = await client.get("/c")
    assert f'href="/c/{world.community_id}"' in index.text


def _certificate_link(html: str) -> str:
    match = re.search(r"https?://[^\s<\"]+/verify/([A-Za-z0-9_\-.]+)", html)
    assert match, "no verification link on the certificate"
    return match.group(1)


async def _certified_helper(client, world: World):  # type: ignore[no-untyped-def]
    """A party member with one confirmed wish, signed in, on their printable certificate."""
    staff = await world.person(staff=True)
    helper = await world.person(helper=True)
    await HelperProfile.update({HelperProfile.kind: "party_member",
                                HelperProfile.work_unit: "District Tax Office"}).where(
        HelperProfile.user == helper.user_id)
    owner = await world.person()
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    await make_wish(owner, staff, helper, cat, days_ago(2), [1, 1, 1, 1], minutes=90)
    await login(client, helper)
    sheet = await client.get("/me/record/certificate", headers=EN)
    assert sheet.status_code == 200
    return helper, sheet


def _refused(answer) -> bool:  # type: ignore[no-untyped-def]
    return (answer.status_code == 200 and "Not genuine" in answer.text
            and "Genuine certificate" not in answer.text)


async def test_certificate_verifies_and_forgeries_do_not(client, world: World) -> None:
    helper, sheet = await _certified_helper(client, world)
    assert "District Tax Office" in sheet.text and "<svg" in sheet.text
    token = _certificate_link(sheet.text)
    client.cookies.clear()

    genuine = await client.get(f"/verify/{token}", headers=EN)
    assert "Genuine certificate" in genuine.text and "unchanged" in genuine.text
    assert "Not genuine" not in genuine.text
    # The short link names the person by id; the page names them from the records.
    assert helper.display_name in genuine.text and "District Tax Office" in genuine.text
    assert certificates.number(token) in genuine.text and certificates.number(token) in \
        sheet.text

    content, _dot, tag = token.rpartition(".")
    fields = content.split(".")
    more_wishes = [*fields[:5], str(int(fields[5]) + 10), *fields[6:]]
    someone_else = [fields[0], str(int(fields[1]) + 1), *fields[2:]]
    longer = [*fields[:3], "20200101", *fields[4:]]
    for bad in (".".join(more_wishes) + f".{tag}", ".".join(someone_else) + f".{tag}",
                ".".join(longer) + f".{tag}", f"{content}.{tag[:-2]}AA", f"{content}.{tag[:11]}",
                content, f"{content}.", "nonsense", "c2", f"{content}.{tag}.{tag}"):
        assert _refused(await client.get(f"/verify/{bad}", headers=EN)), bad
    assert certificates.verify(token) is not None


def _old_style_token(data: dict) -> str:
    """A link as the first version made them: the whole certificate as base64 JSON, then
    the full HMAC-SHA256 signature (written out here, as printed certificates still carry
    such links)."""
    payload = base64.urlsafe_b64encode(json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).rstrip(b"=").decode()
    key = settings.get().secret_key.encode()
    digest = hmac.new(key, b"marketplace-certificate:v1:" + payload.encode(),
                      hashlib.sha256).digest()
    return f"{payload}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


async def test_old_long_links_still_verify_and_their_forgeries_do_not(
        client, world: World) -> None:
    _helper, sheet = await _certified_helper(client, world)
    cert = certificates.verify(_certificate_link(sheet.text))
    assert cert is not None
    data = {"v": 1, **asdict(cert), "name": "Party Member Wang", "community": "Yuehe",
            "kind": "party_member", "work_unit": "District Tax Office"}
    token = _old_style_token(data)
    client.cookies.clear()

    genuine = await client.get(f"/verify/{token}", headers=EN)
    assert "Genuine certificate" in genuine.text and "unchanged" in genuine.text
    assert "Party Member Wang" in genuine.text  # the name it was issued with

    payload, signature = token.split(".")
    forged = _old_style_token({**data, "wishes": data["wishes"] + 10}).split(".")[0]
    for bad in (f"{forged}.{signature}", f"{payload}.{signature[:-2]}AA", payload,
                f"{payload[:-1]}.{signature}", _old_style_token({**data, "v": 2})):
        assert _refused(await client.get(f"/verify/{bad}", headers=EN)), bad


async def test_certificate_link_and_qr_code_are_short_enough_to_scan(
        client, world: World) -> None:
    _helper, sheet = await _certified_helper(client, world)
    link = re.search(r'href="(https?://[^"]+/verify/[^"]+)"', sheet.text)
    assert link and len(link.group(1)) <= 120, link
    # segno draws the code with a 4-module quiet zone at 3 px per module.
    box = re.search(r'<svg[^>]*viewBox="0 0 (\d+) (\d+)"', sheet.text)
    assert box, "no QR code"
    modules = int(box.group(1)) // 3 - 8
    assert modules <= 49, modules  # QR version 8 or lower (the long links needed 18+)


async def test_certificate_notices_later_changes_to_the_records(client, world: World) -> None:
    staff = await world.person(staff=True)
    helper, owner = await world.person(helper=True), await world.person()
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    await make_wish(owner, staff, helper, cat, days_ago(3), [1, 1, 1, 1])
    await login(client, helper)
    token = _certificate_link((await client.get("/me/record/certificate")).text)
    await make_wish(owner, staff, helper, cat, days_ago(2), [1, 1, 1, 1])
    answer = await client.get(f"/verify/{token}", headers=EN)
    assert "Genuine certificate" in answer.text
    assert "have changed since it was issued" in answer.text


async def test_service_record_splits_hours_by_who_confirmed(client, world: World) -> None:
    staff = await world.person(staff=True)
    helper, owner = await world.person(helper=True), await world.person()
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    await make_wish(owner, staff, helper, cat, days_ago(4), [1, 1, 1, 1], minutes=120)
    disputed = await make_wish(owner, staff, helper, cat, days_ago(3), [1, 1, 1], minutes=30)
    await service.dispute(owner, disputed.wish_id, "Not finished")
    await service.resolve(staff, disputed.wish_id, True, "Checked: it was done")
    await login(client, helper)
    html = (await client.get("/me/record", headers=EN)).text
    assert re.search(r'data-figure="hours_resident">2\.0<', html)
    assert re.search(r'data-figure="hours_staff">0\.5<', html)
    assert re.search(r'data-figure="wishes">2<', html)
    # Staff see the same record; another resident does not.
    client.cookies.clear()
    await login(client, staff)
    assert (await client.get(f"/staff/reports/helpers/{helper.user_id}")).status_code == 200
    client.cookies.clear()
    await login(client, owner)
    assert (await client.get(f"/staff/reports/helpers/{helper.user_id}")).status_code == 403
