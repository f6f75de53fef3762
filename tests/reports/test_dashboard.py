"""The staff dashboard's figures equal figures computed here from the rows the test made."""

from __future__ import annotations

import math
import random
import re
import statistics
from collections import Counter

from marketplace.accounts.tables import User
from marketplace.community.tables import Community, Grid
from marketplace.ledger import corrections, rules
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Account, Transfer
from marketplace.wishes import service
from marketplace.wishes.tables import Wish, WishClaim, WishEvent
from tests.conftest import World, login, unique
from tests.reports.history import days_ago, make_wish


def nearest_rank(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(p / 100 * len(ordered)) - 1]


def figure(html: str, name: str, attr: str = "data-figure") -> str:
    match = re.search(rf'{attr}="{name}"[^>]*>(?:<a [^>]*>)?\s*([^<]+?)\s*<', html)
    assert match, f"{name} not on the page"
    return match.group(1)


def stage_seconds(html: str, stage: str) -> tuple[float, float]:
    row = re.search(rf'data-stage="{stage}">.*?</tr>', html, re.S)
    assert row, stage
    values = re.findall(r'data-seconds="([^"]*)"', row.group(0))
    return float(values[0]), float(values[1])


async def test_dashboard_figures_match_the_rows(client, world: World) -> None:
    rng = random.Random(6)
    staff = await world.person(staff=True)
    helpers = [await world.person(helper=True) for _ in range(3)]
    owners = [await world.person() for _ in range(4)]
    repairs = await service.add_category(staff, world.community_id, "Repairs", 10)
    rides = await service.add_category(staff, world.community_id, "Rides", 7)
    for i in range(9):
        steps = rng.randint(0, 4)
        await make_wish(owners[i % 4], staff, helpers[i % 3], (repairs, rides)[i % 2],
                        days_ago(rng.randint(3, 40)),
                        [rng.randint(1, 72) + rng.random() for _ in range(steps)],
                        minutes=rng.randint(10, 180))
    rejected = await service.post_wish(owners[0], service.NewWish(repairs, "A new car"))
    await service.review(staff, rejected, approve=False, reason="Too big")
    await ledger.award(world.community_id, helpers[0].user_id, 20, "activity", "activity:1",
                       staff.user_id, "Clean-up day", unique("k"))
    await corrections.adjust(staff, helpers[0].user_id, -3, "Correction", unique("k"))

    await login(client, staff)
    response = await client.get(f"/staff/reports?community_id={world.community_id}",
                                headers={"accept-language": "en"})
    assert response.status_code == 200, response.text
    html = response.text

    wishes = await Wish.select().where(Wish.community == world.community_id)
    for status, n in Counter(w["status"] for w in wishes).items():
        assert figure(html, status, "data-status") == str(n)

    events = await WishEvent.select().where(
        WishEvent.wish.is_in([w["id"] for w in wishes])).order_by(WishEvent.id)
    by_wish: dict[int, dict[str, object]] = {}
    for e in events:
        by_wish.setdefault(e["wish"], {})[e["action"]] = e["at"]
    pairs = {"review": ("post", "approve"), "claim": ("approve", "claim"),
             "fulfil": ("claim", "fulfil"), "confirm": ("fulfil", "confirm")}
    for stage, (a, b) in pairs.items():
        samples = [(times[b] - times[a]).total_seconds() for times in by_wish.values()
                   if a in times and b in times]
        if stage == "review":
            samples += [(t["reject"] - t["post"]).total_seconds() for t in by_wish.values()
                        if "reject" in t]
        if not samples:
            continue
        median, p90 = stage_seconds(html, stage)
        assert abs(median - statistics.median(samples)) < 1e-3
        assert abs(p90 - nearest_rank(samples, 90)) < 1e-3

    issuance = await ledger.issuance_account(world.community_id)
    transfers = await Transfer.select().where(
        (Transfer.debit == issuance["id"]) | (Transfer.credit == issuance["id"]))
    issued = sum(t["amount"] for t in transfers if t["debit"] == issuance["id"])
    returned = sum(t["amount"] for t in transfers if t["credit"] == issuance["id"])
    assert figure(html, "issued") == str(issued)
    assert figure(html, "returned") == str(returned)
    people = await Account.select().where((Account.community == world.community_id)
                                          & (Account.kind == rules.PERSON))
    assert figure(html, "outstanding") == str(sum(a["balance"] for a in people))

    claims = await WishClaim.select(WishClaim.helper).where(
        WishClaim.wish.community == world.community_id)
    assert figure(html, "helpers") == str(len({c["helper"] for c in claims}))
    assert figure(html, "residents") == str(len({w["owner"] for w in wishes}))
    escalated = [w for w in wishes if w["status"] == "open" and w["escalated_at"]]
    assert figure(html, "escalated") == str(len(escalated))

    # Charts are SVG with a title and a table toggle that works without JavaScript.
    assert "<svg" in html and "<title" in html and "<details" in html


async def test_grid_filter_counts_only_that_grid(client, world: World) -> None:
    staff = await world.person(staff=True)
    helper = await world.person(helper=True)
    here, there = await world.person(), await world.person()
    g = await Grid.insert(Grid(community=world.community_id, name="Grid B")).returning(Grid.id)
    other_grid = int(g[0]["id"])
    await User.update({User.grid: other_grid, User.building: None}).where(
        User.id == there.user_id)
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    for owner, n in ((here, 2), (there, 3)):
        for _ in range(n):
            await make_wish(owner, staff, helper, cat, days_ago(5), [1, 2])
    await login(client, staff)
    html = (await client.get(f"/staff/reports?community_id={world.community_id}"
                             f"&grid_id={other_grid}")).text
    expected = await Wish.count().where((Wish.community == world.community_id)
                                        & (Wish.grid == other_grid))
    assert figure(html, "claimed", "data-status") == str(expected)
    whole = (await client.get(f"/staff/reports?community_id={world.community_id}")).text
    assert figure(whole, "claimed", "data-status") == str(
        await Wish.count().where(Wish.community == world.community_id))


async def test_dashboard_is_for_staff_of_that_community(client, world: World) -> None:
    resident = await world.person()
    await login(client, resident)
    assert (await client.get("/staff/reports")).status_code == 403
    await client.post("/logout")
    client.cookies.clear()
    other = await Community.insert(Community(name=unique("Other "))).returning(Community.id)
    staff = await world.person(staff=True)
    await login(client, staff)
    response = await client.get(f"/staff/reports?community_id={other[0]['id']}")
    assert response.status_code == 403
    export = await client.get(f"/staff/reports/export/wishes.csv?community_id={other[0]['id']}")
    assert export.status_code == 403
