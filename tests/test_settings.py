"""Configuration refuses unsafe production set-ups with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace import settings


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(MARKETPLACE_ENV="production", VAR_DIR=str(tmp_path), PASSWORD_PROFILE="owasp")
    result = subprocess.run([sys.executable, "-m", "marketplace.cli", "migrate"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("MARKETPLACE_ENV", "development")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    first = settings.load().secret_key
    assert (tmp_path / "secret_key").read_text() == first
    assert settings.load().secret_key == first and len(first) >= 32


def test_bad_values_are_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(settings.SettingsError, match="PORT must be a whole number"):
        settings.load()
    monkeypatch.setenv("PORT", "8000")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(settings.SettingsError, match="DATABASE_URL"):
        settings.load()


def test_database_pool_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    assert settings.load().database_pool_size == 4
    monkeypatch.setenv("DATABASE_POOL_SIZE", "12")
    assert settings.load().database_pool_size == 12
    monkeypatch.setenv("DATABASE_POOL_SIZE", "1")  # a request and its transaction need two
    assert settings.load().database_pool_size == 2
