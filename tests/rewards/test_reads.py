"""Who may read what: the services decide per object; and the statement file is safe to open."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from marketplace import clock
from marketplace.accounts import sessions
from marketplace.accounts.tables import User
from marketplace.errors import Forbidden
from marketplace.rewards import merchants, offers, service, settlement
from marketplace.rewards.tables import RedeemCode
from tests.conftest import World, login, post
from tests.rewards.helpers import other_world, resident, shop

EN = {"accept-language": "en"}


async def test_statement_csv_quotes_what_a_spreadsheet_would_run(client, world: World) -> None:
    s = await shop(world)
    await offers.update(s.owner, s.merchant_id, s.offer_id,
                        offers.OfferInput("=HYPERLINK(1)", 10))
    r = await resident(world, 100)
    cashier = await world.person()
    invite_id = await merchants.add_cashier(s.owner, s.merchant_id, cashier.login)
    await merchants.answer_invite(cashier, invite_id, True)
    # Registration trims names; a spreadsheet also skips a leading tab or carriage return.
    await User.update({User.display_name: "\t@SUM(A1)"}).where(User.id == r.user_id)
    await User.update({User.display_name: "\r-1"}).where(User.id == cashier.user_id)
    code = await service.issue(r, s.offer_id)
    await service.redeem(await sessions.load_principal(cashier.user_id), s.merchant_id,
                         code["code"])

    await login(client, s.owner)
    got = await client.get(f"/merchant/{s.merchant_id}/statement.csv", headers=EN)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.headers["content-disposition"] == \
        f'attachment; filename="statement-{s.merchant_id}.csv"'
    assert got.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == ["Time", "Offer", "Points", "Cashier", "Resident", "Code", "Settlement"]
    line = rows[1]
    assert line[1:5] == ["'=HYPERLINK(1)", "10", "'\r-1", "'\t@SUM(A1)"]
    assert line[5] == code["code"] and line[6] == ""
    redeemed = (await RedeemCode.select(RedeemCode.redeemed_at).where(
        RedeemCode.id == code["id"]).first())["redeemed_at"]
    assert line[0] == clock.local_time(redeemed, "%Y-%m-%d %H:%M:%S")


async def test_statement_days_are_local_and_bad_ones_are_explained(client, world: World) -> None:
    s = await shop(world)
    r = await resident(world, 100)
    code = await service.issue(r, s.offer_id)
    await service.redeem(s.owner, s.merchant_id, code["code"])
    # 23:30 in China on 1 March is 15:30 UTC: the statement files it under 1 March.
    moment = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    await RedeemCode.update({RedeemCode.redeemed_at: moment}).where(RedeemCode.id == code["id"])
    day = clock.local_date(moment)
    assert day.isoformat() == "2026-03-01"
    st = await settlement.statement(s.owner, s.merchant_id, day, day)
    assert [x["id"] for x in st.lines] == [code["id"]] and st.by_day[0][0] == "2026-03-01"
    assert (await settlement.statement(s.owner, s.merchant_id, day + timedelta(days=1))).lines \
        == []

    await login(client, s.owner)
    bad = await client.get(f"/merchant/{s.merchant_id}/statement?start=2026-02-30", headers=EN)
    assert bad.status_code == 200 and "Please enter the date as YYYY-MM-DD." in bad.text


async def test_reads_are_refused_outside_the_shop_and_the_community(world: World) -> None:
    a = await shop(world, name="Shop A")
    b = await shop(world, name="Shop B")
    staff = await world.person(staff=True)
    far = await other_world()
    far_staff = await far.person(staff=True)

    for read in (offers.of_merchant, merchants.members, settlement.of_merchant,
                 settlement.unsettled_points, settlement.redemptions, settlement.statement):
        with pytest.raises(Forbidden):
            await read(b.owner, a.merchant_id)
        with pytest.raises(Forbidden):
            await read(far_staff, a.merchant_id)
    assert await settlement.unsettled_points(staff, a.merchant_id) == 0
    with pytest.raises(Forbidden):
        await merchants.require_staff(far_staff, a.merchant_id)
    with pytest.raises(Forbidden):
        await merchants.require_staff(a.owner, a.merchant_id)
    with pytest.raises(Forbidden):
        await merchants.queue(far_staff, world.community_id)
    queue = await merchants.queue(staff, world.community_id)
    assert {m["id"] for m in queue["verified"]} >= {a.merchant_id, b.merchant_id}
    assert (await merchants.membership(a.owner, a.merchant_id)).is_owner


async def test_only_staff_of_the_community_are_offered_to_mark_paid(client, world: World
                                                                     ) -> None:
    s = await shop(world, price=15)
    staff = await world.person(staff=True)
    r = await resident(world, 100)
    code = await service.issue(r, s.offer_id)
    await service.redeem(s.owner, s.merchant_id, code["code"])
    yesterday = clock.today() - timedelta(days=1)
    await RedeemCode.update({RedeemCode.redeemed_at: clock.day_start(yesterday)}).where(
        RedeemCode.id == code["id"])
    settlement_id = await settlement.close_period(staff, s.merchant_id, yesterday, yesterday)
    assert (await settlement.sheet(staff, settlement_id)).can_pay
    owners = await settlement.sheet(s.owner, settlement_id)
    assert not owners.can_pay and [x["id"] for x in owners.lines] == [code["id"]]
    far_staff = await (await other_world()).person(staff=True)
    with pytest.raises(Forbidden):
        await settlement.sheet(far_staff, settlement_id)

    await login(client, far_staff)
    assert (await client.get(f"/settlements/{settlement_id}")).status_code == 403
    assert (await client.get(f"/staff/merchants?community_id={world.community_id}")
            ).status_code == 403
    refused = await post(client, f"/settlements/{settlement_id}/paid", {"note": "x"})
    assert refused.status_code == 403
    assert (await settlement.sheet(staff, settlement_id)).settlement["status"] == "closed"


async def test_a_mistyped_day_is_refused_under_its_field(client, world: World) -> None:
    s = await shop(world)
    await login(client, s.owner)
    refused = await post(client, f"/merchant/{s.merchant_id}/offers/new",
                         {"title": "Tea", "price": "5", "valid_to": "2026-02-30"}, headers=EN)
    assert refused.status_code == 422
    assert '<p class="field-error" id="valid_to-error">Please enter the date as YYYY-MM-DD.' \
        in refused.text
    assert 'id="valid_to" name="valid_to" type="date" value="2026-02-30"' in refused.text
