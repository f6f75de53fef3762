"""The privacy notice (PIPL Art. 17): agreed at sign-up with its version, asked again when
the version changes, reachable from every page, naming who runs the community's site."""

from __future__ import annotations

import pytest

from marketplace.accounts.tables import User
from marketplace.community.tables import Community
from marketplace.errors import Forbidden
from marketplace.privacy import consents, notice
from marketplace.privacy.tables import Consent
from tests.cast import new_world
from tests.conftest import World, login, post, text_of, unique

EN = {"accept-language": "en"}


def _form(world: World, login_name: str) -> dict[str, str]:
    return {"display_name": "Auntie Zhou", "login": login_name, "password": "long-enough-pw",
            "password2": "long-enough-pw", "community": str(world.community_id)}


async def test_sign_up_needs_the_agreement_and_records_its_version(client, world: World
                                                                  ) -> None:
    name = unique("r")
    r = await post(client, "/register", _form(world, name), headers=EN)
    assert r.status_code == 422
    assert "Please read the privacy notice and tick the box" in text_of(r.text)
    assert 'value="Auntie Zhou"' in r.text and "long-enough-pw" not in r.text
    assert 'href="/privacy?community=' in r.text  # the notice is one tap away
    assert not await User.exists().where(User.login == name)

    r = await post(client, "/register", {**_form(world, name), "agree_notice": "on"},
                   headers=EN)
    assert r.status_code == 303
    user = await User.select(User.id).where(User.login == name).first()
    rows = await Consent.select().where(Consent.user == user["id"])
    assert [(c["kind"], c["version"], c["recorded_as"], c["recorded_by"]) for c in rows] == [
        ("notice", notice.VERSION, "self", user["id"])]
    home = await client.get("/", headers=EN)
    assert home.status_code == 200  # agreed: no second question


async def test_a_new_version_is_asked_for_before_anything_else(client, world: World) -> None:
    person = await world.person()
    await Consent.update({Consent.version: "2000-01-01"}).where(Consent.user == person.user_id)
    await login(client, person)

    r = await client.get("/wishes/?status=open", headers=EN)
    assert r.status_code == 303
    where = r.headers["location"]
    assert where.startswith("/privacy/agree?next=/wishes") and "%3Fstatus%3Dopen" in where
    r = await post(client, "/me", {"display_name": "Changed"}, headers=EN)
    assert r.status_code == 303 and r.headers["location"].startswith("/privacy/agree")
    assert (await User.select(User.display_name).where(User.id == person.user_id).first()
            )["display_name"] == person.display_name  # nothing done behind the question
    api = await client.get("/api/me/balance", headers=EN)
    assert api.status_code == 403 and "privacy notice" in api.json()["error"]["message"]
    # Open while asked: the notice itself, signing out, the health check.
    assert (await client.get("/privacy", headers=EN)).status_code == 200
    assert (await client.get("/health")).status_code == 200

    page = await client.get("/privacy/agree?next=/wishes/", headers=EN)
    assert page.status_code == 200 and "has changed since you last agreed" in page.text
    r = await post(client, "/privacy/agree", {"next": "/wishes/"}, headers=EN)
    assert r.status_code == 422 and "Please tick the box to agree" in text_of(r.text)
    r = await post(client, "/privacy/agree", {"next": "/wishes/", "agree": "on"}, headers=EN)
    assert r.status_code == 303 and r.headers["location"] == "/wishes/"
    assert (await client.get("/wishes/", headers=EN)).status_code == 200
    latest = await consents.latest(person.user_id, consents.NOTICE)
    assert latest is not None and latest["version"] == notice.VERSION
    assert await Consent.count().where(Consent.user == person.user_id) == 2  # both kept


async def test_someone_who_never_agreed_is_asked_too(client, world: World) -> None:
    person = await world.person()
    await Consent.delete().where(Consent.user == person.user_id)
    await login(client, person)
    r = await client.get("/", headers=EN)
    assert r.status_code == 303 and r.headers["location"].startswith("/privacy/agree")


async def test_the_notice_names_the_operator_and_is_in_every_footer(client,
                                                                    world: World) -> None:
    staff = await world.person(staff=True)
    r = await client.get(f"/privacy?community={world.community_id}", headers=EN)
    assert "have not entered its contact details yet" in r.text
    await notice.set_operator(staff, world.community_id, "Riverside committee",
                              "010-6543 2100")
    r = await client.get(f"/privacy?community={world.community_id}", headers=EN)
    text = text_of(r.text)
    assert "is run by Riverside committee. Contact: 010-6543 2100" in text
    assert "How long we keep it" in text and 'href="/privacy/requests"' in r.text
    anonymous_list = await client.get("/privacy", headers=EN)
    assert "Riverside committee" in anonymous_list.text  # visitors choose their community
    for path in ("/", "/login", f"/c/{world.community_id}"):
        assert 'href="/privacy"' in (await client.get(path, headers=EN)).text, path
    zh = await client.get(f"/privacy?community={world.community_id}",
                          headers={"accept-language": "zh"})
    assert "个人信息保护" in zh.text or "隐私" in zh.text


async def test_only_the_communitys_staff_name_its_operator(client, world: World) -> None:
    other_staff = await (await new_world()).person(staff=True)
    with pytest.raises(Forbidden):
        await notice.set_operator(other_staff, world.community_id, "Someone", "123")
    await login(client, other_staff)
    r = await post(client, f"/staff/privacy/{world.community_id}",
                   {"name": "Someone", "contact": "123"}, headers=EN)
    assert r.status_code == 403
    assert await notice.operator(world.community_id) is None
    staff = await world.person(staff=True)
    client.cookies.clear()
    await login(client, staff)
    r = await post(client, f"/staff/privacy/{world.community_id}",
                   {"name": "", "contact": "123"}, headers=EN)
    assert r.status_code == 422 and "Please enter the operator" in r.text
    assert 'value="123"' in r.text
    r = await post(client, f"/staff/privacy/{world.community_id}",
                   {"name": "Committee", "contact": "Office, Gate 2"}, headers=EN)
    assert r.status_code == 303
    assert (await notice.operator(world.community_id))["name"] == "Committee"


async def test_the_notice_states_the_communitys_own_retention_times(client,
                                                                     world: World) -> None:
    """What the rules page sets (photos, notes, sessions) is what the notice promises."""
    await Community.update({Community.retention_photo_days: 90,
                            Community.retention_note_days: 0,
                            Community.retention_session_days: 14}).where(
        Community.id == world.community_id)
    page = text_of((await client.get(f"/privacy?community={world.community_id}",
                                     headers=EN)).text)
    assert "90 days after the wish is closed, then removed." in page
    assert "Kept as long as the wish" in page
    assert "at most 14 days" in page
    assert "13 months, then removed" in page  # CONTACT_VIEW_MONTHS' default
