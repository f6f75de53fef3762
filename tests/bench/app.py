"""The app as served, plus one bench-only page: the wish list template rendered from data
kept in memory (read once from the database). Mounted only by the benchmark's server
factory, never by the real app. Same server, same middleware, same template: the ratio of
the two pages' throughputs is what the database costs the list page.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get

from marketplace.app import create_app
from marketplace.community import service as community
from marketplace.web import auth
from marketplace.web.render import page
from marketplace.web.request import AppRequest
from marketplace.wishes import queries
from marketplace.wishes import service as wishes

_CACHE: dict[int, dict[str, Any]] = {}


@get("/bench/wishes-in-memory", guards=[auth.login_required], include_in_schema=False)
async def wishes_in_memory(request: AppRequest) -> Any:
    me = request.principal
    ctx = _CACHE.get(me.community_id)
    if ctx is None:
        f = queries.ListFilter(me.community_id, None, None, "", None)
        found = await queries.open_wishes(f)
        grids = await community.grids(me.community_id)
        cats = await wishes.categories(me.community_id)
        ctx = _CACHE[me.community_id] = {
            "rows": found.rows, "next_cursor": found.next_before, "filters": f,
            "chosen": {"grid": "", "category": ""},
            "grid_options": [(g["id"], g["name"]) for g in grids],
            "category_options": [(c["id"], c["name"]) for c in cats]}
    return page(request, "wishes/list.html", "wishes/_list.html", **ctx)


def create_bench_app() -> Litestar:
    app = create_app()
    app.register(wishes_in_memory)
    return app
