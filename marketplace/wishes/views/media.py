"""A wish's photos (served only to people who may see the wish) and its printable notice
for the community notice board: title, points, grid and a QR code to the wish's page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

from marketplace.web import auth
from marketplace.web.params import PathId
from marketplace.web.qr import qr_svg
from marketplace.web.render import absolute_url, page
from marketplace.web.request import AppRequest
from marketplace.wishes import detail, service, uploads


class WishMediaController(Controller):
    path = "/wishes"
    include_in_schema = False  # HTML pages; the API is documented in the schema
    opt = {auth.GUARD: auth.login_required}

    @get("/{wish_id:int}/photo/{which:str}", name="wish_photo", opt={"uncompressed": True})
    async def photo(self, request: AppRequest, wish_id: PathId,
                    which: FromPath[str]) -> File:
        return await _photo(request, wish_id, which, small=False)

    @get("/{wish_id:int}/photo/{which:str}/small", name="wish_photo_small",
         opt={"uncompressed": True})
    async def photo_small(self, request: AppRequest, wish_id: PathId,
                          which: FromPath[str]) -> File:
        """The copy for lists (a few tens of KB)."""
        return await _photo(request, wish_id, which, small=True)

    @get("/{wish_id:int}/notice", name="wish_notice")
    async def notice(self, request: AppRequest, wish_id: PathId) -> Any:
        wish = await service.notice(request.principal, wish_id)
        # The QR code opens the public summary: a passer-by is not signed in.
        url = absolute_url(request, detail.public_path(wish_id))
        return page(request, "wishes/notice.html", wish=wish, url=url, qr=qr_svg(url))


async def _photo(request: AppRequest, wish_id: int, which: str, small: bool) -> File:
    name = await service.photo(request.principal, wish_id, which)
    path = uploads.path_of(name, small) if name else None
    if name is None or path is None:
        raise NotFoundException()
    # Private: the photo may show a resident's home; no shared cache may keep it.
    return File(path=path, media_type=uploads.media_type(name),
                content_disposition_type="inline", filename=path.name,
                headers={"Cache-Control": "private, max-age=3600"})
