"""The person picker of staff forms (``forms.person_picker``): what the form posts names
one person, or comes back with the people to choose from. Kept apart from the member
pages so that any page may use it without importing them."""

from __future__ import annotations

from typing import Any

from marketplace.accounts import members
from marketplace.errors import DomainError
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.web.forms import Form
from marketplace.wishes import queries as wish_queries


async def with_claims(choices: list[dict[str, Any]], helpers_only: bool
                      ) -> list[dict[str, Any]]:
    """Each helper's open claims, for the helper picker."""
    if helpers_only:
        counts = await wish_queries.open_claim_counts([int(c["id"]) for c in choices])
        for choice in choices:
            choice["open_claims"] = counts.get(int(choice["id"]), 0)
    return choices


async def picked(form: Form, actor: Principal, community_id: int | None, *,
                 helpers_only: bool = False, among: tuple[int, ...] | None = None) -> int:
    """The person a form's picker names (see ``members.resolve``; ``among``: communities
    the service authorised, e.g. a street's for its staff)."""
    try:
        chosen = form.id("person_id", required=False, label=_("Person"))
    except DomainError as exc:  # shown at the picker's input: the radios have no error slot
        raise DomainError(exc.message, "person") from exc
    return await members.resolve(actor, community_id, form.str("person", max_length=64),
                                 chosen, helpers_only=helpers_only, among=among)


async def picker_context(exc: Exception, helpers_only: bool = False) -> dict[str, Any]:
    """What a form re-rendered after a refused pick needs: the people to choose from."""
    choices = exc.choices if isinstance(exc, members.Ambiguous) else []
    return {"picker_choices": await with_claims(choices, helpers_only),
            "picker_helpers": helpers_only}
