"""The public community page (no sign-in): key figures and the honour roll (红榜).

It shows counts, clocks and the names of helpers who agreed to be listed; never a
resident's name, address or phone, and no wish titles (they can identify a household).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get

from marketplace import settings
from marketplace.reports import service
from marketplace.web.params import PathId
from marketplace.web.render import page
from marketplace.web.request import AppRequest

CSRF_COOKIE = "csrftoken"  # Litestar's CSRFConfig default, as app.py leaves it


class PublicCommunityController(Controller):
    path = "/c"

    @get("/", name="public_communities")
    async def index(self, request: AppRequest) -> Any:
        return page(request, "reports/public_index.html",
                    communities=await service.public_communities())

    @get("/{community_id:int}", name="public_community")
    async def show(self, request: AppRequest, community_id: PathId) -> Any:
        response = page(request, "reports/public.html",
                        **await service.public_page(community_id))
        if request.user is None:
            response.headers.update(cache_headers(request))
        return response  # signed in: the layout names the person, so no-store applies


def cache_headers(request: AppRequest) -> dict[str, str]:
    """Browsers (and, when no cookie is being set, shared caches) may reuse the anonymous
    page as long as the server itself does (PUBLIC_PAGE_CACHE_SECONDS). Without the CSRF
    cookie the response sets one, and a shared cache must not hand that to others."""
    seconds = settings.get().public_page_cache_seconds
    if seconds <= 0:
        return {}
    scope = "public" if CSRF_COOKIE in request.cookies else "private"
    return {"Cache-Control": f"{scope}, max-age={seconds}",
            "Vary": "HX-Request, Accept-Language, Cookie"}
