"""One contract per wish action: the page, the API, the template and the service share
the limits of ``wishes.rules``, the contact-privacy decision and the hours parser."""

from __future__ import annotations

import re

import httpx
import pytest

from marketplace.accounts.tables import User
from marketplace.errors import DomainError
from marketplace.principal import Principal
from marketplace.wishes import rules, service
from marketplace.wishes.rules import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    HOURS_MAX,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    TITLE_MIN,
)
from marketplace.wishes.tables import Wish
from tests.conftest import World, csrf, login, post
from tests.wishes.helpers import open_wish

EN = {"accept-language": "en"}
PHONE = "13855556666"


async def api_post(client: httpx.AsyncClient, url: str, body: dict) -> httpx.Response:
    return await client.post(url, json=body, headers={"x-csrftoken": await csrf(client), **EN})


def attribute(html: str, element_id: str, name: str) -> str:
    """An attribute of the element with this id, as rendered."""
    tag = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{element_id}"[^>]*>', html)
    assert tag, element_id
    value = re.search(rf'\b{name}="([^"]*)"', tag.group(0))
    assert value, (element_id, name, tag.group(0))
    return value.group(1)


async def _wishes_of(owner: Principal) -> int:
    return await Wish.count().where(Wish.owner == owner.user_id)


@pytest.mark.parametrize(("field", "limit"), [("title", TITLE_MAX),
                                              ("description", DESCRIPTION_MAX)])
async def test_page_and_api_refuse_one_character_over_the_same_limit(
        client: httpx.AsyncClient, world: World, field: str, limit: int) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 5)
    await login(client, owner)
    base = {"title": "Fix the tap", "description": ""}

    too_long = {**base, field: "w" * (limit + 1)}
    page = await post(client, "/wishes/new", {**too_long, "category": str(category)},
                      headers=EN)
    # Refused on the field, with what was typed kept in full (never cut).
    assert page.status_code == 422 and f'id="{field}-error"' in page.text
    assert "w" * (limit + 1) in page.text
    api = await api_post(client, "/api/wishes", {**too_long, "category_id": category})
    assert api.status_code == 400
    assert await _wishes_of(owner) == 0

    just_fits = {**base, field: "w" * limit}
    page = await post(client, "/wishes/new", {**just_fits, "category": str(category)})
    assert page.status_code == 303
    api = await api_post(client, "/api/wishes", {**just_fits, "category_id": category})
    assert api.status_code == 201 and api.json()[field] == "w" * limit
    assert await _wishes_of(owner) == 2


async def test_the_service_refuses_what_neither_form_nor_schema_let_through(
        world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 5)
    for new, field in ((service.NewWish(category, "t" * (TITLE_MAX + 1)), "title"),
                       (service.NewWish(category, "t" * (TITLE_MIN - 1)), "title"),
                       (service.NewWish(category, "Tap", "d" * (DESCRIPTION_MAX + 1)),
                        "description")):
        with pytest.raises(DomainError) as refused:
            await service.post_wish(owner, new)
        assert refused.value.field == field


