"""Which passwords are accepted (NIST SP 800-63B): long enough, not about the person, and
not one of the most common passwords. The same rules at sign-up, password change and
administrator creation (all go through ``check``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from marketplace.errors import DomainError
from marketplace.i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 256
COMMON_FILE = Path(__file__).resolve().parent / "common-passwords.txt"


@cache
def common() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _plain(text: str) -> str:
    return "".join(text.lower().split())


def check(password: str, field: str = "password", *, login: str = "", name: str = "",
          phone: str = "") -> None:
    """Raise DomainError (on ``field``) saying why ``password`` is refused."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_("The password needs at least %(n)s characters.", n=MIN_LENGTH),
                          field)
    if len(password) > MAX_LENGTH:
        raise DomainError(_("The password is too long (256 characters at most)."), field)
    plain = _plain(password)
    for own in (login, name, phone):
        own = _plain(own).lstrip("+")
        # The login itself, or the login with a few characters around it ("13812345678a").
        if own and (plain == own or (len(own) >= 4 and own in plain
                                     and len(plain) - len(own) <= 3)):
            raise DomainError(_("The password must not be your login, name or phone "
                                "number."), field)
    if plain in common() or len(set(plain)) < 4:
        raise DomainError(_("This password is too easy to guess (a very common password, "
                            "or too few different characters). Please choose another."), field)
