"""A wish's photos (served only to people who may see the wish) and its printable notice
for the community notice board: title, points, grid and a QR code to the wish's page."""

from __future__ import annotations

from typing import Any

import segno
from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

from marketplace import settings
from marketplace.web import auth
from marketplace.web.params import PathId
from marketplace.web.render import page
from marketplace.wishes import core, uploads
from marketplace.wishes.tables import Wish

PHOTO_COLUMNS = {"wish": "photo", "fulfil": "fulfil_photo"}


def absolute_url(request: Request, path: str) -> str:
    base = settings.get().public_url or str(request.base_url).rstrip("/")
    return base + path


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no style attributes, so the strict CSP allows it)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True,
                                                 title=url)


class WishMediaController(Controller):
    path = "/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    guards = [auth.login_required]

    @get("/{wish_id:int}/photo/{which:str}", name="wish_photo")
    async def photo(self, request: Request, wish_id: PathId,
                    which: FromPath[str]) -> File:
        me = auth.require_user(request)
        wish, _roles = await core.visible(me, wish_id)
        name = wish.get(PHOTO_COLUMNS.get(which, ""), "")
        path = uploads.path_of(name) if name else None
        if path is None:
            raise NotFoundException()
        # Private: the photo may show a resident's home; no shared cache may keep it.
        return File(path=path, media_type=uploads.media_type(name),
                    content_disposition_type="inline", filename=name,
                    headers={"Cache-Control": "private, max-age=3600"})

    @get("/{wish_id:int}/notice", name="wish_notice")
    async def notice(self, request: Request, wish_id: PathId) -> Any:
        me = auth.require_user(request)
        await core.visible(me, wish_id)
        # Only what a passer-by may read: no name, phone, address or building.
        wish = await Wish.select(Wish.id, Wish.title, Wish.points, Wish.status,
                                 Wish.team_size, Wish.grid.name, Wish.category.name).where(
            Wish.id == wish_id).first()
        url = absolute_url(request, f"/wishes/{wish_id}")
        return page(request, "wishes/notice.html", wish=wish, url=url, qr=qr_svg(url))