async def test_templates_and_api_schema_carry_the_limits_of_the_rules(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    await login(client, owner)
    form = (await client.get("/wishes/new")).text
    assert attribute(form, "title", "maxlength") == str(TITLE_MAX)
    assert attribute(form, "title", "minlength") == str(TITLE_MIN)
    assert attribute(form, "description", "maxlength") == str(DESCRIPTION_MAX)

    wish_id = await open_wish(world, owner, staff)
    await service.claim(helper, wish_id)
    await service.fulfil(helper, wish_id, "done", 30)
    owner_page = (await client.get(f"/wishes/{wish_id}")).text
    assert attribute(owner_page, "comment", "maxlength") == str(COMMENT_MAX)
    assert attribute(owner_page, "dispute-note", "maxlength") == str(REASON_MAX)
    client.cookies.clear()
    await login(client, staff)
    pending = await service.post_wish(owner, service.NewWish(
        (await service.categories(world.community_id))[0]["id"], "Pending one"))
    staff_page = (await client.get(f"/wishes/{pending}")).text
    assert attribute(staff_page, "reject-note", "maxlength") == str(REASON_MAX)
    client.cookies.clear()
    await login(client, helper)
    other = await open_wish(world, owner, staff)
    await service.claim(helper, other)
    helper_page = (await client.get(f"/wishes/{other}")).text
    assert attribute(helper_page, "fulfil-note", "maxlength") == str(NOTE_MAX)

    schemas = (await client.get("/api/schema/openapi.json")).json()["components"]["schemas"]
    by_name = {key.rsplit("_", 1)[-1].rsplit(".", 1)[-1]: value
               for key, value in schemas.items()}
    new_wish = by_name["NewWishIn"]["properties"]
    assert new_wish["title"]["maxLength"] == TITLE_MAX
    assert new_wish["title"]["minLength"] == TITLE_MIN
    assert new_wish["description"]["maxLength"] == DESCRIPTION_MAX
    assert by_name["FulfilIn"]["properties"]["hours"]["maximum"] == HOURS_MAX


async def test_page_and_api_make_the_same_contact_decision(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    claimer, bystander = await world.person(helper=True), await world.person(helper=True)
    await User.update({User.phone: PHONE}).where(User.id == owner.user_id)
    wish_id = await open_wish(world, owner, staff)
    await service.claim(claimer, wish_id)
    shown = {}
    for who in (owner, staff, claimer, bystander):
        await login(client, who)
        page = (await client.get(f"/wishes/{wish_id}")).text
        api = (await client.get(f"/api/wishes/{wish_id}")).json()
        detail = await service.detail(who, wish_id)
        assert (PHONE in page) is (api["contact"] is not None) is (detail.contact is not None)
        assert detail.contact is None or detail.contact.phone == api["contact"]["phone"]
        assert "owner.phone" not in detail.wish and "owner.address" not in detail.wish
        assert api["actions"] == detail.actions
        shown[who.user_id] = api["contact"] is not None
        client.cookies.clear()
    # The owner knows their own number; the rule shows it to those who go to the door.
    assert shown == {owner.user_id: False, staff.user_id: True, claimer.user_id: True,
                     bystander.user_id: False}


@pytest.mark.parametrize(("typed", "minutes"), [("1.5", 90), (" 2 ", 120), ("", 0),
                                                (1.5, 90), (0, 0), (HOURS_MAX, HOURS_MAX * 60)])
def test_hours_are_read_one_way(typed: str | float, minutes: int) -> None:
    assert rules.minutes_spent(typed) == minutes


@pytest.mark.parametrize("typed", ["abc", "nan", "inf", "-1", "24.5", "1e308", 1e308, -0.5])
def test_hours_outside_the_rule_are_refused_on_the_hours_field(typed: str | float) -> None:
    with pytest.raises(DomainError) as refused:
        rules.minutes_spent(typed)
    assert refused.value.field == "hours"


async def test_page_and_api_keep_the_same_length_of_a_long_note(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    by_page, by_api = await open_wish(world, owner, staff), await open_wish(world, owner, staff)
    await service.claim(helper, by_page)
    await service.claim(helper, by_api)
    await login(client, helper)
    note = "n" * (NOTE_MAX + 100)
    r = await post(client, f"/wishes/{by_page}/fulfil", {"note": note, "hours": "1"})
    assert r.status_code == 303
    r = await api_post(client, f"/api/wishes/{by_api}/fulfil", {"note": note, "hours": 1})
    assert r.status_code == 200 and r.json()["fulfil_note"] == "n" * NOTE_MAX
    rows = await Wish.select(Wish.fulfil_note).where(Wish.id.is_in([by_page, by_api]))
    assert [len(r["fulfil_note"]) for r in rows] == [NOTE_MAX, NOTE_MAX]


async def test_only_staff_learn_whether_a_login_exists(client: httpx.AsyncClient,
                                                      world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    resident, helper = await world.person(), await world.person(helper=True)
    category = await service.add_category(staff, world.community_id, "Repairs", 5)
    wish_id = await open_wish(world, owner, staff)
    await login(client, resident)
    for login_name in ("nobody-has-this", owner.login):
        r = await post(client, "/wishes/new", {"title": "For a neighbour",
                                               "category": str(category),
                                               "owner_login": login_name}, headers=EN)
        assert r.status_code == 403, login_name
        r = await post(client, f"/wishes/{wish_id}/assign", {"person": login_name})
        assert r.status_code == 403, login_name
    client.cookies.clear()
    await login(client, staff)
    r = await post(client, "/wishes/new", {"title": "For a neighbour",
                                           "category": str(category),
                                           "owner_login": "nobody-has-this"}, headers=EN)
    assert r.status_code == 422 and "No resident has that login." in r.text
    r = await post(client, f"/wishes/{wish_id}/assign", {"person": "nobody-has-this"},
                   headers=EN)
    assert r.status_code == 422 and "Nobody matches “nobody-has-this”." in r.text
    r = await post(client, f"/wishes/{wish_id}/assign", {"person": helper.login})
    assert r.status_code == 303
