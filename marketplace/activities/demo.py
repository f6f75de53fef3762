"""Demo activity (today, so the check-in code works on a first look) and a resident in need."""

from __future__ import annotations

from marketplace import clock
from marketplace.accounts import sessions
from marketplace.activities import service
from marketplace.care import service as care
from marketplace.i18n import current_language


async def load(community_id: int, ids: dict[str, int]) -> None:
    staff = await sessions.load_principal(ids["staff"])
    evening = clock.day_start(clock.today()).replace(hour=19)
    await service.create(staff, community_id, "夜间巡逻", "北门",
                         evening, 6, 10)
    # The consent record keeps its purpose as written, in the language of the staff member
    # who recorded it: the demo's staff work in Chinese, not in the CLI's default English.
    token = current_language.set("zh")
    try:
        await care.mark_in_need(staff, ids["resident"], "独居老人，退休金低", category="alone",
                                consent="self")
    finally:
        current_language.reset(token)
