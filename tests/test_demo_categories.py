"""Demo wishes sit in categories that fit them (QA found a haircut under School things)."""

from __future__ import annotations

from marketplace.reports.demo import TITLES
from marketplace.wishes.demo import CATEGORIES


def test_every_demo_history_title_names_an_existing_fitting_category() -> None:
    prefixes = {name.split()[0] for name, _points in CATEGORIES}
    assert {kind for _title, kind in TITLES} <= prefixes
    by_title = dict(TITLES)
    assert by_title["买菜 Buy vegetables"] == "代购" and by_title["修水管 Fix a pipe"] == "维修"
