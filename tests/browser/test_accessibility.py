"""axe-core on every main page (tests/browser/pages.py), signed in as each role, in Chinese
and English: no serious or critical violation.

axe-core comes from the npm registry through scripts/axe.sh (run by `make test`), pinned
and sha256-checked, into the git-ignored tests/.axe/. Without it the tests skip with the
reason locally and fail in CI.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from marketplace.settings import ROOT
from tests.browser.conftest import PageFactory, visit
from tests.browser.pages import LANGUAGES, main_pages, page_id
from tests.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.layout]

AXE_DIR = ROOT / "tests" / ".axe"
BLOCKING = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    found = sorted(AXE_DIR.glob("axe-*.min.js"))
    if not found:
        reason = "axe-core is not downloaded: run `bash scripts/axe.sh` (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    # A trailing expression so evaluating the script returns a plain value, not `axe`.
    return found[-1].read_text() + "\n;true"


def _describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
                     for v in violations)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize(("role", "path"), main_pages(),
                         ids=[page_id(r, p) for r, p in main_pages()])
async def test_no_serious_accessibility_violation(
        role: str, path: str, lang: str, axe_source: str, make_page: PageFactory,
        live_server: str, cast: Cast, console_errors: list[str]) -> None:
    page = await visit(make_page, live_server, cast, role, path, lang)
    await page.evaluate(axe_source)
    violations = await page.evaluate(RUN_AXE)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"{path} as {role} ({lang}):\n{_describe(blocking)}"
    # CSP refusals and script errors show here; the 404 page's own status is expected.
    assert [e for e in console_errors if "status of 404" not in e] == []


async def test_axe_reports_an_unlabelled_field(
        axe_source: str, make_page: PageFactory, live_server: str, cast: Cast) -> None:
    """The harness itself: a field without a label is a critical violation axe must see."""
    page = await visit(make_page, live_server, cast, "anonymous", "/login", "en")
    await page.evaluate("""() => {
      const field = document.createElement("input");
      field.type = "text";
      document.querySelector("main").appendChild(field);
    }""")
    await page.evaluate(axe_source)
    violations = await page.evaluate(RUN_AXE)
    assert any(v["id"] == "label" and v["impact"] == "critical" for v in violations)
