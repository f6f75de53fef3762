"""A wish's photos (served only to people who may see the wish) and its printable notice
for the community notice board: title, points, grid and a QR code to the wish's page."""

from __future__ import annotations

from typing import Any

import segno
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

from marketplace.web import auth
from marketplace.web.params import PathId
from marketplace.web.render import absolute_url, page
from marketplace.web.request import AppRequest
from marketplace.wishes import service, uploads


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no style attributes, so the strict CSP allows it)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True,
                                                 title=url)


class WishMediaController(Controller):
    path = "/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    guards = [auth.login_required]

    @get("/{wish_id:int}/photo/{which:str}", name="wish_photo", opt={"uncompressed": True})
    async def photo(self, request: AppRequest, wish_id: PathId,
                    which: FromPath[str]) -> File:
        name = await service.photo(request.principal, wish_id, which)
        path = uploads.path_of(name) if name else None
        if name is None or path is None:
            raise NotFoundException()
        # Private: the photo may show a resident's home; no shared cache may keep it.
        return File(path=path, media_type=uploads.media_type(name),
                    content_disposition_type="inline", filename=name,
                    headers={"Cache-Control": "private, max-age=3600"})

    @get("/{wish_id:int}/notice", name="wish_notice")
    async def notice(self, request: AppRequest, wish_id: PathId) -> Any:
        wish = await service.notice(request.principal, wish_id)
        url = absolute_url(request, f"/wishes/{wish_id}")
        return page(request, "wishes/notice.html", wish=wish, url=url, qr=qr_svg(url))
