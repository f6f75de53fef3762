"""A county (the seeds' Guangde) bulk-loaded into PostgreSQL, for the county-scale benches.

``await seed_county(scale)`` inside ``common.database()`` (DATABASE_URL must name an empty,
disposable PostgreSQL database) writes, at scale 1: 13 communities, 84 grids, 60,000
residents of whom 6,400 are verified party members, 3 years of wishes (36,000, with their
events, claims and award transfers), activities (1,872, 30 participants each, paid by
activity transfers) and redemptions (30,000: hold, code, redeem transfer) at 65 shops.
``scale`` (BENCH_SCALE) shrinks the people and the history, never the 13 × 84 structure.

Everything is INSERT … SELECT over generate_series: seconds, where the services would take
hours. Rows are placed by arithmetic on the series number (user i lives in grid i % 84, a
community's grids are c, c + 13, …), and ids are first id + i: each INSERT runs alone on
its table in a fresh database, so the serial hands out consecutive ids in series order.
Cached balances are recomputed from the transfers at the end, as ``ledger check`` demands.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from marketplace.community.tables import Community
from marketplace.wishes import stageclock

COMMUNITIES, GRIDS, BUILDINGS_PER_GRID = 13, 84, 8
YEARS_DAYS = 3 * 365
CATEGORIES = ("维修 Repairs", "出行 Trips", "代购 Shopping", "家务 Housework",
              "陪伴 Company", "学习用品 School things")
PARTICIPANTS = 30


@dataclass(frozen=True)
class Scale:
    residents: int
    helpers: int
    wishes: int
    activities: int
    redemptions: int

    @classmethod
    def of(cls, scale: float) -> Scale:
        def n(full: int, least: int) -> int:
            return max(least, int(full * scale))
        return cls(residents=n(60_000, GRIDS * 20), helpers=n(6_400, GRIDS * 2),
                   wishes=n(36_000, GRIDS * 20), activities=n(1_872, COMMUNITIES * 6),
                   redemptions=n(30_000, COMMUNITIES * 20))


@dataclass(frozen=True)
class County:
    """Ids the benches sign in as and ask for (all in the first community)."""

    community_ids: list[int]
    district_id: int
    street_ids: list[int]  # the county's two streets: the first 7 communities, the other 6
    street_staff_id: int  # of the first street
    district_staff_id: int
    resident_id: int  # posts wishes, never a helper
    helper_id: int  # a party member with three years of confirmed wishes and activities
    staff_id: int
    merchant_owner_id: int
    merchant_id: int
    scale: Scale
    counts: dict[str, int]
    work_unit_id: int = 0  # the largest work unit (helper 0 is one of its members)
    unit_contact_id: int = 0  # its contact person (the work-unit portal)


async def _sql(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await Community.raw(sql, *args)


async def _ids(sql: str) -> list[int]:
    return [int(r["id"]) for r in await _sql(sql)]


def _array(values: list[int]) -> str:
    return "ARRAY[" + ",".join(str(int(v)) for v in values) + "]::int[]"


class Seeder:
    def __init__(self, scale: Scale) -> None:
        self.s = scale
        self.tag = uuid.uuid4().hex[:4]

    async def places(self) -> None:
        t = self.tag
        self.communities = await _ids(
            f"INSERT INTO community (name, district) SELECT '广德 County {t} ' || g, '广德市' "
            f"FROM generate_series(0, {COMMUNITIES - 1}) g ORDER BY g RETURNING id")
        c = _array(self.communities)
        self.grids = await _ids(
            f"INSERT INTO grid (community, name) SELECT ({c})[g % {COMMUNITIES} + 1], "
            f"'Grid ' || g FROM generate_series(0, {GRIDS - 1}) g ORDER BY g RETURNING id")
        self.grid_community = [self.communities[i % COMMUNITIES] for i in range(GRIDS)]
        self.buildings = await _ids(
            f"INSERT INTO building (grid, name) SELECT ({_array(self.grids)})[g % {GRIDS} + 1],"
            f" 'Building ' || g FROM generate_series(0, {GRIDS * BUILDINGS_PER_GRID - 1}) g "
            f"ORDER BY g RETURNING id")
        self.categories = await _ids(
            f"INSERT INTO wish_category (community, name, default_points) "
            f"SELECT ({c})[g / {len(CATEGORIES)} + 1], "
            f"(ARRAY{list(CATEGORIES)})[g % {len(CATEGORIES)} + 1], 10 "
            f"FROM generate_series(0, {COMMUNITIES * len(CATEGORIES) - 1}) g "
            f"ORDER BY g RETURNING id")

    async def people(self) -> None:
        """Residents (the first ``helpers`` of them party members), staff, shop owners."""
        s, t = self.s, self.tag
        gc, gr, bu = (_array(self.grid_community), _array(self.grids),
                      _array(self.buildings))
        ids = await _ids(
            f"INSERT INTO app_user (login, display_name, password_hash, community, grid, "
            f"building) SELECT 'county{t}-' || g, '居民 Resident ' || g, '!', "
            f"({gc})[g % {GRIDS} + 1], ({gr})[g % {GRIDS} + 1], "
            f"({bu})[g % {GRIDS} + {GRIDS} * ((g / {GRIDS}) % {BUILDINGS_PER_GRID}) + 1] "
            f"FROM generate_series(0, {s.residents - 1}) g ORDER BY g RETURNING id")
        self.user0 = ids[0]
        assert ids[-1] - ids[0] == len(ids) - 1, "user ids are not consecutive"
        await _sql(
            f"INSERT INTO helper_profile (\"user\", kind, work_unit, party_branch, status, "
            f"reviewed_at, listed_on_honour_roll) SELECT {self.user0} + g, 'party_member', "
            f"'广德市单位 Work unit ' || (g % 40), 'Branch ' || (g % 40), 'verified', now(), "
            f"g % 10 <> 9 FROM generate_series(0, {s.helpers - 1}) g")
        c = _array(self.communities)
        self.staff = await _ids(
            f"INSERT INTO app_user (login, display_name, password_hash, community) "
            f"SELECT 'county{t}-staff-' || g, '社工 Staff ' || g, '!', ({c})[g + 1] "
            f"FROM generate_series(0, {COMMUNITIES - 1}) g ORDER BY g RETURNING id")
        await _sql(f"INSERT INTO staff_membership (\"user\", community) "
                   f"SELECT ({_array(self.staff)})[g + 1], ({c})[g + 1] "
                   f"FROM generate_series(0, {COMMUNITIES - 1}) g")
        shops = COMMUNITIES * 5
        self.shop_owners = await _ids(
            f"INSERT INTO app_user (login, display_name, password_hash, community) "
            f"SELECT 'county{t}-shop-' || g, '店主 Shopkeeper ' || g, '!', "
            f"({c})[g % {COMMUNITIES} + 1] FROM generate_series(0, {shops - 1}) g "
            f"ORDER BY g RETURNING id")
        o = _array(self.shop_owners)
        self.merchants = await _ids(
            f"INSERT INTO merchant (community, owner, name, status, reviewed_at) "
            f"SELECT ({c})[g % {COMMUNITIES} + 1], ({o})[g + 1], '爱心商家 Shop ' || g, "
            f"'verified', now() FROM generate_series(0, {shops - 1}) g ORDER BY g "
            f"RETURNING id")
        m = _array(self.merchants)
        await _sql(f"INSERT INTO merchant_member (merchant, \"user\", role, key) "
                   f"SELECT ({m})[g + 1], ({o})[g + 1], 'owner', ({m})[g + 1] || ':' || "
                   f"({o})[g + 1] FROM generate_series(0, {shops - 1}) g")
        self.offers = await _ids(
            f"INSERT INTO merchant_offer (merchant, title, price) SELECT ({m})[g + 1], "
            f"'理发 Haircut', 5 FROM generate_series(0, {shops - 1}) g ORDER BY g "
            f"RETURNING id")

    async def accounts(self) -> None:
        """A person account per resident (id = first + resident number), and the
        community and shop accounts."""
        ids = await _ids(
            f"INSERT INTO ledger_account (kind, community, owner, key) "
            f"SELECT 'person', community, id, 'person:' || community || ':' || id "
            f"FROM app_user WHERE id BETWEEN {self.user0} AND {self.user0 + self.s.residents - 1}"
            f" ORDER BY id RETURNING id")
        self.account0 = ids[0]
        self.issuance = {}
        for cid in self.communities:
            for kind in ("issuance", "expired", "settled"):
                row = await _sql("INSERT INTO ledger_account (kind, community, key) "
                                 "VALUES ({}, {}, {}) RETURNING id", kind, cid,
                                 f"{kind}:{cid}")
                if kind == "issuance":
                    self.issuance[cid] = int(row[0]["id"])
        c = _array(self.communities)
        self.shop_accounts = await _ids(
            f"INSERT INTO ledger_account (kind, community, merchant_id, key) "
            f"SELECT 'merchant', ({c})[g % {COMMUNITIES} + 1], ({_array(self.merchants)})"
            f"[g + 1], 'merchant:' || ({c})[g % {COMMUNITIES} + 1] || ':' || "
            f"({_array(self.merchants)})[g + 1] FROM generate_series(0, "
            f"{len(self.merchants) - 1}) g ORDER BY g RETURNING id")

    def helper_of_wish(self, g: str) -> str:
        """The resident number of the helper of wish number ``g``: a helper of the wish's
        grid, and every fifth wish of grid 0 goes to helper 0 (the three-year record; the
        fifths chosen so that they are confirmed wishes, see the status in ``wishes``)."""
        per_grid = self.s.helpers // GRIDS
        return (f"(CASE WHEN {g} % {GRIDS} = 0 AND ({g} / {GRIDS}) % 5 = 1 THEN 0 ELSE "
                f"{g} % {GRIDS} + {GRIDS} * (({g} / 7) % {per_grid}) END)")

    def owner_of_wish(self, g: str) -> str:
        """A resident of the wish's grid who is not a helper."""
        first = self.s.helpers // GRIDS + 1
        return (f"({g} % {GRIDS} + {GRIDS} * ({first} + ({g} / {GRIDS}) % "
                f"{self.s.residents // GRIDS - first}))")

    async def transfer_community(self) -> tuple[str, str]:
        """The transfer's community column and value, when the schema has one."""
        rows = await _sql("SELECT 1 AS x FROM information_schema.columns WHERE table_name = "
                          "'ledger_transfer' AND column_name = 'community'")
        return (", community", ", {}") if rows else ("", "")

    async def wishes(self) -> None:
        s, t, w = self.s, self.tag, self.s.wishes
        gc = _array(self.grid_community)
        cat = _array(self.categories)
        step = YEARS_DAYS * 86400 / w
        status = ("CASE g % 20 WHEN 0 THEN 'open' WHEN 1 THEN 'claimed' WHEN 2 THEN 'pending' "
                  "WHEN 3 THEN 'rejected' ELSE 'confirmed' END")
        ci = f"(g % {GRIDS}) % {COMMUNITIES}"
        ids = await _ids(
            f"INSERT INTO wish (community, grid, building, owner, posted_by, category, title, "
            f"description, status, points, hours, rating, created_at, updated_at) "
            f"SELECT ({gc})[g % {GRIDS} + 1], ({_array(self.grids)})[g % {GRIDS} + 1], "
            f"({_array(self.buildings)})[g % {GRIDS} + 1], {self.user0} + "
            f"{self.owner_of_wish('g')}, {self.user0} + {self.owner_of_wish('g')}, "
            f"({cat})[{ci} * {len(CATEGORIES)} + g % {len(CATEGORIES)} + 1], "
            f"'心愿 Wish ' || g, '两袋米搬上四楼 Two bags of rice up to the fourth floor', "
            f"{status}, 10 + (g % 5) * 2, CASE WHEN g % 20 >= 4 THEN 30 + (g % 7) * 15 "
            f"ELSE 0 END, CASE WHEN g % 20 >= 4 THEN 3 + g % 3 END, at, at "
            f"FROM (SELECT g, now() - interval '5 days' - ({w - 1} - g) * {step} * "
            f"interval '1 second' AS at FROM generate_series(0, {w - 1}) g) x "
            f"ORDER BY g RETURNING id")
        self.wish0 = ids[0]
        wishes = f"(SELECT w.*, w.id - {self.wish0} AS g FROM wish w WHERE w.id BETWEEN " \
                 f"{ids[0]} AND {ids[-1]}) w"
        await _sql(
            f"INSERT INTO wish_event (wish, community, actor, at, action, from_state, "
            f"to_state) SELECT id, community, owner, created_at, 'post', '', 'pending' "
            f"FROM {wishes} UNION ALL SELECT id, community, NULL, created_at + interval "
            f"'1 hour', CASE status WHEN 'rejected' THEN 'reject' ELSE 'approve' END, "
            f"'pending', CASE status WHEN 'rejected' THEN 'rejected' ELSE 'open' END "
            f"FROM {wishes} WHERE status <> 'pending' UNION ALL SELECT id, community, NULL, "
            f"created_at + interval '1 day', 'claim', 'open', 'claimed' FROM {wishes} "
            f"WHERE status IN ('claimed', 'confirmed') UNION ALL SELECT id, community, NULL, "
            f"created_at + interval '3 days', 'fulfil', 'claimed', 'fulfilled' FROM {wishes} "
            f"WHERE status = 'confirmed' UNION ALL SELECT id, community, NULL, created_at + "
            f"interval '4 days', CASE WHEN id % 10 = 9 THEN 'auto_confirm' ELSE 'confirm' "
            f"END, 'fulfilled', 'confirmed' FROM {wishes} WHERE status = 'confirmed' "
            f"ORDER BY 1, 4")
        await _sql(
            f"INSERT INTO wish_claim (wish, community, helper, joined_at, active) SELECT id, "
            f"community, {self.user0} + {self.helper_of_wish('g')}, "
            f"created_at + interval '1 day', true FROM {wishes} "
            f"WHERE status IN ('claimed', 'confirmed') ORDER BY id")
        column, value = await self.transfer_community()
        iss = _array([self.issuance[self.grid_community[i]] for i in range(GRIDS)])
        await _sql(
            f"INSERT INTO ledger_transfer (debit, credit, amount, kind, reference, memo, "
            f"created_at, idempotency_key, content_hash{column}) SELECT "
            f"({iss})[g % {GRIDS} + 1], {self.account0} + {self.helper_of_wish('g')}, points, "
            f"'award', 'wish:' || id, title, created_at + interval '4 days', "
            f"'county{t}:award:' || id, 'bulk'{value.format('community')} FROM {wishes} "
            f"WHERE status = 'confirmed' ORDER BY id")
        del s

    async def activities(self) -> None:
        s, t, a_n = self.s, self.tag, self.s.activities
        c, st = _array(self.communities), _array(self.staff)
        step = YEARS_DAYS * 86400 / a_n
        ids = await _ids(
            f"INSERT INTO activity (community, title, place, starts_at, points, participants,"
            f" code, created_by, created_at) SELECT ({c})[g % {COMMUNITIES} + 1], "
            f"'巡逻 Patrol ' || g, '社区广场 Square', at, 5, {PARTICIPANTS}, 'K{t}' || g, "
            f"({st})[g % {COMMUNITIES} + 1], at - interval '7 days' FROM (SELECT g, now() - "
            f"interval '2 days' - ({a_n - 1} - g) * {step} * interval '1 second' AS at "
            f"FROM generate_series(0, {a_n - 1}) g) x ORDER BY g RETURNING id")
        a0 = ids[0]
        per = s.residents // GRIDS
        who = (f"(CASE WHEN a % {COMMUNITIES} = 0 AND p % {PARTICIPANTS} = 0 THEN 0 ELSE "
               f"a % {COMMUNITIES} + 13 * (p % 6) + {GRIDS} * (1 + (p * 7 + a) % {per - 1}) "
               f"END)")
        series = (f"(SELECT p, p / {PARTICIPANTS} AS a FROM generate_series(0, "
                  f"{a_n * PARTICIPANTS - 1}) p) x JOIN activity ON activity.id = {a0} + a")
        iss = _array([self.issuance[cid] for cid in self.communities])
        column, value = await self.transfer_community()
        t0 = await _ids(
            f"INSERT INTO ledger_transfer (debit, credit, amount, kind, reference, memo, "
            f"created_at, idempotency_key, content_hash{column}) SELECT "
            f"({iss})[a % {COMMUNITIES} + 1], {self.account0} + {who}, 5, 'activity', "
            f"'activity:' || activity.id, activity.title, starts_at + interval '2 hours', "
            f"'county{t}:activity:' || p, 'bulk'{value.format('activity.community')} "
            f"FROM {series} ORDER BY p RETURNING id")
        await _sql(
            f"INSERT INTO activity_participation (activity, \"user\", key, method, "
            f"recorded_by, transfer_id, created_at) SELECT activity.id, {self.user0} + {who},"
            f" activity.id || ':' || ({self.user0} + {who}), 'code', activity.created_by, "
            f"{t0[0]} + p, starts_at + interval '2 hours' FROM {series} ORDER BY p")

    async def opening(self) -> None:
        """An opening award to every helper before the three years, so the redemptions
        (made by helpers) never take an account below zero."""
        column, value = await self.transfer_community()
        iss = _array([self.issuance[self.grid_community[i]] for i in range(GRIDS)])
        gc = _array(self.grid_community)
        await _sql(
            f"INSERT INTO ledger_transfer (debit, credit, amount, kind, reference, memo, "
            f"created_at, idempotency_key, content_hash{column}) SELECT "
            f"({iss})[g % {GRIDS} + 1], {self.account0} + g, 100, 'award', 'opening', "
            f"'Opening', now() - interval '{YEARS_DAYS + 10} days', "
            f"'county{self.tag}:opening:' || g, 'bulk'"
            f"{value.format(f'({gc})[g % {GRIDS} + 1]')} "
            f"FROM generate_series(0, {self.s.helpers - 1}) g ORDER BY g")

    async def redemptions(self) -> None:
        s, t, x = self.s, self.tag, self.s.redemptions
        shops = len(self.merchants)
        step = YEARS_DAYS * 86400 / x
        idx = (f"((r % {shops}) % {COMMUNITIES} + 13 * (r % 6) + {GRIDS} * ((r / 6) % "
               f"{s.helpers // GRIDS}))")
        series = (f"(SELECT r, now() - interval '1 day' - ({x - 1} - r) * {step} * "
                  f"interval '1 second' AS at FROM generate_series(0, {x - 1}) r) x")
        holds = await _ids(
            f"INSERT INTO ledger_hold (account, amount, reference, status, expires_at, "
            f"idempotency_key, created_at, closed_at) SELECT {self.account0} + {idx}, 5, "
            f"'code:' || r, 'posted', at + interval '1 day', 'county{t}:hold:' || r, at, "
            f"at + interval '1 hour' FROM {series} ORDER BY r RETURNING id")
        accounts, shop = _array(self.shop_accounts), f"r % {shops} + 1"
        column, value = await self.transfer_community()
        c = _array([self.communities[m % COMMUNITIES] for m in range(shops)])
        transfers = await _ids(
            f"INSERT INTO ledger_transfer (debit, credit, amount, kind, reference, memo, "
            f"created_at, idempotency_key, content_hash{column}) SELECT "
            f"{self.account0} + {idx}, ({accounts})[{shop}], 5, 'redeem', 'code:' || r, "
            f"'理发 Haircut', at + interval '1 hour', 'county{t}:redeem:' || r, "
            f"'bulk'{value.format(f'({c})[{shop}]')} FROM {series} ORDER BY r RETURNING id")
        await _sql(
            f"INSERT INTO redeem_code (code, offer, merchant, resident, price, hold_id, "
            f"status, expires_at, created_at, closed_at, redeemed_at, cashier, transfer_id) "
            f"SELECT 'R{t}' || r, ({_array(self.offers)})[{shop}], "
            f"({_array(self.merchants)})[{shop}], {self.user0} + {idx}, 5, {holds[0]} + r, "
            f"'redeemed', at + interval '1 day', at, at + interval '1 hour', "
            f"at + interval '1 hour', ({_array(self.shop_owners)})[{shop}], "
            f"{transfers[0]} + r FROM {series} ORDER BY r")

    async def streets(self) -> None:
        """One district, two streets (the first 7 communities and the other 6), a staff
        member of the first street and one of the district (its work units, declaring the
        county's party members, come from ``seed_work_units``)."""
        t = self.tag
        row = await _sql(f"INSERT INTO district (name, yearly_target_hours) VALUES "
                         f"('广德 District {t}', 20) RETURNING id")
        self.district = int(row[0]["id"])
        self.street_ids = await _ids(
            f"INSERT INTO street (district, name) SELECT {self.district}, "
            f"'街道 Street {t} ' || g FROM generate_series(0, 1) g ORDER BY g RETURNING id")
        half = (COMMUNITIES + 1) // 2
        for i, street in enumerate(self.street_ids):
            part = self.communities[:half] if i == 0 else self.communities[half:]
            await _sql(f"UPDATE community SET street = {street} WHERE id = ANY({_array(part)})")
        self.area_staff = await _ids(
            f"INSERT INTO app_user (login, display_name, password_hash, community) "
            f"SELECT 'county{t}-area-' || g, '街道 Area staff ' || g, '!', "
            f"{self.communities[0]} FROM generate_series(0, 1) g ORDER BY g RETURNING id")
        await _sql(f"INSERT INTO area_staff_membership (\"user\", street, district, active) "
                   f"VALUES ({self.area_staff[0]}, {self.street_ids[0]}, NULL, true), "
                   f"({self.area_staff[1]}, NULL, {self.district}, true)")

    async def balances(self) -> None:
        """Cached balances = the sum of each account's entries (``ledger check``)."""
        await _sql(
            f"UPDATE ledger_account a SET balance = s.total FROM (SELECT id, sum(x) AS total "
            f"FROM (SELECT credit AS id, amount AS x FROM ledger_transfer WHERE "
            f"idempotency_key LIKE 'county{self.tag}:%' UNION ALL SELECT debit, -amount FROM "
            f"ledger_transfer WHERE idempotency_key LIKE 'county{self.tag}:%') e GROUP BY id"
            f") s WHERE a.id = s.id")
        # A county in service has been vacuumed by autovacuum (which also marks pages
        # all-visible for index-only reads); a bulk load just before measuring has not.
        await _sql("VACUUM ANALYZE")

    def county(self, counts: dict[str, int]) -> County:
        first = self.s.helpers // GRIDS + 1
        return County(
            community_ids=self.communities, district_id=self.district,
            street_ids=self.street_ids, street_staff_id=self.area_staff[0],
            district_staff_id=self.area_staff[1], resident_id=self.user0 + GRIDS * first,
            helper_id=self.user0, staff_id=self.staff[0],
            merchant_owner_id=self.shop_owners[0], merchant_id=self.merchants[0],
            scale=self.s, counts=counts)


