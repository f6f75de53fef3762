"""Adding the site to a phone's home screen: the service worker (at the site's root, so
its scope is the whole site) and the page it shows when the network drops.

The manifest and icons are static files (static/manifest.webmanifest, static/icons/). The
offline page is the same for everyone: rendered without the layout context (no name, no
unread count, no CSRF token, no flash taken), since the worker keeps it in the phone's
cache, which outlives who is signed in.
"""

from __future__ import annotations

from litestar import Controller, MediaType, get
from litestar.response import File, Template

from marketplace.settings import ROOT
from marketplace.web.request import AppRequest

SERVICE_WORKER = ROOT / "static" / "js" / "sw.js"


class OfflineController(Controller):
    include_in_schema = False

    @get("/sw.js", name="service_worker")
    async def service_worker(self) -> File:
        # Checked for a new version on every visit: a stale worker could keep old rules.
        return File(path=SERVICE_WORKER, media_type="text/javascript",
                    content_disposition_type="inline",
                    headers={"Cache-Control": "no-cache"})

    @get("/offline", name="offline")
    async def offline(self, request: AppRequest) -> Template:
        language = request.scope.get("state", {}).get("language", "en")
        return Template(template_name="offline.html", context={"lang": language},
                        media_type=MediaType.HTML, headers={"Cache-Control": "no-cache"})
