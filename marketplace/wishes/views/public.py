"""The page a printed notice's QR code opens: a wish's public summary, no sign-in needed,
with the way to sign in (or register) and claim it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import FromPath

from marketplace.web.params import PathId
from marketplace.web.render import page
from marketplace.web.request import AppRequest
from marketplace.wishes import detail


class PublicWishController(Controller):
    path = "/w"
    include_in_schema = False

    @get("/{wish_id:int}/{signature:str}", name="wish_public")
    async def show(self, request: AppRequest, wish_id: PathId,
                   signature: FromPath[str]) -> Any:
        wish = await detail.public(wish_id, signature)
        full = f"/wishes/{wish_id}"
        return page(request, "wishes/public.html", wish=wish, full=full,
                    sign_in="/login?" + urlencode({"next": full}),
                    register="/register?" + urlencode({"community": wish["community"],
                                                       "next": full}))