WORK_UNITS = 40


async def seed_work_units(seeder: Seeder) -> tuple[int, int]:
    """The registry: 40 work units (the helpers' typed units, 'Work unit ' || g % 40), each
    declaring its on-the-job party members, the party members linked to theirs, and a
    contact person for the unit of helper 0. In the county's district when the seeder
    made one (``district_id``), else in the registry without district."""
    t, helpers = seeder.tag, seeder.s.helpers
    district = getattr(seeder, "district", None)
    units = await _ids(
        f"INSERT INTO work_unit (district, name, party_org, party_members, status) "
        f"SELECT {'NULL' if district is None else int(district)}, "
        f"'广德市单位 Work unit ' || g || ' {t}', 'Branch ' || g, "
        f"{helpers} / {WORK_UNITS} + 10 + g % 7, 'active' "
        f"FROM generate_series(0, {WORK_UNITS - 1}) g ORDER BY g RETURNING id")
    await _sql(f"UPDATE helper_profile SET work_unit_ref = ({_array(units)})"
               f"[(\"user\" - {seeder.user0}) % {WORK_UNITS} + 1] WHERE \"user\" BETWEEN "
               f"{seeder.user0} AND {seeder.user0 + helpers - 1}")
    contact = await _ids(
        f"INSERT INTO app_user (login, display_name, password_hash, community) VALUES "
        f"('county{t}-unit-0', '单位联络人 Unit contact', '!', {seeder.communities[0]}) "
        f"RETURNING id")
    await _sql(f"INSERT INTO work_unit_contact (\"user\", work_unit) VALUES "
               f"({contact[0]}, {units[0]})")
    return units[0], contact[0]


async def seed_county(scale: float = 1.0) -> County:
    """Bulk-load a county into the (PostgreSQL) database the pool is connected to."""
    seeder = Seeder(Scale.of(scale))
    await seeder.places()
    await seeder.people()
    await seeder.accounts()
    await seeder.wishes()
    # What confirming each wish through the service would have kept on it.
    await stageclock.keep()
    await seeder.activities()
    await seeder.opening()
    await seeder.redemptions()
    await seeder.streets()
    unit_id, unit_contact_id = await seed_work_units(seeder)
    await seeder.balances()
    counts = {}
    for table in ("app_user", "wish", "wish_event", "ledger_transfer",
                  "activity_participation", "redeem_code", "work_unit"):
        counts[table] = int((await _sql(f"SELECT count(*) AS n FROM {table}"))[0]["n"])
    return replace(seeder.county(counts), work_unit_id=unit_id,
                   unit_contact_id=unit_contact_id)
