"""The main pages of the site per role, in one place: accessibility, screenshots and the
overflow check all walk this list. A new page is one line here.

``{name}`` in a path is filled from ``tests.cast.Cast.ids`` (e.g. a wish in a given state).
"""

from __future__ import annotations

MAIN_PAGES: dict[str, tuple[str, ...]] = {
    "anonymous": ("/", "/login", "/register", "/no-such-page", "/c", "/c/{community}",
                  "/forgot", "/reset", "/activate", "/privacy/requests", "/privacy"),
    "resident": (
        "/", "/wishes/", "/wishes/mine", "/wishes/new", "/wishes/{wish_pending}",
        "/wishes/{wish_done}", "/points", "/me/", "/notifications/",
        "/rewards", "/rewards/codes", "/merchant/apply", "/rewards/offers/{offer}",
        "/rewards/codes/{code_active}", "/rewards/codes/{code_redeemed}",
        "/activities/checkin", "/privacy/requests", "/privacy/contact-views", "/me/close",
    ),
    "helper": ("/", "/wishes/", "/wishes/{wish_open}", "/wishes/{wish_claimed}",
               "/wishes/mine", "/points", "/me/record", "/me/record/certificate",
               "/points/give"),
    "staff": ("/", "/staff", "/staff/wishes/", "/staff/helpers/", "/staff/points/{resident}",
              "/wishes/{wish_pending}", "/manage/", "/staff/reports", "/staff/audit",
              "/staff/merchants", "/staff/merchants/{merchant}", "/settlements/{settlement}",
              "/staff/activities/", "/staff/activities/{activity}", "/staff/care/",
              "/staff/community/office", "/staff/members/{resident}/reset-code",
              "/staff/members/", "/staff/members/{resident}", "/staff/rules/",
              "/staff/members/new", "/staff/members/{resident}/proxies",
              "/staff/privacy-requests/", "/staff/members/{resident}/contact-views",
              "/staff/reportback", "/staff/reportback/cards/{party_member}",
              "/staff/certificates", "/staff/certificates/{certificate}", "/staff/privacy/"),
    "merchant": ("/", "/merchant/", "/merchant/{merchant}", "/merchant/{merchant}/redeem",
                 "/merchant/{merchant}/offers", "/merchant/{merchant}/offers/new",
                 "/merchant/{merchant}/offers/{offer}", "/merchant/{merchant}/statement",
                 "/merchant/{merchant}/receipts/{code_redeemed}"),
    "admin": ("/manage/", "/manage/communities/{community}", "/staff/rules/", "/admin/areas",
              "/admin/calendar/"),
    "street": ("/", "/street/{street}", "/street/{street}/queue",
               "/street/{street}/communities/{community}"),
    "district": ("/district/{district}",),
}

LANGUAGES = {"zh": "zh-CN", "en": "en-US"}


def main_pages() -> list[tuple[str, str]]:
    """(role, path template) for every main page."""
    return [(role, path) for role, paths in MAIN_PAGES.items() for path in paths]


def page_id(role: str, path: str) -> str:
    slug = path.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home"
    return f"{role}-{slug}"
