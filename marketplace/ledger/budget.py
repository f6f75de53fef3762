"""A community's issuance budget: the most points that may be in circulation there.

Staff of the community see it and what is used; administrators set and raise it (the
``Account.budget`` of the issuance account, checked by every award in ``posting.debit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.errors import DomainError, Forbidden
from marketplace.i18n import _
from marketplace.ledger import service
from marketplace.principal import Principal

BUDGET_MAX = 100_000_000


@dataclass(frozen=True)
class Usage:
    budget: int | None  # None: no limit
    used: int  # points in circulation: issued minus returned

    @property
    def left(self) -> int | None:
        return None if self.budget is None else self.budget - self.used


async def _usage(community_id: int) -> Usage:
    account = await service.issuance_account(community_id)
    return Usage(budget=account["budget"], used=-int(account["balance"]))


async def usage(actor: Principal, community_id: int) -> Usage:
    service.require_staff(actor, community_id)
    return await _usage(community_id)


def require_admin(actor: Principal) -> None:
    """A community's staff cannot raise their own budget."""
    if not actor.is_admin:
        raise Forbidden(_("Only administrators set a community's points budget."))


async def set_budget(actor: Principal, community_id: int, budget: int | None) -> None:
    """For administrators. A budget below what is already in circulation would stop every
    award: refused."""
    require_admin(actor)
    if budget is not None:
        if not 0 <= budget <= BUDGET_MAX:
            raise DomainError(_("The budget must be between 0 and %(n)s.", n=BUDGET_MAX),
                              "budget")
        used = (await _usage(community_id)).used
        if budget < used:
            raise DomainError(_("%(n)s points are already in circulation: the budget "
                                "cannot be lower.", n=used), "budget")
    await service.set_budget(community_id, budget, actor_id=actor.user_id)
