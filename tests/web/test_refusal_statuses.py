"""Every refused form answers 422 (bad input) or 409 (a clash with the current state)
without JavaScript, with the message and the input on the page; an htmx request still gets
200, since htmx swaps only 2xx answers."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD, World, csrf, login, post, unique
from tests.rewards.helpers import shop

EN = {"accept-language": "en"}


async def refused(client: httpx.AsyncClient, url: str, data: dict[str, str], status: int,
                  message: str, htmx: bool = True) -> None:
    """Plain form: ``status`` with the message; the same form from htmx (``htmx``: the page
    posts it with htmx): 200, in place."""
    plain = await post(client, url, data, headers=EN)
    assert plain.status_code == status, plain.text[:400]
    assert message in plain.text
    if not htmx:
        return
    token = await csrf(client)
    swapped = await client.post(url, data=data, headers={**EN, "hx-request": "true",
                                                          "x-csrftoken": token})
    assert swapped.status_code == 200 and message in swapped.text
    assert "hx-redirect" not in swapped.headers


async def test_register_and_login(client, world: World) -> None:
    person = await world.person()
    form = {"display_name": "Someone", "login": person.login, "password": "long-enough-pw",
            "password2": "long-enough-pw", "community": str(world.community_id),
            "agree_notice": "on"}
    await refused(client, "/register", form, 409, "already exists")
    await refused(client, "/register", {**form, "login": unique(), "display_name": ""}, 422,
                  "Please enter a display name")
    await refused(client, "/login", {"login": person.login, "password": "wrong-password"},
                  422, "Wrong login or password")


async def test_profile_password_and_helper_application(client, world: World) -> None:
    person = await world.person()
    await login(client, person)
    await refused(client, "/me/", {"display_name": "", "language": "en"}, 422,
                  "Please enter a display name")
    await refused(client, "/me/password", {"current": "not-it", "new": "abcdefgh12",
                                           "new2": "abcdefgh12"}, 422, "not right")
    await refused(client, "/me/helper", {"kind": "astronaut"}, 422,
                  "Please choose party member or volunteer")
    helper = await world.person(helper=True)
    client.cookies.clear()
    await login(client, helper)
    await refused(client, "/me/helper", {"kind": "volunteer"}, 409, "already a verified helper")


async def test_staff_adjustment_and_community(client, world: World) -> None:
    member, staff = await world.person(), await world.person(staff=True)
    await login(client, staff)
    await refused(client, f"/staff/points/{member.user_id}/adjust",
                  {"amount": "4", "reason": " ", "key": unique()}, 422, "reason", htmx=False)
    admin = await world.person(admin=True)
    client.cookies.clear()
    await login(client, admin)
    name = unique("Community ")
    assert (await post(client, "/manage/communities", {"name": name})).status_code == 303
    await refused(client, "/manage/communities", {"name": name}, 409, "already exists")


async def test_merchant_application_cashier_and_redeem(client, world: World) -> None:
    applicant = await world.person()
    await login(client, applicant)
    await refused(client, "/merchant/apply", {"name": "", "address": "1 Road"}, 422,
                  "Please fill this in")

    s = await shop(world)
    client.cookies.clear()
    await login(client, s.owner)
    url = f"/merchant/{s.merchant_id}"
    await refused(client, f"{url}/members", {"login": unique("nobody")}, 422,
                  "Nobody has that login")
    await refused(client, f"{url}/redeem/confirm", {"code": "ZZZZZZ"}, 422, "code")
    await refused(client, f"{url}/redeem", {"code": "ZZZZZZ"}, 422, "code")


async def test_staff_settlement_forms(client, world: World) -> None:
    s = await shop(world)
    staff = await world.person(staff=True)
    await login(client, staff)
    url = f"/staff/merchants/{s.merchant_id}"
    await refused(client, f"{url}/rate", {"points_per_yuan": "0"}, 422, "between 1 and 10000")
    await refused(client, f"{url}/settle", {"start": "", "end": ""}, 422,
                  "Please enter both dates")


async def test_sign_in_still_works_after_a_refusal(client, world: World) -> None:
    person = await world.person()
    await refused(client, "/login", {"login": person.login, "password": "nope"}, 422, "Wrong")
    r = await post(client, "/login", {"login": person.login, "password": PASSWORD})
    assert r.status_code == 303
