"""Printing (issue 15): each printable page names its paper, so Chromium's PDF of it has
that size and page count. The certificate is one A4 sheet, the settlement statement and
the dashboard A4, the board notice one A5 sheet; any other page keeps the printer's paper
(no global @page)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PageFactory, visit
from tests.browser.pages import LANGUAGES
from tests.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.layout]

# Paper in PostScript points (1/72 inch), portrait; Chromium rounds to whole points or so.
A4, A5, LETTER = (595.3, 841.9), (419.5, 595.3), (612.0, 792.0)
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]")
PAGE = re.compile(rb"/Type\s*/Page\b")


def pages_of(pdf: bytes) -> list[tuple[float, float]]:
    """The size of every page of a PDF that Chromium wrote (one MediaBox per page)."""
    sizes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]
    assert len(sizes) == len(PAGE.findall(pdf)), "a page without its own size"
    return sizes


def is_paper(size: tuple[float, float], paper: tuple[float, float]) -> bool:
    return all(abs(a - b) < 2 for a, b in zip(size, paper, strict=True))


async def printed(make_page: PageFactory, live_server: str, cast: Cast, role: str,
                  path: str, lang: str) -> list[tuple[float, float]]:
    page = await visit(make_page, live_server, cast, role, path, lang)
    await page.emulate_media(media="print")
    # The paper the page does not name is Letter here, so A4 or A5 can only come from CSS.
    pdf = await page.pdf(format="Letter", prefer_css_page_size=True, print_background=True)
    return pages_of(pdf)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize(("role", "path", "paper", "most"), [
    ("helper", "/me/record/certificate", A4, 1),
    ("resident", "/wishes/{wish_open}/notice", A5, 1),
    ("staff", "/settlements/{settlement}", A4, 2),
    ("staff", "/staff/reports", A4, 12),
    ("staff", "/staff/certificates/{certificate}", A4, 1),
    ("staff", "/staff/reportback/cards/{party_member}?period=2026-Q3", A4, 1),
    ("staff", "/staff/reportback/print?period=2026", A4, 1),
], ids=["certificate", "notice", "settlement", "dashboard", "statutory-certificate",
        "service-card", "service-cards-batch"])
async def test_printable_pages_print_on_their_paper(
        role: str, path: str, paper: tuple[float, float], most: int, lang: str,
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    sizes = await printed(make_page, live_server, cast, role, path, lang)
    assert 1 <= len(sizes) <= most, f"{path} ({lang}) printed on {len(sizes)} pages"
    assert all(is_paper(size, paper) for size in sizes), f"{path} ({lang}): {sizes}"


async def test_other_pages_keep_the_printers_paper(
        make_page: PageFactory, live_server: str, cast: Cast) -> None:
    sizes = await printed(make_page, live_server, cast, "resident", "/points", "en")
    assert sizes and all(is_paper(size, LETTER) for size in sizes), sizes
