"""The public community page (no sign-in): key figures and the honour roll (红榜).

It shows counts, clocks and the names of helpers who agreed to be listed; never a
resident's name, address or phone, and no wish titles (they can identify a household).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get

from marketplace.reports import service
from marketplace.web.params import PathId
from marketplace.web.render import page
from marketplace.web.request import AppRequest


class PublicCommunityController(Controller):
    path = "/c"

    @get("/", name="public_communities")
    async def index(self, request: AppRequest) -> Any:
        return page(request, "reports/public_index.html",
                    communities=await service.public_communities())

    @get("/{community_id:int}", name="public_community")
    async def show(self, request: AppRequest, community_id: PathId) -> Any:
        return page(request, "reports/public.html", **await service.public_page(community_id))
