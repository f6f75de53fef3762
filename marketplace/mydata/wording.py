"""Texts written into the database in place of erased ones.

They are stored once, for every reader, so they are in the site's language
(``DEFAULT_LANGUAGE``, Chinese unless set): "已注销用户 #12", "已删除".
"""

from __future__ import annotations

from marketplace import i18n, settings
from marketplace.i18n import N_

REMOVED = N_("removed")
CLOSED_NAME = N_("Closed account #%(n)s")


def _site(message: str) -> str:
    return i18n.catalogue(settings.get().default_language).get(message, message)


def removed() -> str:
    """What an erased text reads: "已删除" / "removed"."""
    return _site(REMOVED)


def closed_name(user_id: int) -> str:
    """A closed account's display name: "已注销用户 #12" / "Closed account #12"."""
    return _site(CLOSED_NAME) % {"n": user_id}
