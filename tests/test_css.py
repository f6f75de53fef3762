"""The style sheet must close every block: one missing brace once turned every rule after
a print block into print-only rules (unstyled balances, numbers wrapping on phones)."""

from __future__ import annotations

import re

import pytest

from marketplace.settings import ROOT


@pytest.mark.parametrize("name", ["site.css", "pages.css"])
def test_every_css_block_is_closed_where_it_opens(name: str) -> None:
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static" / "css" / name).read_text(),
                 flags=re.S)
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{name} line {number}: a '}}' closes nothing"
        # top-level rules start at column 0; a rule there while a block is open means an
        # earlier block was never closed
        if depth and line.startswith((".", "#")) and line.count("{") == line.count("}"):
            assert depth == 0, f"{name} line {number}: rule inside an unclosed block"
    assert depth == 0, f"{name} ends inside an unclosed block"
