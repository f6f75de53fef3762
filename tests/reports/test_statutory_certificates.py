"""The statutory certificate (志愿服务证明): its fields, the masked ID, numbers under
concurrent issue, the register (search, paging, revoking) and verification."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

import pytest

from marketplace import clock
from marketplace.accounts.tables import HelperProfile
from marketplace.audit.tables import AuditEvent
from marketplace.community.tables import Community
from marketplace.errors import DomainError, Forbidden
from marketplace.principal import Principal
from marketplace.reports import certificates, register
from marketplace.reports.tables import IssuedCertificate, VolunteerIdentity
from marketplace.wishes import service
from tests.cast import new_world
from tests.conftest import World, login, post, text_of, unique
from tests.reports.history import days_ago, make_wish

EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-CN"}
FULL_ID = "330102199001011234"
MASKED = "3301**********1234"
IDENT = {"id_type": "resident_id", "id_number": FULL_ID, "volunteer_number": ""}


async def _served(world: World) -> tuple[Principal, Principal]:
    """Staff (with the issuing organisation set) and a party member with 90 minutes
    confirmed by the resident two days ago."""
    staff = await world.person(staff=True, name=unique("Clerk "))
    await Community.update({Community.formal_name: "Peach Garden Residents' Committee",
                            Community.person_in_charge: "Director Wang",
                            Community.office_phone: "0571-8888 1234"}).where(
        Community.id == world.community_id)
    helper = await world.person(helper=True, name=unique("Volunteer "))
    await HelperProfile.update({HelperProfile.kind: "party_member"}).where(
        HelperProfile.user == helper.user_id)
    owner = await world.person()
    cat = await service.add_category(staff, world.community_id, "Home repairs", 10)
    await make_wish(owner, staff, helper, cat, days_ago(2), [1, 1, 1, 1], minutes=90)
    return staff, helper


def _form(helper: Principal, **extra: str) -> dict[str, str]:
    today = clock.today()
    return {"user_id": str(helper.user_id), "date_from": (today - timedelta(days=30)).isoformat(),
            "date_to": today.isoformat(), **IDENT, "notes": "For the school", **extra}


async def test_certificate_prints_every_statutory_field_with_the_id_masked(
        client, world: World) -> None:
    staff, helper = await _served(world)
    await login(client, staff)
    form = await client.get(f"/staff/certificates/new?user_id={helper.user_id}", headers=EN)
    assert form.status_code == 200 and "Issue and write to the register" in form.text
    issued = await post(client, "/staff/certificates/new", _form(helper))
    assert issued.status_code == 303, issued.text
    page = await client.get(issued.headers["location"], headers=EN)
    html, text = page.text, text_of(page.text)
    year = clock.today().year
    assert re.search(rf'data-field="number">{world.community_id}-{year}-00001<', html)
    for field, value in (("name", helper.display_name), ("id_number", MASKED),
                         ("organisation", "Peach Garden Residents&#39; Committee"),
                         ("person_in_charge", "Director Wang"),
                         ("handled_by", staff.display_name), ("contact", "0571-8888 1234"),
                         ("issued", clock.today().isoformat()), ("notes", "For the school"),
                         ("id_type", "Resident identity card")):
        assert re.search(rf'data-field="{field}">(?:<span class="nowrap">)?[^<]*'
                         rf'{re.escape(value)}', html), field
    assert FULL_ID not in html
    platform = certificates.platform_number(world.community_id, helper.user_id)
    assert platform in text and "the platform's own number" in text
    assert 'data-figure="hours_resident">1.5<' in html
    assert 'data-figure="hours_staff">0.0<' in html
    assert "travel time not included" in text and "(seal)" in text
    assert "Home repairs" in html  # the service content, by kind
    assert "<svg" in html and "/verify/r1." in html
    # Only the masked number was stored, anywhere.
    stored = await VolunteerIdentity.select().where(VolunteerIdentity.user == helper.user_id)
    assert stored[0]["id_number"] == MASKED
    row = await IssuedCertificate.select().where(IssuedCertificate.person == helper.user_id)
    assert FULL_ID not in str(row) and MASKED in row[0]["figures"]
    zh = await client.get(issued.headers["location"], headers=ZH)
    assert "志愿服务证明" in zh.text and "（盖章）" in zh.text


def test_masking() -> None:
    assert certificates.mask_id(FULL_ID) == MASKED
    assert certificates.mask_id(MASKED) == MASKED
    assert certificates.mask_id(" 3301 0219 9001 0112 3x ") == "3301**********123X"
    assert certificates.mask_id("E12345678") == "E1*****78"
    for bad in ("", "12345", "3301-0219", "3" * 40):
        with pytest.raises(ValueError):
            certificates.mask_id(bad)


async def test_bad_input_is_refused_at_the_field_and_nothing_is_written(
        client, world: World) -> None:
    staff, helper = await _served(world)
    await login(client, staff)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    for extra, field in (({"id_number": "12"}, "id_number"), ({"id_type": "card"}, "id_type"),
                         ({"volunteer_number": "no spaces"}, "volunteer_number"),
                         ({"date_to": tomorrow}, "date_to"), ({"notes": "x" * 301}, "notes")):
        answer = await post(client, "/staff/certificates/new", _form(helper, **extra),
                            headers=EN)
        assert answer.status_code == 422, extra
        assert f'id="{field}-error"' in answer.text or f'{field}-error' in answer.text, extra
    assert not await IssuedCertificate.exists().where(IssuedCertificate.person == helper.user_id)
    assert not await VolunteerIdentity.exists().where(VolunteerIdentity.user == helper.user_id)


async def test_numbers_are_unique_under_concurrent_issue(world: World) -> None:
    staff, helper = await _served(world)
    today = clock.today()
    ids = await asyncio.gather(*(
        register.issue(staff, helper.user_id, today - timedelta(days=7), today, "", IDENT)
        for _n in range(6)))
    rows = await IssuedCertificate.select(IssuedCertificate.number).where(
        IssuedCertificate.id.is_in(list(ids)))
    numbers = sorted(r["number"] for r in rows)
    assert numbers == [certificates.certificate_number(world.community_id, today.year, n)
                       for n in range(1, 7)]


async def test_register_search_paging_and_scoping(client, world: World,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    staff, helper = await _served(world)
    other = await world.person(helper=True, name=unique("Other "))
    today = clock.today()
    for person in (helper, helper, other):
        await register.issue(staff, person.user_id, today - timedelta(days=7), today, "", IDENT)
    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    await login(client, staff)
    first = await client.get("/staff/certificates", headers=EN)
    assert first.text.count("data-number=") == 2 and "Older certificates" in first.text
    more = re.search(r'href="/staff/certificates\?([^"]+)"', first.text)
    assert more
    second = await client.get("/staff/certificates?" + more.group(1).replace("&amp;", "&"))
    assert second.text.count("data-number=") == 1
    found = await client.get(f"/staff/certificates?q={other.display_name}", headers=EN)
    assert found.text.count("data-number=") == 1 and other.display_name in found.text
    number = certificates.certificate_number(world.community_id, today.year, 2)
    by_number = await client.get(f"/staff/certificates?q={number}")
    assert by_number.text.count("data-number=") == 1
    client.cookies.clear()
    outsider = await (await new_world()).person(staff=True)
    await login(client, outsider)
    listing = await client.get(f"/staff/certificates?community_id={world.community_id}")
    assert listing.status_code == 403
    cert_id = (await IssuedCertificate.select(IssuedCertificate.id).where(
        IssuedCertificate.person == other.user_id).first())["id"]
    assert (await client.get(f"/staff/certificates/{cert_id}")).status_code == 404
    assert (await post(client, f"/staff/certificates/{cert_id}/revoke",
                       {"reason": "x"})).status_code == 404
    assert (await post(client, "/staff/certificates/new", _form(helper))).status_code == 403
    with pytest.raises(Forbidden):
        await register.issue(outsider, helper.user_id, today, today, "", IDENT)


async def test_revoked_certificate_verifies_as_revoked(client, world: World) -> None:
    staff, helper = await _served(world)
    today = clock.today()
    cert_id = await register.issue(staff, helper.user_id, today - timedelta(days=7), today,
                                   "", IDENT)
    token = certificates.registered_token(cert_id)
    valid = await client.get(f"/verify/{token}", headers=EN)
    assert 'data-verdict="valid"' in valid.text and helper.display_name in valid.text
    assert MASKED not in valid.text  # anyone may open it: the ID stays on the paper
    assert (await client.get(f"/verify/{token[:-2]}xx", headers=EN)).text.count(
        "Not genuine") == 1
    await login(client, staff)
    no_reason = await post(client, f"/staff/certificates/{cert_id}/revoke", {"reason": " "},
                           headers=EN)
    assert no_reason.status_code == 422 and "Please say why" in no_reason.text
    revoked = await post(client, f"/staff/certificates/{cert_id}/revoke",
                         {"reason": "Issued for the wrong period"})
    assert revoked.status_code == 303
    again = await post(client, f"/staff/certificates/{cert_id}/revoke", {"reason": "Twice"},
                       headers=EN)
    assert again.status_code == 409 and "revoked already" in again.text
    row = await IssuedCertificate.select().where(IssuedCertificate.id == cert_id).first()
    assert row["revoked_by"] == staff.user_id and row["revoke_reason"] == \
        "Issued for the wrong period"
    assert await AuditEvent.exists().where(AuditEvent.action == "certificate_revoked")
    listing = await client.get("/staff/certificates", headers=EN)
    assert "Revoked" in listing.text
    client.cookies.clear()
    check = await client.get(f"/verify/{token}", headers=EN)
    assert 'data-verdict="revoked"' in check.text and "REVOKED" in check.text


async def test_helper_enters_their_own_masked_id(client, world: World) -> None:
    _staff, helper = await _served(world)
    await login(client, helper)
    bad = await post(client, "/me/record/identity", {**IDENT, "id_type": ""}, headers=EN)
    assert bad.status_code == 422 and "Please choose the type of ID." in bad.text
    saved = await post(client, "/me/record/identity", IDENT)
    assert saved.status_code == 303
    page = await client.get("/me/record", headers=EN)
    assert MASKED in page.text and FULL_ID not in page.text
    with pytest.raises(DomainError):
        register.clean_identity("resident_id", "not an id!", "")
    assert date.today()  # the page above worked without staff


async def test_staff_pick_the_helper_on_the_register_page(client, world: World) -> None:
    staff, helper = await _served(world)
    await login(client, staff)
    register_page = await client.get("/staff/certificates", headers=EN)
    assert 'action="/staff/certificates/new"' in register_page.text
    found = await client.get(f"/staff/certificates/new?person={helper.login}", headers=EN)
    assert found.status_code == 200 and helper.display_name in found.text
    assert f'name="user_id" value="{helper.user_id}"' in found.text
    nobody = await client.get("/staff/certificates/new?person=nobody-at-all", headers=EN)
    assert nobody.status_code == 422 and "Nobody matches" in nobody.text
    assert 'value="nobody-at-all"' in nobody.text  # the typed text is kept
