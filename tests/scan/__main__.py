"""`make scan`: an off-the-shelf scanner (wapiti, Debian's package) against the demo site.

Serves a fresh demo database on a free local port, signs in as a resident and as staff,
and lets wapiti crawl and attack what each of them can reach with its injection (sql,
blindsql), XSS (reflected and stored), CRLF, open-redirect, file and exec modules. Fails
on any vulnerability or server error (an "Internal Server Error" anomaly) it reports.

Its own CSRF module is not run: it does not know the ``_csrf_token`` field name and would
report every form; the project's CSRF tests cover that. Time is bounded per scan
(SCAN_SECONDS bounds the crawl, default 60) so `make test` stays inside its budget.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

MODULES = "sql,blindsql,xss,permanentxss,crlf,redirect,file,exec"
ROLES = ("resident", "staff")
DEMO_PASSWORD = "demo-pass-2026"
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit("scan: the server exited before it answered")
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("scan: the server did not answer /health")


def _sign_in(base: str, login: str) -> dict[str, str]:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        page = client.get("/login").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF field on the sign-in page"
        answer = client.post("/login", data={"login": login, "password": DEMO_PASSWORD,
                                             "next": "/", "_csrf_token": token.group(1)})
        if answer.status_code != 303 or "sid" not in client.cookies:
            raise SystemExit(f"scan: could not sign in as {login} ({answer.status_code})")
        return dict(client.cookies.items())


def _cookie_file(cookies: dict[str, str], path: Path) -> None:
    """wapiti's JSON cookie jar: domain → path → name → attributes."""
    jar = {name: {"value": value, "version": 0, "expires": None, "secure": False,
                  "port": None} for name, value in cookies.items()}
    path.write_text(json.dumps({"127.0.0.1": {"/": jar}}))


def _findings(report: Path) -> list[str]:
    data = json.loads(report.read_text())
    found = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in data.get(section, {}).items():
            for item in items:
                found.append(f"{section}: {category}: {item.get('method')} {item.get('path')} "
                             f"{item.get('parameter', '')} — {item.get('info', '')}")
    return found


def _scan(base: str, role: str, work: Path, seconds: int) -> list[str]:
    cookies = work / f"{role}-cookies.json"
    _cookie_file(_sign_in(base, role), cookies)
    report = work / f"{role}-report.json"
    command = [
        # Debian's interpreter, which has wapiti's modules; through the launcher for -x.
        "/usr/bin/python3", str(Path(__file__).with_name("wapiti_launcher.py")),
        "-u", base + "/", "--scope", "folder", "-m", MODULES, "-c", str(cookies),
        # Signing out would end the scan's session; switching language only flips a cookie.
        "-x", base + "/logout", "-x", base + "/language",
        # Bounds that keep `make test` in its budget. wapiti checks its time limits between
        # pages, so a scan overruns them by the attack on the last page it started.
        "-d", "2", "--max-links-per-page", "10", "--max-scan-time", str(seconds),
        "--max-attack-time", str(max(5, seconds // 8)), "--flush-session",
        "--store-session", str(work / f"{role}-session"),
        "-f", "json", "-o", str(report), "-v", "0",
    ]
    print(f"scan: {role}: {' '.join(command[:9])} … (at most {seconds} s)", flush=True)
    started = time.monotonic()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, timeout=seconds * 15)
    print(f"scan: {role}: {time.monotonic() - started:.0f} s", flush=True)
    if not report.exists():
        return [f"{role}: wapiti wrote no report"]
    return [f"{role}: {line}" for line in _findings(report)]


def main() -> int:
    if shutil.which("wapiti") is None:
        if os.environ.get("CI") == "true":
            print("scan: wapiti is not installed (apt-get install wapiti)", file=sys.stderr)
            return 1
        print("SKIPPED: the wapiti scan (not installed here: apt-get install wapiti)")
        return 0
    seconds = int(os.environ.get("SCAN_SECONDS", "60"))
    with tempfile.TemporaryDirectory(prefix="scan-") as tmp:
        work = Path(tmp)
        port = _free_port()
        env = {**os.environ, "VAR_DIR": str(work / "var"), "DATABASE_URL": "",
               "MARKETPLACE_ENV": "development", "SECRET_KEY": "scan-" + "x" * 40,
               "TICK_SECONDS": "0", "PASSWORD_PROFILE": "fast"}
        marketplace = str(BIN / "marketplace")
        subprocess.run([marketplace, "migrate"], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        subprocess.run([marketplace, "demo"], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        server = subprocess.Popen([marketplace, "serve", "--port", str(port)], env=env,
                                  cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=open(work / "server.log", "wb"))  # noqa: SIM115
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server)
            findings = [f for role in ROLES for f in _scan(base, role, work, seconds)]
        finally:
            server.terminate()
            server.wait(timeout=30)
        errors = [line for line in (work / "server.log").read_text(errors="replace")
                  .splitlines() if "Traceback" in line or " 500 " in line]
    if findings or errors:
        print("scan: FAILED", *findings, *errors[:20], sep="\n  ", file=sys.stderr)
        return 1
    print(f"scan: no vulnerability and no server error reported ({', '.join(ROLES)}; "
          f"modules {MODULES})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
