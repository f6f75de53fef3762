"""All configuration, read once from the environment with safe defaults.

Nothing else in the package reads ``os.environ``: tests and the CLI change behaviour
only by setting variables before the first import of this module.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """Configuration that would make the app unsafe or unable to start."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    secret_key: str
    host: str
    port: int
    cookie_secure: bool
    default_language: str
    var_dir: Path
    upload_dir: Path
    upload_max_bytes: int
    public_url: str
    password_profile: str
    session_idle_minutes: int
    session_absolute_hours: int
    login_max_failures: int
    login_window_minutes: int
    tick_seconds: int
    code_minutes: int = 10
    reset_code_hours: int = 24
    public_page_cache_seconds: int = 60
    rollup_cache_seconds: int = 60
    forwarded_allow_ips: str = "127.0.0.1"
    template_reload: bool = False
    allowed_hosts: tuple[str, ...] = ()
    access_log: bool = False  # ACCESS_LOG=1: a line per request (off: quieter first run)
    # "Download my data": up to this many rows it is made at once, above it in the
    # background; the background file is kept this many days.
    export_inline_rows: int = 5000
    export_keep_days: int = 7
    contact_view_months: int = 13  # who saw a resident's contact: kept this long (≥ 6)
    database_pool_size: int = 4  # PostgreSQL connections per process, at most

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        if self.is_postgres:
            raise SettingsError("sqlite_path asked of a PostgreSQL configuration")
        raw = self.database_url.removeprefix("sqlite:///")
        return Path(raw) if os.path.isabs(raw) else ROOT / raw


def _secret_key(env: str, var_dir: Path) -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters long.")
        return key
    if env == "production":
        raise SettingsError(
            "SECRET_KEY is not set. In production the secret key must come from the "
            "environment, e.g. SECRET_KEY=$(python -c "
            "'import secrets; print(secrets.token_urlsafe(48))')"
        )
    # Development: one generated key kept under var/ so sessions survive restarts.
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _public_url() -> str:
    url = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SettingsError(
                f"PUBLIC_URL must be an http:// or https:// address, e.g. "
                f"https://wish.example.org (got {url!r}).")
    return url


def _allowed_hosts(env: str, public_url: str) -> tuple[str, ...]:
    """The Host headers the app answers (``ALLOWED_HOSTS``, comma-separated; ``*.`` in
    front allows subdomains). In production it defaults to PUBLIC_URL's host, and one of
    the two must be set: links in QR codes must not be built from a forged Host."""
    raw = os.environ.get("ALLOWED_HOSTS", "")
    hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
    for host in hosts:
        if host != "*" and "*" in host.removeprefix("*."):
            raise SettingsError(
                f"ALLOWED_HOSTS: a * may only start a name, as in *.example.org (got {host!r}).")
    if hosts or env != "production":
        return hosts
    if not public_url:
        raise SettingsError(
            "In production set PUBLIC_URL (e.g. https://wish.example.org) or ALLOWED_HOSTS: "
            "the site must know its own address and refuse other Host headers.")
    return (urlsplit(public_url).netloc.rsplit("@", 1)[-1].lower(),)


# Cybersecurity Law Art. 21: network logs are kept at least six months.
CONTACT_VIEW_MONTHS_MIN = 6


def _contact_view_months() -> int:
    months = _int("CONTACT_VIEW_MONTHS", 13)
    if not CONTACT_VIEW_MONTHS_MIN <= months <= 1200:
        raise SettingsError(
            f"CONTACT_VIEW_MONTHS must be at least {CONTACT_VIEW_MONTHS_MIN} (the law asks "
            f"to keep access records six months or more), got {months}.")
    return months


def load() -> Settings:
    env = os.environ.get("MARKETPLACE_ENV", "development").strip().lower()
    if env not in {"development", "production", "test"}:
        raise SettingsError("MARKETPLACE_ENV must be development, production or test.")
    var_dir = Path(os.environ.get("VAR_DIR", str(ROOT / "var")))
    default_url = f"sqlite:///{var_dir / 'marketplace.sqlite3'}"
    database_url = os.environ.get("DATABASE_URL", "") or default_url
    if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise SettingsError(
            "DATABASE_URL must start with sqlite:/// or postgres:// (got "
            f"{database_url.split(':', 1)[0]}://…)."
        )
    language = os.environ.get("DEFAULT_LANGUAGE", "zh")
    if language not in {"zh", "en"}:
        raise SettingsError("DEFAULT_LANGUAGE must be zh or en.")
    profile = os.environ.get("PASSWORD_PROFILE", "owasp")
    if profile not in {"owasp", "fast"}:
        raise SettingsError("PASSWORD_PROFILE must be owasp or fast.")
    if profile == "fast" and env == "production":
        raise SettingsError("PASSWORD_PROFILE=fast is for tests only, not production.")
    secret_key = _secret_key(env, var_dir)
    public_url = _public_url()
    return Settings(
        env=env,
        database_url=database_url,
        secret_key=secret_key,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=_int("PORT", 8000),
        cookie_secure=_bool(os.environ.get("COOKIE_SECURE"), env == "production"),
        default_language=language,
        var_dir=var_dir,
        upload_dir=Path(os.environ.get("UPLOAD_DIR", str(var_dir / "uploads"))),
        upload_max_bytes=_int("UPLOAD_MAX_MB", 20) * 1024 * 1024,
        # Where people reach the site (for QR codes on printed notices); empty: the
        # address of the request that printed it.
        public_url=public_url,
        password_profile=profile,
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 120),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 24 * 7),
        login_max_failures=_int("LOGIN_MAX_FAILURES", 5),
        login_window_minutes=_int("LOGIN_WINDOW_MINUTES", 15),
        tick_seconds=_int("TICK_SECONDS", 60),
        access_log=_bool(os.environ.get("ACCESS_LOG"), False),
        # How long a points-exchange code stays valid after "Get code".
        code_minutes=_int("CODE_MINUTES", 10),
        # How long a password reset code that staff issue stays valid.
        reset_code_hours=_int("RESET_CODE_HOURS", 24),
        # How long each process reuses the public community page's figures; 0: never.
        public_page_cache_seconds=_int("PUBLIC_PAGE_CACHE_SECONDS", 60),
        # How long each process reuses a street's or district's roll-up figures; 0: never.
        rollup_cache_seconds=_int("ROLLUP_CACHE_SECONDS", 60),
        # The proxies whose X-Forwarded-For/-Proto the server believes.
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # Templates ship with the code; "1" re-reads changed templates (template work).
        template_reload=os.environ.get("TEMPLATE_RELOAD") == "1",
        allowed_hosts=_allowed_hosts(env, public_url),
        export_inline_rows=_int("EXPORT_INLINE_ROWS", 5000),
        export_keep_days=_int("EXPORT_KEEP_DAYS", 7),
        contact_view_months=_contact_view_months(),
        # PostgreSQL connections each process opens at start (README "Configuration").
        database_pool_size=max(2, _int("DATABASE_POOL_SIZE", 4)),
    )


def admin_password() -> str | None:
    """``ADMIN_PASSWORD`` for ``marketplace create-admin`` without a prompt (scripts).
    Read when asked, not kept in Settings: a secret should live no longer than its use."""
    return os.environ.get("ADMIN_PASSWORD") or None


_settings: Settings | None = None


def get() -> Settings:
    global _settings
    if _settings is None:
        _settings = load()
    return _settings
