"""Pages: "Download my data" on Me, the same for staff of a staff-managed resident, and
the download of an export made in the background."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post

from marketplace.i18n import _
from marketplace.mydata import export
from marketplace.privacy import exports
from marketplace.web import auth
from marketplace.web.params import PathId
from marketplace.web.render import redirect, zip_download
from marketplace.web.request import AppRequest


async def _export(request: AppRequest, user_id: int, back: str) -> Any:
    # Everything (who asks, whose data, the whole file) is done before the answer starts.
    made = await export.make(request.principal, user_id)
    if made.body is not None:
        return zip_download(export.file_name(user_id), made.body)
    return redirect(request, back, _("There is a lot of data, so the file is being "
                                     "prepared. Come back to this page in a few minutes to "
                                     "download it."), "info")


class MyDataController(Controller):
    opt = {auth.GUARD: auth.login_required}

    @post("/me/data/export", name="my_data_export", status_code=200,
          opt={"uncompressed": True})
    async def mine(self, request: AppRequest) -> Any:
        return await _export(request, request.principal.user_id, "/me#my-data")

    @post("/staff/members/{user_id:int}/data-export", name="member_data_export",
          status_code=200, opt={auth.GUARD: auth.staff_required, "uncompressed": True})
    async def member(self, request: AppRequest, user_id: PathId) -> Any:
        return await _export(request, user_id, f"/staff/members/{user_id}#data")

    @get("/data-exports/{job_id:int}", name="data_export_download",
         opt={"uncompressed": True})  # a ZIP is compressed already
    async def download(self, request: AppRequest, job_id: PathId) -> Any:
        """A file the timer made: for the person it is about (or their staff) only."""
        path, user_id = await exports.download(request.principal, job_id)
        return zip_download(export.file_name(user_id), path)
