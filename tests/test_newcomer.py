"""The first minutes of a newcomer (issue 15): `make run` says the address it really serves,
migrations say one line, no access log unless asked, the printed demo logins include those
the README uses."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from marketplace import cli, demo, settings


def test_serve_prints_the_address_it_serves_and_keeps_the_access_log_off(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    seen: dict[str, Any] = {}
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    cli.serve("127.0.0.1", 8123, 1)
    assert "Serving at http://127.0.0.1:8123" in capsys.readouterr().out
    assert seen["port"] == 8123 and seen["access_log"] is False


def test_access_log_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCESS_LOG", "1")
    assert settings.load().access_log is True


def test_migrations_say_one_line_on_a_fresh_database(tmp_path: Path) -> None:
    env = {**os.environ, "VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    result = subprocess.run([sys.executable, "-m", "marketplace.cli", "migrate"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == [result.stdout.strip()]
    assert result.stdout.startswith("Migrations: ") and "applied" in result.stdout


def test_the_printed_demo_logins_include_the_readmes_helpers() -> None:
    text = demo.logins_text()
    assert "helper2" in text and "helper3" in text and "resident" in text


def test_pyproject_license_is_an_spdx_string() -> None:
    project = tomllib.loads((Path(settings.ROOT) / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
