"""Which passwords are accepted (NIST SP 800-63B), the same at sign-up, password change and
administrator creation; and the hint on the forms."""

from __future__ import annotations

import pytest

from marketplace.accounts import strength
from marketplace.cli import _create_admin
from tests.conftest import PASSWORD, World, login, post, unique

EN = {"accept-language": "en"}
COMMON = "This password is too easy to guess"
PERSONAL = "The password must not be your login, name or phone number."


def _form(world: World, login_name: str, password: str, name: str = "Auntie Li") -> dict:
    return {"display_name": name, "login": login_name, "password": password,
            "password2": password, "community": str(world.community_id),
            "agree_notice": "on"}


@pytest.mark.parametrize(("password", "message"), [
    ("password", COMMON), ("12345678", COMMON), ("qwertyuiop", COMMON),
    ("woaini1314", COMMON), ("147258369", COMMON), ("a1234567", COMMON),
    ("PassWord", COMMON),  # case does not make a common password rare
    ("aaaabbbb", COMMON),  # too few different characters
    ("5201314", "at least 8 characters"),
])
async def test_common_and_short_passwords_are_refused_at_sign_up(
        client, world: World, password: str, message: str) -> None:
    r = await post(client, "/register", _form(world, unique("r"), password), headers=EN)
    assert r.status_code == 422 and message in r.text
    assert 'value="Auntie Li"' in r.text and f'value="{password}"' not in r.text


@pytest.mark.parametrize("which", ["login", "name", "phone", "login+1"])
async def test_the_login_name_or_phone_is_refused(client, world: World, which: str) -> None:
    phone = "139" + unique("")[:8].translate(str.maketrans("abcdef", "123456"))
    login_name = phone if which == "phone" else unique("neighbour")
    name = "Zhangsanfeng99"
    password = {"login": login_name, "name": name, "phone": phone,
                "login+1": login_name.upper() + "1"}[which]
    r = await post(client, "/register", _form(world, login_name, password, name), headers=EN)
    assert r.status_code == 422 and PERSONAL in r.text


async def test_change_password_keeps_the_same_rules(client, world: World) -> None:
    person = await world.person()
    await login(client, person)
    for new, message in (("password", COMMON), (person.login, PERSONAL),
                         ("1234567", "at least 8 characters")):
        r = await post(client, "/me/password", {"current": PASSWORD, "new": new, "new2": new},
                       headers=EN)
        assert r.status_code == 422 and message in r.text, new
    r = await post(client, "/me/password", {"current": PASSWORD, "new": "plum-kite-river",
                                            "new2": "plum-kite-river"})
    assert r.status_code == 303


async def test_admin_creation_keeps_the_same_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert await _create_admin(unique("admin"), "Admin", "12345678", unique("C ")) == 2
    assert COMMON in capsys.readouterr().err
    assert await _create_admin(unique("admin"), "Admin", "plum-kite-river", unique("C ")) == 0


async def test_the_forms_give_a_strength_hint(client, world: World) -> None:
    hint = "not a common password such as 12345678"
    r = await client.get("/register", headers=EN)
    assert hint in r.text and 'aria-describedby="password-hint"' in r.text
    await login(client, await world.person())
    assert hint in (await client.get("/me", headers=EN)).text


def test_the_shipped_list_holds_common_and_chinese_typical_passwords() -> None:
    common = strength.common()
    assert len(common) > 8000
    assert {"password", "12345678", "qwertyuiop", "woaini1314", "147258369",
            "88888888"} <= common
    assert all(len(p) >= strength.MIN_LENGTH for p in common)
