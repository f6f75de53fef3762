"""The public page (no personal data, honour roll with opt-out) and signed certificates."""

from __future__ import annotations

import base64
import json
import re
import uuid

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
    # The shy helper opts out on the profile page.
    await login(client, shy)
    response = await post(client, "/me/honour-roll", {})
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


async def test_certificate_verifies_and_forgeries_do_not(client, world: World) -> None:
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
    assert "District Tax Office" in sheet.text and "<svg" in sheet.text
    token = _certificate_link(sheet.text)
    client.cookies.clear()

    genuine = await client.get(f"/verify/{token}", headers=EN)
    assert "Genuine certificate" in genuine.text and "unchanged" in genuine.text
    assert "Not genuine" not in genuine.text

    payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["wishes"] += 10  # claim more service than was done, keep the old signature
    forged = base64.urlsafe_b64encode(
        json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).rstrip(b"=").decode()
    for bad in (f"{forged}.{signature}", f"{payload}.{signature[:-2]}AA", payload,
                "nonsense", f"{payload[:-1]}.{signature}"):
        answer = await client.get(f"/verify/{bad}", headers=EN)
        assert answer.status_code == 200
        assert "Not genuine" in answer.text, bad
        assert "Genuine certificate" not in answer.text
    assert certificates.verify(token) is not None


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
