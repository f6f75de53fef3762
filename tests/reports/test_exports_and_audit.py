"""CSV exports (BOM, all rows, staff only) and the audit log of sensitive actions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from marketplace import csvfile
from marketplace.accounts.tables import HelperProfile
from marketplace.audit.tables import AuditEvent
from marketplace.ledger import corrections, holds
from marketplace.ledger import service as ledger
from marketplace.ledger.tables import Transfer
from marketplace.reports import exports
from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, login, post, text_of, unique
from tests.reports.history import days_ago, make_wish

BOM = csvfile.BOM.encode()


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM), "spreadsheets need the UTF-8 BOM"
    return list(csv.reader(io.StringIO(body[len(BOM):].decode("utf-8"))))


async def _redeem(world: World, user_id: int, amount: int) -> None:
    merchant = await ledger.merchant_account(world.community_id, 9000 + user_id)
    hold = await holds.hold(user_id, amount, "redemption:test",
                             datetime.now(UTC) + timedelta(minutes=5), unique("h"))
    await holds.post_hold(int(hold["id"]), int(merchant["id"]), "redeem", user_id, "Rice")


async def test_exports_have_every_row_with_bom(client, world: World, monkeypatch) -> None:
    monkeypatch.setattr(exports, "BATCH", 3)  # several keyset batches even for few rows
    staff = await world.person(staff=True)
    helper, owner = await world.person(helper=True), await world.person(name="王阿姨")
    cat = await service.add_category(staff, world.community_id, "=cmd()", 10)
    for _ in range(7):
        await make_wish(owner, staff, helper, cat, days_ago(1), [1, 1, 1, 1])
    await _redeem(world, helper.user_id, 4)
    await _redeem(world, helper.user_id, 3)
    await login(client, staff)
    q = f"community_id={world.community_id}"

    wishes = rows_of((await client.get(f"/staff/reports/export/wishes.csv?{q}")).content)
    ids = {r["id"] for r in await Wish.select(Wish.id).where(
        Wish.community == world.community_id)}
    assert {int(r[0]) for r in wishes[1:]} == ids
    assert all(r[7] == "王阿姨" for r in wishes[1:])
    assert all(r[3] == "'=cmd()" for r in wishes[1:]), "formulas are defused"

    redeemed = await Transfer.select().where((Transfer.kind == "redeem")
                                             & (Transfer.debit.community == world.community_id))
    rows = rows_of((await client.get(f"/staff/reports/export/redemptions.csv?{q}")).content)
    assert sorted(int(r[4]) for r in rows[1:]) == sorted(t["amount"] for t in redeemed)

    transfers = await Transfer.count().where(Transfer.debit.community == world.community_id)
    rows = rows_of((await client.get(f"/staff/reports/export/transfers.csv?{q}")).content)
    assert len(rows) - 1 == transfers

    members = rows_of((await client.get(f"/staff/reports/export/members.csv?{q}")).content)
    assert {r[1] for r in members[1:]} >= {"王阿姨", helper.display_name}


async def test_work_unit_export_groups_party_members(client, world: World) -> None:
    staff = await world.person(staff=True)
    owner = await world.person()
    members = [await world.person(helper=True) for _ in range(3)]
    for person, unit in zip(members, ("Tax Office", "Water Works", "Tax Office"), strict=True):
        await HelperProfile.update({HelperProfile.kind: "party_member",
                                    HelperProfile.work_unit: unit}).where(
            HelperProfile.user == person.user_id)
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    for person, n in zip(members, (2, 1, 0), strict=True):
        for _ in range(n):
            await make_wish(owner, staff, person, cat, days_ago(1), [1, 1, 1, 1], minutes=60)
    client.headers["accept-language"] = "en"
    await login(client, staff)
    body = (await client.get(f"/staff/reports/export/work-units.csv?community_id="
                             f"{world.community_id}")).content
    rows = rows_of(body)[1:]
    assert [r[0] for r in rows] == ["Tax Office"] * 3 + ["Water Works"] * 2
    tax_total = next(r for r in rows if r[0] == "Tax Office" and r[1] == "Subtotal")
    assert tax_total[3] == "2" and tax_total[7] == "2.0"


async def test_sensitive_actions_are_audited_and_listed(client, world: World) -> None:
    staff = await world.person(staff=True)
    owner = await world.person()
    cat = await service.add_category(staff, world.community_id, "Other", 5)
    wish_id = await service.post_wish(owner, service.NewWish(cat, "A new car please"))
    await service.review(staff, wish_id, approve=False, reason="Too big for a micro-wish")
    moved = await corrections.adjust(staff, owner.user_id, 5, "Helped at the fair",
                                unique("k"))
    await corrections.adjust(staff, owner.user_id, 5, "Helped at the fair",
                        moved["idempotency_key"])  # a replay: no second audit line
    await corrections.reverse(staff, int(moved["id"]), "Wrong person")
    await ledger.set_budget(world.community_id, 5000, actor_id=staff.user_id)
    mine = await AuditEvent.select().where(AuditEvent.community == world.community_id)
    actions = [e["action"] for e in mine]
    for expected in ("wish_rejected", "points_adjusted", "transfer_reversed", "budget_set"):
        assert actions.count(expected) == 1, (expected, actions)

    await login(client, staff)  # staff sign-in is audited too
    html = (await client.get("/staff/audit", headers={"accept-language": "en"})).text
    assert "Too big for a micro-wish" in html
    table = text_of(html[html.index('id="audit"'):])
    # labels and names, not internal codes
    assert "Wish rejected" in table and "Staff signed in" in table
    assert f'<a href="/wishes/{wish_id}">A new car please</a>' in html
    assert "wish_rejected" not in table and "staff_login" not in table
    assert f"user {staff.user_id}" not in table and f"wish {wish_id}" not in table
    assert '<option value="wish_rejected">Wish rejected</option>' in html
    assert await AuditEvent.exists().where((AuditEvent.action == "staff_login")
                                           & (AuditEvent.actor == staff.user_id))
    only = (await client.get("/staff/audit?action=budget_set")).text
    assert "budget_set" in only and "Too big for a micro-wish" not in only
    by_actor = (await client.get(f"/staff/audit?actor={owner.login}")).text
    assert "Too big for a micro-wish" not in by_actor
    future = (await client.get("/staff/audit?date_from=2099-01-01")).text
    assert "Too big for a micro-wish" not in future
    beyond = (await client.get("/staff/audit?date_from=2999-01-01",
                               headers={"accept-language": "en"})).text
    assert "Please enter dates as YYYY-MM-DD: showing all dates." in beyond

    # Staff of another community and residents do not see these lines.
    client.cookies.clear()
    await login(client, owner)
    assert (await client.get("/staff/audit")).status_code == 403
    response = await post(client, "/logout")
    assert response.status_code == 303


async def test_exports_use_the_pages_labels_and_shop_names(client, world: World) -> None:
    from marketplace.rewards.tables import Merchant

    staff, helper = await world.person(staff=True), await world.person(helper=True)
    owner = await world.person()
    cat = await service.add_category(staff, world.community_id, "Repairs", 10)
    await service.post_wish(owner, service.NewWish(cat, "Still waiting"))
    shop = (await Merchant.insert(Merchant(community=world.community_id, owner=staff.user_id,
                                           name="Lotus Bakery")).returning(Merchant.id))[0]
    await ledger.award(world.community_id, helper.user_id, 9, "award", "wish:0", None, "",
                       unique("k"))
    account = await ledger.merchant_account(world.community_id, shop["id"])
    hold = await holds.hold(helper.user_id, 4, "code:FRUAKVFK",
                             datetime.now(UTC) + timedelta(minutes=5), unique("h"))
    await holds.post_hold(int(hold["id"]), int(account["id"]), "redeem", helper.user_id, "")
    client.headers["accept-language"] = "en"
    await login(client, staff)
    q = f"community_id={world.community_id}"
    answer = await client.get(f"/staff/reports/export/wishes.csv?{q}")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    wishes = rows_of(answer.content)
    assert wishes[0][2] == "Status"
    assert [r[2] for r in wishes[1:] if r[4] == "Still waiting"] == ["Waiting for review"]
    rows = rows_of((await client.get(f"/staff/reports/export/redemptions.csv?{q}")).content)
    assert rows[0][3] == "Merchant"
    assert [(r[3], r[5]) for r in rows[1:]] == [("Lotus Bakery", "FRUA-KVFK")]
    rows = rows_of((await client.get(f"/staff/reports/export/transfers.csv?{q}")).content)
    assert {r[2] for r in rows[1:]} == {"Wish award", "Redeemed"}
    assert "Merchant: Lotus Bakery" in {r[5] for r in rows[1:]}
