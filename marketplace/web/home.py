"""The front door: a landing page for visitors, a role home for signed-in people."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get

from marketplace.web import auth
from marketplace.web.render import page
from marketplace.web.request import AppRequest


class HomeController(Controller):
    @get("/", name="home")
    async def home(self, request: AppRequest) -> Any:
        if request.user is None:
            return page(request, "home/landing.html")
        return page(request, "home/home.html")

    @get("/health", name="health", include_in_schema=False)
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}


class StaffHubController(Controller):
    """One "Staff" entry in the navigation leads here, so the phone header stays short.
    The page is only links: the guard is all the authorisation it needs."""

    path = "/staff"
    guards = [auth.staff_required]

    @get("/", name="staff_hub")
    async def hub(self, request: AppRequest) -> Any:
        return page(request, "home/staff.html")
