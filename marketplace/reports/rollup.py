"""Roll-ups for street and district staff: the dashboard's figures for many communities at
once, per community and in total.

Set-based: each family of figures is one query grouped by community and bounded by the
period (never a loop of per-community dashboards). What a figure means is the
dashboard's: wishes by status count wishes posted in the period; the closed-loop clock
is the dashboard's (``stages``, claim and fulfil); points issued
and redeemed are transfers made in the period, outstanding is the balance now; active
helpers took a wish in the period.

Two rates the district follows (双报到):
- report-in: verified on-the-job party-member helpers of the area ÷ the party members the
  district's work units declare (``WorkUnit.party_members``); None when none declared;
- completion: of the wishes posted in the period and approved, the share fulfilled
  (fulfilled, disputed or confirmed now); and the share of reported members whose
  confirmed wish hours in the year reach the district's ``yearly_target_hours``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marketplace import db
from marketplace.community.tables import Community
from marketplace.ledger import rules as ledger_rules
from marketplace.reports import figures, stages

CLOCK_STAGES = ("claim", "fulfil")
NOT_APPROVED = ("pending", "rejected")
FULFILLED = ("fulfilled", "disputed", "confirmed")


@dataclass
class Figures:
    """One community's figures, or a sum of several (a street, the total)."""

    name: str
    community_id: int | None = None
    street_id: int | None = None  # a street's subtotal in a district's roll-up
    status: dict[str, int] = field(default_factory=dict)
    street_escalated: int = 0  # wishes posted in the period that went to the street
    samples: dict[str, list[float]] = field(
        default_factory=lambda: {s: [] for s in CLOCK_STAGES})
    issued: int = 0
    redeemed: int = 0
    outstanding: int = 0
    helpers: int = 0  # a helper active in two communities counts in each
    reported: int = 0  # verified party-member helpers
    meeting_target: int = 0  # of them, with the year's target hours reached

    @property
    def posted(self) -> int:
        return sum(self.status.values())

    @property
    def approved(self) -> int:
        return self.posted - sum(self.status.get(s, 0) for s in NOT_APPROVED)

    @property
    def fulfilled(self) -> int:
        return sum(self.status.get(s, 0) for s in FULFILLED)

    @property
    def completion(self) -> float | None:
        return self.fulfilled / self.approved if self.approved else None

    def stages(self) -> dict[str, figures.StageSummary]:
        return {s.stage: s for s in stages.summaries(self.samples) if s.stage in self.samples}

    def target_share(self) -> float | None:
        return self.meeting_target / self.reported if self.reported else None

    def report_in(self, declared: int) -> float | None:
        return self.reported / declared if declared > 0 else None


def combine(name: str, parts: Iterable[Figures], street_id: int | None = None) -> Figures:
    """The figures of several communities together: counts add up, the clock's samples
    are pooled (a median of medians would be another figure)."""
    out = Figures(name, street_id=street_id)
    for p in parts:
        for status, n in p.status.items():
            out.status[status] = out.status.get(status, 0) + n
        for stage, values in p.samples.items():
            out.samples[stage].extend(values)
        out.street_escalated += p.street_escalated
        out.issued += p.issued
        out.redeemed += p.redeemed
        out.outstanding += p.outstanding
        out.helpers += p.helpers
        out.reported += p.reported
        out.meeting_target += p.meeting_target
    return out


