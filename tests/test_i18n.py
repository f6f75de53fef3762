"""Every UI string has a Chinese and an English translation, and the request picks one."""

from __future__ import annotations

import httpx
import pytest

from marketplace import i18n, i18n_tools
from tests.conftest import post


def test_every_message_is_translated_with_its_placeholders() -> None:
    messages = i18n_tools.extract_messages()
    assert "Sign in" in messages, "extraction found nothing; is the template path right?"
    failures = i18n_tools.problems()
    assert not failures, (
        "Translations missing or broken (run `make i18n`, then fill in msgstr in "
        "marketplace/locale/*/LC_MESSAGES/messages.po):\n" + "\n".join(failures))


def test_runtime_catalogues_match_the_files() -> None:
    # What i18n.py loads is what the check above read.
    for language in i18n.LANGUAGES:
        loaded = i18n.catalogue(language)
        assert loaded["Sign in"]
        assert loaded == {k: v for k, v in i18n_tools.read_translations(language).items() if v}


@pytest.mark.parametrize(("msgid", "msgstr", "ok"), [
    ("Hello, %(name)s", "您好，%(name)s", True),
    ("Hello, %(name)s", "您好", False),
    ("Hello, %(name)s", "您好，%(nom)s", False),
    ("%(n)s%% done", "已完成%(n)s%%", True),
    ("%(n)s%% done", "已完成%(n)s%", False),
    ("Plain", "普通", True),
])
def test_placeholder_check(msgid: str, msgstr: str, ok: bool) -> None:
    assert (i18n_tools.placeholder_problem(msgid, msgstr) is None) is ok


def _sign_in_zh() -> str:
    text = i18n.catalogue("zh")["Sign in"]
    assert text != "Sign in"
    return text


async def test_login_page_in_chinese(client: httpx.AsyncClient) -> None:
    response = await client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.text
    assert _sign_in_zh() in response.text
    assert ">Sign in<" not in response.text


async def test_login_page_in_english(client: httpx.AsyncClient) -> None:
    response = await client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text
    assert _sign_in_zh() not in response.text


async def test_language_choice_outlasts_accept_language(client: httpx.AsyncClient) -> None:
    zh = {"Accept-Language": "zh-CN"}
    response = await post(client, "/language", {"lang": "en", "next": "/login"}, headers=zh)
    assert response.status_code in (302, 303), response.text
    assert client.cookies.get("lang") == "en"

    response = await client.get("/login", headers=zh)
    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text
    assert _sign_in_zh() not in response.text

    response = await post(client, "/language", {"lang": "zh", "next": "/login"},
                          headers={"Accept-Language": "en"})
    assert client.cookies.get("lang") == "zh"
    response = await client.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="zh-Hans">' in response.text
    assert _sign_in_zh() in response.text


def test_literal_percent_must_be_escaped_where_templates_format() -> None:
    assert i18n_tools.placeholder_problem("Save 10%% today", "今天省10%") is not None
    assert i18n_tools.placeholder_problem("Save 10%% today", "今天省10%%") is None
    # A Python-only msgid with a bare % is never %-formatted; leave it alone.
    assert i18n_tools.placeholder_problem("100% done", "100% 完成") is None
