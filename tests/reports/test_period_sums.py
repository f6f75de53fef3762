"""The dashboard's point sums, wish and people counts and "right now" counts, each read in
one statement, equal what the rows give when summed here: random transfers of every kind
between people of two grids, the issuance account and the sinks, on and around the
period's edges; wishes in every state and category in both grids, with claims."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from marketplace.accounts.tables import User
from marketplace.community.tables import Grid
from marketplace.ledger import rules
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Account, Transfer
from marketplace.reports import queries
from marketplace.wishes.tables import Category, Wish, WishClaim
from tests.conftest import World, unique

START = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
END = datetime(2026, 4, 1, 16, 0, tzinfo=UTC)
KINDS = ("award", "activity", "donate", "redeem", "settle", "expire", "adjust", "reverse")


async def two_grids(world: World) -> tuple[int, list[tuple[int, int]]]:
    """A second grid and six people's (user, grid), three in each grid."""
    g = await Grid.insert(Grid(community=world.community_id, name="Grid B")).returning(Grid.id)
    grid_b = int(g[0]["id"])
    people = []
    for i in range(6):
        user_id = (await world.person()).user_id
        grid = world.grid_id if i % 2 else grid_b
        await User.update({User.grid: grid, User.building: None}).where(User.id == user_id)
        people.append((user_id, grid))
    return grid_b, people


async def test_point_sums_are_the_rows_summed(world: World) -> None:
    rng = random.Random(5)
    grid_b, people = await two_grids(world)
    issuance = (await ledger.issuance_account(world.community_id))["id"]
    accounts = {(await ledger.person_account(u))["id"]: g for u, g in people}
    accounts[issuance] = None
    accounts[(await ledger.sink_account(rules.EXPIRED, world.community_id))["id"]] = None
    accounts[(await ledger.sink_account(rules.SETTLED, world.community_id))["id"]] = None
    ids = list(accounts)
    rows = []  # written as rows, not through the ledger: every kind, any two accounts
    for i in range(120):
        debit, credit = rng.sample(ids, 2)
        at = ([START, END, START - timedelta(microseconds=1)][i] if i < 3
              else START + timedelta(days=rng.uniform(-4, 35)))
        rows.append(Transfer(debit=debit, credit=credit, amount=rng.randint(1, 50),
                             kind=rng.choice(KINDS), created_at=at, community=world.community_id,
                             idempotency_key=unique("k"), content_hash="x"))
    made = [r["id"] for r in await Transfer.insert(*rows).returning(Transfer.id)]
    try:
        await check_point_sums(world, grid_b, accounts, issuance)
    finally:
        # Rows the ledger did not write (balances unchanged): gone before the ledger's own
        # check reads the shared database.
        await Transfer.delete().where(Transfer.id.is_in(made))


async def check_point_sums(world: World, grid_b: int, accounts: dict[int, int | None],
                           issuance: int) -> None:
    for grid in (None, world.grid_id, grid_b):
        got = await queries.points(queries.Scope(world.community_id, START, END, grid))
        found = [t for t in await Transfer.select().where(
            Transfer.community == world.community_id)
            if START <= t["created_at"] < END
            and (grid is None or grid in (accounts[t["debit"]], accounts[t["credit"]]))]
        assert found, grid

        assert (got.issued, got.returned, got.redeemed, got.settled, got.expired) == (
            sum(t["amount"] for t in found if t["debit"] == issuance),
            sum(t["amount"] for t in found if t["credit"] == issuance),
            *(sum(t["amount"] for t in found if t["kind"] == kind)
              for kind in ("redeem", "settle", "expire"))), grid
    quiet = await queries.points(queries.Scope(world.community_id, END + timedelta(days=9),
                                               END + timedelta(days=10)))
    assert (quiet.issued, quiet.redeemed) == (0, 0)
    assert quiet.outstanding == sum(int(a["balance"]) for a in await Account.select().where(
        (Account.community == world.community_id) & (Account.kind == rules.PERSON)))


