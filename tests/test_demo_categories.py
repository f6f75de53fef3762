"""Demo wishes sit in categories that fit them (QA found a haircut under School things)."""

from __future__ import annotations

from marketplace.reports.demo import TITLES
from marketplace.wishes.demo import CATEGORIES


def test_every_demo_history_title_names_an_existing_fitting_category() -> None:
    prefixes = {name.split()[0] for name, _points in CATEGORIES}
    assert {kind for _title, kind in TITLES} <= prefixes
    by_title = dict(TITLES)
    assert by_title["买菜"] == "代购" and by_title["修水管"] == "维修"


async def test_the_demo_is_in_one_language_and_the_resident_has_a_few_unread(
        database: None) -> None:
    """Issue 15: "第一网格 Grid 1" and 87 unread notices made the demo look machine-made."""
    import re

    from marketplace import demo
    from marketplace.accounts.tables import User
    from marketplace.community.tables import Grid
    from marketplace.notifications.tables import Notification

    await demo.load()
    grids = [g["name"] for g in await Grid.select(Grid.name)]
    assert "第一网格" in grids
    people = await User.select(User.id, User.login, User.display_name).where(
        User.login.is_in([p.login for p in demo.LOGINS]))
    assert all(not re.search(r"[A-Za-z]", p["display_name"]) for p in people)
    resident = next(p["id"] for p in people if p["login"] == "resident")
    unread = await Notification.count().where(
        (Notification.user == resident) & Notification.read_at.is_null())
    assert 0 < unread <= 3
