"""The app as a real uvicorn process on a free port: started, killed (SIGKILL), restarted.

For the tests and benchmarks that must cross a process boundary: fuzzing over HTTP,
crash safety, several app processes on one database, load generated from outside.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from marketplace.settings import ROOT

START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class Server:
    """One uvicorn process serving ``factory`` with the current environment (+ ``env``)."""

    def __init__(self, env: dict[str, str] | None = None,
                 factory: str = "marketplace.app:create_app", port: int | None = None,
                 log_dir: Path | None = None, workers: int = 1,
                 cwd: Path | None = None) -> None:
        self.env = {**os.environ, **(env or {})}
        self.workers = workers  # uvicorn processes sharing the port
        self.cwd = cwd or ROOT  # another checkout serves its own code (bench baselines)
        self.factory = factory
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = (log_dir or Path(self.env.get("VAR_DIR", "/tmp"))) / (
            f"server-{self.port}.log")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", self.factory, "--factory",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
                 "--no-access-log", "--workers", str(self.workers)],
                cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server did not start (exit {self.process.poll()}):\n"
                                   + self.log()[-4000:])
            time.sleep(0.05)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, open transactions are cut where they are."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@contextmanager
def running(env: dict[str, str] | None = None, **kwargs: object) -> Iterator[Server]:
    server = Server(env, **kwargs).start()  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
