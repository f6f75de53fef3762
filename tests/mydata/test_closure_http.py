"""Closing an account from the pages: Me, and a managed resident's member page."""

from __future__ import annotations

import pytest

from marketplace.accounts import managed
from marketplace.errors import DomainError
from marketplace.ledger import corrections
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.mydata import closure
from tests.conftest import PASSWORD, World, login, post, text_of, unique
from tests.mydata.helpers import person
from tests.rewards.helpers import other_world


async def test_me_leads_to_closing_and_a_wrong_password_keeps_the_account(
        client, world: World) -> None:
    p = await person(world)
    client.headers["accept-language"] = "en"
    await login(client, p.principal)
    me = await client.get("/me")
    assert 'href="/me/close"' in me.text
    page = await client.get("/me/close")
    assert page.status_code == 200 and 'name="password"' in page.text
    wrong = await post(client, "/me/close", {"password": "nope-nope-nope"})
    assert wrong.status_code == 422
    assert "password is not right" in text_of(wrong.text)
    assert (await client.get("/me")).status_code == 200  # still signed in

    done = await post(client, "/me/close", {"password": "correct-horse-1", "gift_to": ""})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert (await client.get("/me")).status_code in (302, 303)  # signed out
    again = await post(client, "/login", {"login": p.principal.login,
                                          "password": "correct-horse-1"})
    assert again.status_code != 303


async def test_htmx_gets_the_form_back_in_place(client, world: World) -> None:
    p = await person(world)
    await login(client, p.principal)
    response = await post(client, "/me/close", {"password": "wrong-wrong-1"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<section") and 'id="close-account"' in response.text


async def test_staff_close_a_managed_account_from_the_member_page(client, world: World) -> None:
    staff = await world.person(staff=True)
    name = "孙奶奶" + unique("")
    user_id = await managed.create(staff, managed.ManagedAccount(
        display_name=name, community_id=world.community_id, grid_id=world.grid_id,
        building_id=world.building_id))
    await login(client, staff)
    member = await client.get(f"/staff/members/{user_id}")
    assert f'href="/staff/members/{user_id}/close"' in member.text
    wrong = await post(client, f"/staff/members/{user_id}/close", {"confirm": "Granny"})
    assert wrong.status_code == 422 and 'value="Granny"' in wrong.text
    done = await post(client, f"/staff/members/{user_id}/close", {"confirm": name})
    assert done.status_code == 303
    assert name not in (await client.get(f"/staff/members/{user_id}")).text


async def test_other_communities_staff_and_residents_get_nothing(client, world: World) -> None:
    staff = await world.person(staff=True)
    user_id = await managed.create(staff, managed.ManagedAccount(
        display_name="Granny", community_id=world.community_id, grid_id=world.grid_id,
        building_id=world.building_id))
    elsewhere = await other_world()
    await login(client, await elsewhere.person(staff=True))
    assert (await client.get(f"/staff/members/{user_id}/close")).status_code == 404
    refused = await post(client, f"/staff/members/{user_id}/close", {"confirm": "Granny"})
    assert refused.status_code == 404
    resident = await person(world)
    assert (await client.get(f"/staff/members/{resident.principal.user_id}/close")
            ).status_code == 404


async def test_a_strange_choice_for_the_points_is_refused_at_the_field(
        client, world: World) -> None:
    p = await person(world)
    await login(client, p.principal)
    for value in ("99999999999999999999", "abc", "-1", "a\x00b"):
        response = await post(client, "/me/close", {"password": "correct-horse-1",
                                                    "gift_to": value})
        assert response.status_code == 422, value
        assert 'class="field-error"' in response.text or "flash-error" in response.text
    assert (await client.get("/me")).status_code == 200  # still open


async def test_a_closed_account_takes_no_adjustment_not_even_by_url(
        client, world: World) -> None:
    """Its points were given away or returned at closing; points added now would sit on an
    account nobody can use. The member page no longer offers it; the URL is refused."""
    staff = await world.person(staff=True)
    p = await person(world)
    await ledger.award(world.community_id, p.principal.user_id, 30, "award", "test", None,
                       "", unique("k"))
    await closure.close_own(p.principal, PASSWORD, None)  # the 30 go back to the community
    client.headers["accept-language"] = "en"
    await login(client, staff)
    uid = p.principal.user_id
    member = text_of((await client.get(f"/staff/members/{uid}")).text)
    assert "Account closed" in member and "Adjust points" not in member
    points = await client.get(f"/staff/points/{uid}")
    assert points.status_code == 200 and f"/staff/points/{uid}/adjust" not in points.text
    assert "This account is closed" in text_of(points.text)
    refused = await post(client, f"/staff/points/{uid}/adjust",
                         {"amount": "50", "reason": "Bonus", "key": unique("k")})
    assert refused.status_code != 303
    assert "This account is closed: its points can no longer be changed." in text_of(
        refused.text)
    assert (await ledger.balance(uid)).balance == 0
    with pytest.raises(DomainError):  # a large one is not filed for approval either
        await corrections.adjust(staff, uid, 100000, "Bonus", unique("k"))
    settled = await Transfer.select(Transfer.id).where(
        (Transfer.reference == f"user:{uid}") & (Transfer.kind == "adjust")).first()
    with pytest.raises(DomainError, match="closed"):  # nor by undoing the settlement
        await corrections.reverse(staff, int(settled["id"]), "Mistake")
    assert (await ledger.balance(uid)).balance == 0
