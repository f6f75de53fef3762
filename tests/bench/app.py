"""The reference for the wish list benchmark: bare Litestar with a Jinja template engine
and nothing else (no middleware, no database, no session), serving through one template
the very bytes the real wish list answered. The benchmark captures those bytes into the
file named by BENCH_BARE_PAGE and serves this app in its own uvicorn process, in the same
run: the ratio of the two throughputs is what the app's own work costs, against what the
stack itself can do.
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, MediaType, get
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig


def write_page(body: str, path: Path) -> None:
    """The captured page as a template that renders to exactly those bytes."""
    path.write_text("{% raw %}" + body + "{% endraw %}", encoding="utf-8")


def create_bare_app() -> Litestar:
    page = Path(os.environ["BENCH_BARE_PAGE"])

    @get("/", media_type=MediaType.HTML, sync_to_thread=False)
    def wish_list() -> Template:
        return Template(template_name=page.name)

    # Server.start waits for /health; the load generator's clients fetch /login first
    # (for the CSRF cookie of the real app).
    @get("/health", media_type=MediaType.TEXT, sync_to_thread=False)
    def health() -> str:
        return "ok"

    @get("/login", media_type=MediaType.TEXT, sync_to_thread=False)
    def login() -> str:
        return ""

    def no_reload(engine: JinjaTemplateEngine) -> None:
        engine.engine.auto_reload = False  # as the real app runs (web/templating.py)

    return Litestar([wish_list, health, login], template_config=TemplateConfig(
        directory=page.parent, engine=JinjaTemplateEngine, engine_callback=no_reload))
