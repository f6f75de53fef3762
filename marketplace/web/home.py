"""The front door: a landing page for visitors, a role home for signed-in people."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get

from marketplace.ledger import service as ledger
from marketplace.privacy import consents
from marketplace.rewards import service as rewards
from marketplace.web import auth
from marketplace.web.render import page
from marketplace.web.request import AppRequest
from marketplace.wishes import summary


class HomeController(Controller):
    @get("/", name="home")
    async def home(self, request: AppRequest) -> Any:
        if request.user is None:
            return page(request, "home/landing.html")
        me = request.principal
        # What waits for this person, counted, so the home page leads with it (issue 15).
        return page(request, "home/home.html",
                    balance=await ledger.balance(me.user_id),
                    counts=await summary.for_person(me),
                    staff_counts=await summary.for_staff(me),
                    active_codes=await rewards.active_code_count(me),
                    ask_honour_roll=me.is_helper
                    and await consents.honour_roll_choice(me.user_id) is None)

    @get("/health", name="health", include_in_schema=False)
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}


class StaffHubController(Controller):
    """One "Staff" entry in the navigation leads here, so the phone header stays short.
    The page is only links: the guard is all the authorisation it needs."""

    path = "/staff"
    opt = {auth.GUARD: auth.staff_required}

    @get("/", name="staff_hub")
    async def hub(self, request: AppRequest) -> Any:
        return page(request, "home/staff.html")