async def _sql(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await Community.raw(sql, *args)


STATUS_SQL = """
SELECT community, status, COUNT(*) AS n, COUNT(street_escalated_at) AS street
FROM wish WHERE community IN ({ids}) AND created_at >= {{}} AND created_at < {{}}
GROUP BY community, status"""

# Issued: from the communities' issuance accounts, found by key (the dashboard tells
# issuance by the account's id too, not by joining every transfer to its accounts).
TRANSFERS_SQL = """
SELECT community,
       SUM(CASE WHEN debit IN (SELECT id FROM ledger_account WHERE key IN ({keys}))
           THEN amount ELSE 0 END) AS issued,
       SUM(CASE WHEN kind = 'redeem' THEN amount ELSE 0 END) AS redeemed
FROM ledger_transfer
WHERE community IN ({ids}) AND created_at >= {{}} AND created_at < {{}}
GROUP BY community"""

BALANCES_SQL = """
SELECT community, SUM(balance) AS outstanding FROM ledger_account
WHERE kind = '{person}' AND community IN ({ids}) GROUP BY community"""

# The claim carries its wish's community: the index on (community, joined_at, helper)
# alone, where joining the claims to their wishes read every claim of the county in the
# period (a street's six months: 5.7 → 0.8 ms on the county).
HELPERS_SQL = """
SELECT c.community, COUNT(DISTINCT c.helper) AS n
FROM wish_claim c
WHERE c.community IN ({ids}) AND c.joined_at >= {{}} AND c.joined_at < {{}}
GROUP BY c.community"""

REPORTED_SQL = """
SELECT u.community, COUNT(*) AS n
FROM helper_profile h JOIN app_user u ON u.id = h."user"
WHERE h.kind = 'party_member' AND h.status = 'verified' AND u.is_active = {{}}
  AND u.community IN ({ids})
GROUP BY u.community"""

# Per helper first, then named after (as the honour roll: grouping the claims before the
# joins keeps PostgreSQL from hashing every claim of the county).
TARGET_SQL = """
SELECT u.community, COUNT(*) AS n
FROM (SELECT c.helper FROM wish_event e
      JOIN wish w ON w.id = e.wish JOIN wish_claim c ON c.wish = w.id
      WHERE e.to_state = 'confirmed' AND e.at >= {{}} AND e.at < {{}}
        AND w.community IN ({ids}) AND w.status = 'confirmed' AND c.active = {{}}
      GROUP BY c.helper HAVING SUM(w.hours) >= {{}}) g
JOIN app_user u ON u.id = g.helper JOIN helper_profile h ON h."user" = g.helper
WHERE h.kind = 'party_member' AND h.status = 'verified' AND u.is_active = {{}}
  AND u.community IN ({ids})
GROUP BY u.community"""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive
    year_start: datetime  # the year the target is counted in
    year_end: datetime
    target_minutes: int  # 0: no target


async def figures_by_community(communities: list[dict[str, Any]], w: Window
                               ) -> list[Figures]:
    """Each community's figures (``communities``: rows with id and name), in that order;
    the families read together (``db.together``), each its own statement."""
    out = {int(c["id"]): Figures(c["name"], int(c["id"])) for c in communities}
    if not out:
        return []
    ids = stages.id_list(list(out))
    keys = ",".join(f"'{ledger_rules.account_key(ledger_rules.ISSUANCE, c)}'" for c in out)
    target = (_sql(TARGET_SQL.format(ids=ids), w.year_start, w.year_end, True,
                   w.target_minutes, True) if w.target_minutes > 0 else _nothing())
    with db.custom_plans():
        status, clock, transfers, balances, helpers, reported, meeting = await db.together(
            _sql(STATUS_SQL.format(ids=ids), w.start, w.end),
            stages.stage_samples(out, w.start, w.end, only=CLOCK_STAGES),
            _sql(TRANSFERS_SQL.format(ids=ids, keys=keys), w.start, w.end),
            _sql(BALANCES_SQL.format(ids=ids, person=ledger_rules.PERSON)),
            _sql(HELPERS_SQL.format(ids=ids), w.start, w.end),
            _sql(REPORTED_SQL.format(ids=ids), True), target)
    for r in status:
        f = out[int(r["community"])]
        f.status[r["status"]] = int(r["n"])
        f.street_escalated += int(r["street"])
    for community, samples in clock.items():
        out[community].samples = {s: samples[s] for s in CLOCK_STAGES}
    for r in transfers:
        out[int(r["community"])].issued = int(r["issued"] or 0)
        out[int(r["community"])].redeemed = int(r["redeemed"] or 0)
    for r in balances:
        out[int(r["community"])].outstanding = int(r["outstanding"] or 0)
    for r in helpers:
        out[int(r["community"])].helpers = int(r["n"])
    for r in reported:
        out[int(r["community"])].reported = int(r["n"])
    for r in meeting:
        out[int(r["community"])].meeting_target = int(r["n"])
    return list(out.values())


async def _nothing() -> list[dict[str, Any]]:
    return []