async def test_open_issue_counts_are_the_wishes_counted(world: World) -> None:
    rng = random.Random(8)
    grid_b, people = await two_grids(world)
    category = int((await Category.insert(Category(community=world.community_id,
                                                   name="Repairs")).returning(Category.id))[0]["id"])
    for _ in range(80):
        owner, grid = rng.choice(people)
        await Wish.insert(Wish(
            community=world.community_id, grid=grid, owner=owner, posted_by=owner,
            category=category, title="Door",
            status=rng.choice(["pending", "open", "open", "claimed", "disputed", "confirmed"]),
            escalated_at=rng.choice([None, START]),
            street_status=rng.choice(["", "", "queued", "assigned", "returned"])))
    for grid in (None, world.grid_id, grid_b):
        wishes = [w for w in await Wish.select().where(Wish.community == world.community_id)
                  if grid is None or w["grid"] == grid]
        expected = {
            "escalated": sum(w["status"] == "open" and w["escalated_at"] is not None
                             for w in wishes),
            "disputed": sum(w["status"] == "disputed" for w in wishes),
            "at_street": sum(w["status"] == "open" and w["street_status"] == "queued"
                             for w in wishes)}
        assert await queries.open_issues(world.community_id, grid) == expected
        assert all(expected.values()), expected


async def test_wish_and_people_counts_are_the_rows_counted(world: World) -> None:
    rng = random.Random(11)
    grid_b, people = await two_grids(world)
    await User.update({User.is_active: False}).where(User.id == people[0][0])
    categories = [int((await Category.insert(Category(
        community=world.community_id, name=name)).returning(Category.id))[0]["id"])
        for name in ("Repairs", "Rides", "Shopping")]
    for i in range(90):
        owner, grid = rng.choice(people)
        at = ([START, END, START - timedelta(microseconds=1)][i] if i < 3
              else START + timedelta(days=rng.uniform(-4, 35)))
        wish = int((await Wish.insert(Wish(
            community=world.community_id, grid=grid, owner=owner, posted_by=owner,
            category=rng.choice(categories), title="Door", created_at=at,
            status=rng.choice(["pending", "open", "claimed", "confirmed", "rejected"])))
            .returning(Wish.id))[0]["id"])
        if rng.random() < 0.6:
            helper, _ = rng.choice(people)
            # The community as the claim step copies it from the wish.
            await WishClaim.insert(WishClaim(
                wish=wish, community=world.community_id, helper=helper,
                active=rng.random() < 0.8, joined_at=at + timedelta(days=rng.uniform(0, 3))))
    names = {c["id"]: c["name"] for c in await Category.select().where(
        Category.community == world.community_id)}
    for grid in (None, world.grid_id, grid_b):
        scope = queries.Scope(world.community_id, START, END, grid)
        wishes = [w for w in await Wish.select().where(Wish.community == world.community_id)
                  if (grid is None or w["grid"] == grid) and START <= w["created_at"] < END]
        counts = await queries.wish_counts(scope)
        assert counts.status == dict(Counter(w["status"] for w in wishes)), grid
        by_name = Counter(names[w["category"]] for w in wishes)
        assert counts.categories == sorted(by_name.items(), key=lambda p: (-p[1], p[0]))
        in_grid = {w["id"] for w in await Wish.select().where(
            Wish.community == world.community_id) if grid is None or w["grid"] == grid}
        claims = [c for c in await WishClaim.select() if c["wish"] in in_grid
                  and START <= c["joined_at"] < END]
        members = [u for u in await User.select().where(User.community == world.community_id)
                   if u["is_active"] and (grid is None or u["grid"] == grid)]
        assert await queries.active_people(scope) == {
            "helpers": len({c["helper"] for c in claims}),
            "residents": len({w["owner"] for w in wishes}), "members": len(members)}, grid
        assert claims and wishes and len(counts.categories) == 3, grid
