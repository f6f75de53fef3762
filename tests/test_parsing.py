"""The one parsing layer (``web/params.py``, ``web/forms.py``): numbers, ids, dates and text
from query strings, forms and JSON bodies are bounded and refused politely — never a 500,
nothing written — and a control character is refused the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from marketplace.accounts.tables import User
from marketplace.activities.tables import Activity
from marketplace.care import service as care
from marketplace.ledger.tables import Transfer
from marketplace.rewards.tables import Offer
from marketplace.wishes import service as wishes
from marketplace.wishes.tables import Category, Wish
from tests.conftest import World, login, post, text_of
from tests.rewards.helpers import resident, shop

EN = {"accept-language": "en"}
HUGE, NEGATIVE_HUGE, ZERO, JUST_PAST = "9" * 25, "-" + "9" * 25, "0", "2147483648"
BAD_IDS = [HUGE, NEGATIVE_HUGE, ZERO, JUST_PAST, "-1", "1.5", "abc"]
BAD_NUMBERS = [HUGE, NEGATIVE_HUGE, JUST_PAST, "1e9", "abc"]
EXTREME_DAYS = ["0001-01-01", "9999-12-31"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85"]


def _has(response, message: str) -> bool:  # type: ignore[no-untyped-def]
    return message in text_of(response.text).replace("&quot;", '"')


def _refused(response, *messages: str) -> bool:  # type: ignore[no-untyped-def]
    """The form came back with the message (the status of a refused form is 4xx, or 200
    on the forms that still answer so): not a 5xx, not a redirect onwards."""
    return (response.status_code < 500 and response.status_code not in (302, 303)
            and any(_has(response, m) for m in messages))


# ---- query strings -------------------------------------------------------------------------

# (who, path, parameter): every page filter that names an object by id.
STAFF_QUERY_IDS = [
    ("/staff/helpers", "community_id"),
    ("/staff/wishes", "community_id"),
    ("/staff/merchants", "community_id"),
    ("/staff/reports", "community_id"),
    ("/staff/reports", "grid_id"),
    ("/staff/reports/export/members", "community_id"),
    ("/staff/activities", "community"),
    ("/staff/care", "community"),
]
RESIDENT_QUERY_IDS = [
    ("/register", "community"),
    ("/wishes", "grid"),
    ("/wishes", "category"),
    ("/rewards", "merchant"),
]
API_QUERY_IDS = [
    ("/api/rewards/offers", "merchant"),
    ("/api/wishes", "grid"),
    ("/api/wishes", "category"),
]


@pytest.mark.parametrize("value", BAD_IDS)
async def test_page_filters_refuse_ids_no_row_can_have(client, world: World, value: str
                                                       ) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    for path, name in STAFF_QUERY_IDS + RESIDENT_QUERY_IDS:
        response = await client.get(path, params={name: value}, headers=EN)
        assert response.status_code == 400, (path, name, response.status_code)
        assert _has(response, "please choose one from the list"), (path, name)


async def test_a_blank_page_filter_means_all(client, world: World) -> None:
    staff = await world.person(staff=True)
    await login(client, staff)
    for path, name in STAFF_QUERY_IDS + RESIDENT_QUERY_IDS:
        assert (await client.get(path, params={name: ""})).status_code == 200, (path, name)


@pytest.mark.parametrize("value", [HUGE, NEGATIVE_HUGE, ZERO, JUST_PAST])
async def test_api_filters_refuse_ids_with_the_bound_named(client, world: World, value: str
                                                           ) -> None:
    await login(client, await world.person())
    for path, name in API_QUERY_IDS:
        response = await client.get(path, params={name: value}, headers=EN)
        assert response.status_code == 400, (path, name)
        message = response.json()["error"]["message"]
        assert f"{name} must be at " in message, message


@pytest.mark.parametrize("day", [*EXTREME_DAYS, "2026-02-30"])
async def test_downloads_refuse_a_wrong_day_before_the_first_byte(client, world: World,
                                                                  day: str) -> None:
    staff = await world.person(staff=True)
    s = await shop(world)
    for who, path, names in [
        (staff, "/points/statement.csv", ("date_from", "date_to")),
        (staff, "/staff/reports/export/members", ("date_from", "date_to")),
        (staff, "/staff/reports/export/wishes", ("date_from", "date_to")),
        (staff, "/api/me/statement", ("date_from", "date_to")),
        (s.owner, f"/merchant/{s.merchant_id}/statement.csv", ("start", "end")),
    ]:
        await login(client, who)
        for name in names:
            response = await client.get(path, params={name: day}, headers=EN)
            assert response.status_code == 400, (path, name, response.status_code)
            assert "text/csv" not in response.headers["content-type"]
            assert "Please enter the date as YYYY-MM-DD." in response.text, (path, name)


@pytest.mark.parametrize("day", EXTREME_DAYS)
async def test_pages_with_date_filters_explain_a_wrong_day(client, world: World, day: str
                                                           ) -> None:
    staff = await world.person(staff=True, helper=True)
    s = await shop(world)
    for who, path, names in [
        (staff, "/points", ("date_from", "date_to")),
        (staff, f"/staff/points/{staff.user_id}", ("date_from", "date_to")),
        (staff, "/staff/reports", ("date_from", "date_to")),
        (staff, f"/staff/reports/helpers/{staff.user_id}", ("date_from", "date_to")),
        (staff, "/me/record", ("date_from", "date_to")),
        (staff, "/staff/audit", ("date_from", "date_to")),
        (s.owner, f"/merchant/{s.merchant_id}/statement", ("start", "end")),
    ]:
        await login(client, who)
        for name in names:
            response = await client.get(path, params={name: day}, headers=EN)
            assert response.status_code < 500, (path, name)
            assert "YYYY-MM-DD" in response.text, (path, name)


# ---- forms ---------------------------------------------------------------------------------

async def _wish_count() -> int:
    return await Wish.count()


@pytest.mark.parametrize("value", BAD_NUMBERS)
async def test_form_numbers_are_refused_under_their_field(client, world: World, value: str
                                                          ) -> None:
    staff = await world.person(staff=True)
    me = await resident(world, points=50)
    in_need = await world.person()
    await care.mark_in_need(staff, in_need.user_id, "Alone", category="alone", consent="self")
    await login(client, staff)
    transfers, activities = await Transfer.count(), await Activity.count()
    forms = [
        (f"/staff/points/{me.user_id}/adjust", {"amount": value, "reason": "x"}, "amount"),
        ("/staff/activities", {"community": str(world.community_id), "title": "Tidy up",
                               "place": "Yard", "day": "2030-05-01", "points": value}, "points"),
        ("/staff/activities", {"community": str(world.community_id), "title": "Tidy up",
                               "place": "Yard", "day": "2030-05-01", "points": "5",
                               "capacity": value}, "capacity"),
        (f"/staff/care/{world.community_id}/rules",
         {"per_gift": value, "per_month": "100", "expiry_months": "0"}, "per_gift"),
        ("/staff/wishes/categories", {"community_id": str(world.community_id),
                                      "name": "Odd", "points": value}, "points"),
    ]
    for path, data, field in forms:
        # Adding a category refuses with a message on the page it goes back to.
        response = await post(client, path, data, headers=EN,
                              follow_redirects=path.endswith("categories"))
        assert _refused(response, "must be"), (path, field, response.status_code)
    await login(client, me)
    response = await post(client, "/points/give", {"to_user": str(in_need.user_id),
                                                  "amount": value}, headers=EN)
    assert _refused(response, "must be")
    assert (await Transfer.count(), await Activity.count()) == (transfers, activities)
    assert not await Category.exists().where(Category.name == "Odd")


@pytest.mark.parametrize("value", BAD_IDS)
async def test_form_ids_are_refused_under_their_field(client, world: World, value: str
                                                      ) -> None:
    staff = await world.person(staff=True)
    me = await resident(world, points=50)
    await care.mark_in_need(staff, (await world.person()).user_id, "Alone",
                           category="alone", consent="self")
    wishes_before, transfers = await _wish_count(), await Transfer.count()
    await login(client, me)
    for path, data in [
        ("/me", {"display_name": "Renamed", "grid": value}),
        ("/me", {"display_name": "Renamed", "building": value}),
        ("/wishes/new", {"title": "Mend the gate", "category": value}),
        ("/points/give", {"to_user": value, "amount": "5"}),
    ]:
        response = await post(client, path, data, headers=EN)
        assert _refused(response, "please choose one from the list"), (path, data)
    await login(client, staff)
    for path, data in [
        (f"/staff/care/{world.community_id}/in-need", {"person_id": value, "reason": "x"}),
        ("/staff/wishes/categories", {"community_id": value, "name": "Odd", "points": "5"}),
    ]:
        response = await post(client, path, data, headers=EN,
                              follow_redirects=path.endswith("categories"))
        assert _refused(response, "please choose one from the list"), (path, data)
    client.cookies.clear()
    response = await post(client, "/register", {
        "display_name": "New", "login": "newcomer" + value[-3:], "password": "a-long-pass-1",
        "password2": "a-long-pass-1", "community": value, "agree_notice": "on"}, headers=EN)
    assert _refused(response, "please choose one from the list")
    assert await _wish_count() == wishes_before and await Transfer.count() == transfers
    assert (await User.select(User.display_name).where(User.id == me.user_id).first()
            )["display_name"] != "Renamed"
    assert not await Category.exists().where(Category.name == "Odd")


@pytest.mark.parametrize("day", EXTREME_DAYS)
async def test_form_days_outside_the_years_people_mean_are_refused(client, world: World,
                                                                   day: str) -> None:
    staff = await world.person(staff=True)
    s = await shop(world)
    await login(client, staff)
    activities = await Activity.count()
    response = await post(client, "/staff/activities", {
        "community": str(world.community_id), "title": "Tidy up", "place": "Yard",
        "day": day, "points": "5"}, headers=EN)
    assert _refused(response, "YYYY-MM-DD")
    assert await Activity.count() == activities
    await login(client, s.owner)
    offers = await Offer.count()
    response = await post(client, f"/merchant/{s.merchant_id}/offers/new",
                          {"title": "Tea", "price": "5", "valid_to": day}, headers=EN)
    assert response.status_code == 422 and "YYYY-MM-DD" in response.text
    assert await Offer.count() == offers


# ---- control characters ------------------------------------------------------------------

CONTROL_MESSAGE = "Please remove the control characters"


@pytest.mark.parametrize("char", CONTROLS)
async def test_control_characters_are_refused_in_text_on_every_database(
        client, world: World, char: str) -> None:
    staff = await world.person(staff=True)
    me = await world.person(name="Plain name")
    await wishes.add_category(staff, world.community_id, "Repairs", 5)
    category = (await Category.select(Category.id).where(
        Category.community == world.community_id).first())["id"]
    s = await shop(world)
    wishes_before, offers = await _wish_count(), await Offer.count()
    await login(client, me)
    title = f"Mend{char}the gate"
    # A wish title (page and API) and a profile name.
    response = await post(client, "/wishes/new", {"title": title, "category": str(category)},
                          headers=EN)
    assert _refused(response, CONTROL_MESSAGE)
    assert "\x00" not in response.text and char not in response.text
    assert 'value="Mendthe gate"' in response.text  # the input kept, without the character
    response = await client.post("/api/wishes", json={"category_id": category, "title": title},
                                 headers={**EN, "x-csrftoken": client.cookies["csrftoken"]})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(CONTROL_MESSAGE)
    response = await post(client, "/me", {"display_name": f"Plain{char}name"}, headers=EN)
    assert _refused(response, CONTROL_MESSAGE)
    assert char not in response.text
    # An offer title, by the shop's owner.
    await login(client, s.owner)
    response = await post(client, f"/merchant/{s.merchant_id}/offers/new",
                          {"title": f"Tea{char}", "price": "5"}, headers=EN)
    assert response.status_code == 422 and _has(response, CONTROL_MESSAGE)
    assert await _wish_count() == wishes_before and await Offer.count() == offers
    assert (await User.select(User.display_name).where(User.id == me.user_id).first()
            )["display_name"] == "Plain name"


async def test_multi_line_text_keeps_line_breaks_and_tabs_but_not_nul(client, world: World
                                                                      ) -> None:
    s = await shop(world)
    await login(client, s.owner)
    response = await post(client, f"/merchant/{s.merchant_id}/offers/new",
                          {"title": "Tea", "price": "5",
                           "description": "Green tea\r\n\tfrom the hills"}, headers=EN)
    assert response.status_code == 303
    assert await Offer.exists().where(Offer.description.like("%\tfrom the hills"))
    response = await post(client, f"/merchant/{s.merchant_id}/offers/new",
                          {"title": "Tea", "price": "5", "description": "Green\x00tea"},
                          headers=EN)
    assert response.status_code == 422 and _has(response, CONTROL_MESSAGE)
    response = await post(client, f"/merchant/{s.merchant_id}/offers/new",
                          {"title": "Tea\tleaves", "price": "5"}, headers=EN)
    assert response.status_code == 422 and _has(response, CONTROL_MESSAGE)


@pytest.mark.parametrize("char", ["\x00", "\x1b"])
async def test_search_words_with_control_characters_are_refused(client, world: World,
                                                                char: str) -> None:
    await login(client, await world.person(staff=True))
    for path, name in [("/wishes", "q"), ("/staff/audit", "actor"), ("/staff/audit", "action")]:
        response = await client.get(path, params={name: f"a{char}b"}, headers=EN)
        assert response.status_code == 400 and _has(response, CONTROL_MESSAGE), (path, name)
    response = await client.get("/api/wishes", params={"q": f"a{char}b"}, headers=EN)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(CONTROL_MESSAGE)
