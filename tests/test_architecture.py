"""The import contracts of pyproject.toml hold, and they do catch a forbidden import.

`make lint` runs lint-imports over the package; these tests prove the same check fails
when someone makes the ledger core import the web layer, or a service import a page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first, so the copy is analysed, not the installed package.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def copy_of_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "marketplace", tree / "marketplace",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_package_keeps_every_contract(copy_of_tree: Path) -> None:
    result = _lint(copy_of_tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(("module", "forbidden", "contract"), [
    ("ledger/rules.py", "marketplace.web.render", "The ledger core imports no other domain"),
    ("ledger/service.py", "marketplace.wishes.tables", "The ledger core imports no other domain"),
    ("wishes/service.py", "marketplace.web.forms", "Only pages (views*, api) import the web"),
    ("accounts/service.py", "marketplace.rewards.tables", "Accounts know nothing of wishes"),
    ("community/service.py", "marketplace.wishes.service", "No import cycles between the domain"),
])
def test_a_forbidden_import_breaks_the_lint(copy_of_tree: Path, module: str, forbidden: str,
                                            contract: str) -> None:
    path = copy_of_tree / "marketplace" / module
    original = path.read_text()
    try:
        path.write_text(original + f"\nimport {forbidden}  # the mistake under test\n")
        result = _lint(copy_of_tree)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")
              or " BROKEN (" in line]
    assert any(line.startswith(contract) for line in broken), result.stdout
