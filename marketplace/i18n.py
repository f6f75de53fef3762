"""Gettext for templates and code, in the language of the current request.

Catalogues are the ``.po`` files under ``marketplace/locale`` read at start-up, so there is
no compile step and no binary in the repository. English msgids are the source text.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_PO_NAMES = {"zh": "zh_Hans", "en": "en"}

current_language: ContextVar[str] = ContextVar("current_language", default="en")


@cache
def catalogue(language: str) -> dict[str, str]:
    path = LOCALE_DIR / _PO_NAMES[language] / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        po = read_po(fh)
    return {
        str(message.id): str(message.string)
        for message in po
        if message.id and isinstance(message.id, str) and message.string
    }


def gettext(message: str, **params: object) -> str:
    text = catalogue(current_language.get()).get(message, message)
    return text % params if params else text


_ = gettext


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    # Chinese has one form; English two. msgid is the singular, plural keyed "singular|plural".
    language = current_language.get()
    key = singular if n == 1 else plural
    text = catalogue(language).get(key, key)
    params.setdefault("num", n)
    return text % params


def N_(message: str) -> str:
    """Mark a string for extraction; translated later where it is shown."""
    return message


def pick_language(user_setting: str | None, cookie: str | None, accept: str | None,
                  default: str) -> str:
    for candidate in (user_setting, cookie):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    if accept:
        for part in accept.split(","):
            tag = part.split(";")[0].strip().lower()
            if tag.startswith("zh"):
                return "zh"
            if tag.startswith("en"):
                return "en"
    return default
