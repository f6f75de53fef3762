"""What the Me page shows of contact views and privacy requests. Apart from the other
pages of this package: the Me page (accounts) must not reach the wishes domain, so the
records here carry the wish's number, not its title."""

from __future__ import annotations

from typing import Any

from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.privacy import access, requests


async def contact_views(actor: Principal, resident_id: int, before: int | None = None,
                        url: str = "/privacy/contact-views") -> dict[str, Any]:
    """What ``privacy/_contact_views.html`` needs: one page of records, labelled."""
    found = await access.seen(actor, resident_id, before)
    for row in found.rows:
        row["role_label"] = _(access.ROLES.get(row["viewer_role"], row["viewer_role"]))
        row["context_label"] = _(access.CONTEXTS.get(row["context"], row["context"]))
        row["fields_label"] = ", ".join(_(access.FIELDS[f]) for f in row["fields"].split(",")
                                        if f in access.FIELDS)
        row["wish_title"] = ""
    return {"views": found.rows, "views_next": found.next_before, "views_url": url}


async def me_access(actor: Principal) -> dict[str, Any]:
    """Who saw my contact details (the first page), and my requests still open."""
    return {**await contact_views(actor, actor.user_id),
            "requests_open": await requests.open_count(actor)}
