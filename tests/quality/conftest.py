"""Fixtures for tests that cross a process boundary: the app served by uvicorn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live import Server


@pytest.fixture(scope="session")
def app_server(database: None) -> Iterator[Server]:
    """The app in its own uvicorn process on the test database (migrated by ``database``)."""
    server = Server().start()
    try:
        yield server
    finally:
        server.stop()
