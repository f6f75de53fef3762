"""create_app(): wires routes, middleware, templates, error pages and the database pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from marketplace import db, settings
from marketplace.settings import ROOT
from marketplace.web import errors, routes
from marketplace.web.auth import auth_middleware
from marketplace.web.security import add_security_headers
from marketplace.web.templating import configure_jinja


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    async with db.lifespan_pool(), routes.background_tasks():
        yield


def create_app(**overrides: Any) -> Litestar:
    cfg = settings.get()
    return Litestar(
        route_handlers=[
            *routes.handlers(),
            create_static_files_router(
                path="/static", directories=[ROOT / "static"], name="static",
                cache_control=None, include_in_schema=False,
            ),
        ],
        middleware=[auth_middleware],
        before_send=[add_security_headers],
        csrf_config=CSRFConfig(
            secret=cfg.secret_key,
            cookie_secure=cfg.cookie_secure,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=["/static/"],
        ),
        template_config=TemplateConfig(
            directory=Path(ROOT / "templates"),
            engine=JinjaTemplateEngine,
            engine_callback=configure_jinja,
        ),
        exception_handlers=errors.HANDLERS,
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="Micro-wish marketplace API", version="1.0.0", path="/api/schema",
        ),
        debug=False,
        **overrides,
    )

