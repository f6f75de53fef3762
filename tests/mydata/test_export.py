"""Download my data (PIPL Art. 45): exactly the person's data, nobody else's; large
exports through a job and the timer; only the person (or their staff) downloads it."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile
from datetime import timedelta

import httpx
import pytest

from marketplace import clock, settings
from marketplace.accounts import managed
from marketplace.accounts.tables import User
from marketplace.audit.tables import AuditEvent
from marketplace.errors import NotFound
from marketplace.mydata import export
from marketplace.mydata.sections import COLUMNS
from marketplace.notifications import service as notifications
from marketplace.principal import Principal
from marketplace.privacy import exports, notice
from marketplace.privacy.tables import ExportJob
from marketplace.timers import run_all
from marketplace.wishes import service as wishes
from tests.cast import new_world
from tests.conftest import World, login, post, unique
from tests.wishes.helpers import open_wish


async def _person(world: World, name: str, phone: str, address: str, *,
                  helper: bool = False) -> Principal:
    who = await world.person(helper=helper, name=name)
    await User.update({User.phone: phone, User.address: address}).where(
        User.id == who.user_id)
    return who


def _files(body: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


async def _download(client: httpx.AsyncClient, who: Principal) -> dict[str, str]:
    await login(client, who)
    response = await post(client, "/me/data/export")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    return _files(response.content)


@pytest.fixture
async def two(world: World) -> dict[str, Principal]:
    """Alice's wish, claimed and fulfilled by Bob, confirmed by Alice; Dave, unrelated."""
    people = {
        "staff": await world.person(staff=True, name=unique("Staff ")),
        "alice": await _person(world, unique("Alice "), "13811112222", "Room 101 Plum"),
        "bob": await _person(world, unique("Bob "), "13933334444", "Room 202 Pear",
                             helper=True),
        "dave": await _person(world, unique("Dave "), "13755556666", "Room 303 Fig",
                              helper=True),
    }
    wish_id = await open_wish(world, people["alice"], people["staff"], title="Carry rice")
    await wishes.claim(people["bob"], wish_id)
    await wishes.fulfil(people["bob"], wish_id, "Two bags upstairs", 30)
    await wishes.confirm(people["alice"], wish_id, 5, "Thank you")
    other = await open_wish(world, people["dave"], people["staff"], title="Walk the dog")
    await wishes.claim(people["bob"], other)
    return people


async def test_export_holds_the_persons_data_and_nobody_elses(
        client: httpx.AsyncClient, two: dict[str, Principal]) -> None:
    alice, bob, dave = two["alice"], two["bob"], two["dave"]
    got = await _download(client, alice)
    everything = "\n".join(got.values())
    data = json.loads(got["data.json"])["sections"]
    assert data["profile"][0]["phone"] == "13811112222"
    assert data["profile"][0]["address"] == "Room 101 Plum"
    assert [w["title"] for w in data["wishes"]] == ["Carry rice"]
    assert data["wishes"][0]["helpers"] == bob.display_name  # seen on her wish
    assert sum(p["change"] for p in data["points"]) == 0  # she spent none, got none
    assert data["notifications"], "she was told her wish was fulfilled"
    steps = {(e["action"], e["by"]) for e in data["wish_events"]}
    assert {("claim", bob.display_name), ("confirm", alice.display_name)} <= steps
    # Bob appears by name only, as Alice saw him; never his phone, address or login.
    for secret in ("13933334444", "Room 202 Pear", bob.login):
        assert secret not in everything
    # Dave (and his wish) never met Alice: not there at all.
    for secret in (dave.display_name, dave.login, "13755556666", "Room 303 Fig",
                   "Walk the dog"):
        assert secret not in everything
    assert "password_hash" not in everything and "$argon2" not in everything


async def test_the_helpers_export_names_the_owner_only(
        client: httpx.AsyncClient, two: dict[str, Principal]) -> None:
    alice, bob, dave = two["alice"], two["bob"], two["dave"]
    got = await _download(client, bob)
    everything = "\n".join(got.values())
    data = json.loads(got["data.json"])["sections"]
    assert {c["wish_title"] for c in data["claims"]} == {"Carry rice", "Walk the dog"}
    assert {c["wish_owner"] for c in data["claims"]} == {alice.display_name,
                                                         dave.display_name}
    assert data["helper_profile"][0]["status"] == "verified"
    assert [p["change"] for p in data["points"]] == [10]  # paid for Alice's wish
    for secret in ("13811112222", "Room 101 Plum", alice.login, "13755556666",
                   "Room 303 Fig", dave.login):
        assert secret not in everything
    assert data["wishes"] == []  # he posted none
    # His own steps on Dave's wish, not Dave's posting of it.
    assert {e["by"] for e in data["wish_events"]} == {bob.display_name}


async def test_json_parses_and_every_csv_has_its_header(
        client: httpx.AsyncClient, two: dict[str, Principal]) -> None:
    got = await _download(client, two["alice"])
    document = json.loads(got["data.json"])
    assert set(document["sections"]) == set(COLUMNS)
    # Agreed to the notice at sign-up: exactly that one choice, with its version.
    assert [(c["kind"], c["version"]) for c in document["sections"]["consents"]] == [
        ("notice", notice.VERSION)]
    for name, columns in COLUMNS.items():
        rows = list(csv.reader(io.StringIO(got[f"{name}.csv"])))
        assert tuple(rows[0]) == columns, name
        assert len(rows) - 1 == len(document["sections"][name]), name


async def test_every_export_is_audited(client: httpx.AsyncClient,
                                       two: dict[str, Principal]) -> None:
    alice = two["alice"]
    await _download(client, alice)
    line = await AuditEvent.select().where(
        (AuditEvent.action == "data_exported") & (AuditEvent.target_id == alice.user_id)
    ).first()
    assert line is not None and line["actor"] == alice.user_id


@pytest.fixture
def inline_rows(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Every export above 3 rows goes through a job."""
    monkeypatch.setattr(settings, "_settings", dataclasses.replace(
        settings.get(), export_inline_rows=3))


async def test_a_large_export_is_made_by_the_timer_and_downloaded_from_me(
        client: httpx.AsyncClient, two: dict[str, Principal], inline_rows: None) -> None:
    alice = two["alice"]
    for n in range(4):
        await notifications.send(alice.user_id, "helper_verified", link="/me", reason=str(n))
    await login(client, alice)
    asked = await post(client, "/me/data/export")
    assert asked.status_code == 303 and asked.headers["location"] == "/me#my-data"
    again = await post(client, "/me/data/export")  # a second click: the same job
    assert again.status_code == 303
    jobs = await ExportJob.select().where(ExportJob.user == alice.user_id)
    assert len(jobs) == 1 and jobs[0]["status"] == "pending"
    me = await client.get("/me", headers={"accept-language": "en"})
    assert "being prepared" in me.text
    assert f"/data-exports/{jobs[0]['id']}" not in me.text
    early = await client.get(f"/data-exports/{jobs[0]['id']}")
    assert early.status_code == 404

    await run_all()
    await run_all()  # idempotent: built once
    job = await ExportJob.select().where(ExportJob.id == jobs[0]["id"]).first()
    assert job["status"] == "ready"
    assert len(list(exports.folder().glob(f"data-{alice.user_id}-*.zip"))) == 1
    me = await client.get("/me", headers={"accept-language": "en"})
    assert f"/data-exports/{job['id']}" in me.text
    got = await client.get(f"/data-exports/{job['id']}")
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    data = json.loads(_files(got.content)["data.json"])["sections"]
    assert len(data["notifications"]) >= 4
    assert "13933334444" not in got.content.decode("latin-1")


async def test_a_prepared_file_is_removed_after_its_days(
        two: dict[str, Principal], inline_rows: None) -> None:
    alice = two["alice"]
    made = await export.make(alice, alice.user_id)
    assert made.job_id is not None and made.body is None
    await export.run_jobs(clock.now())
    path, _owner = await exports.download(alice, made.job_id)
    later = clock.now() + timedelta(days=settings.get().export_keep_days, minutes=1)
    assert await export.run_jobs(later) >= 1  # earlier tests' files expire too
    assert await export.run_jobs(later) == 0  # twice: removed once
    assert not path.exists()
    job = await ExportJob.select().where(ExportJob.id == made.job_id).first()
    assert job["status"] == "expired"


async def test_nobody_else_downloads_someones_export(
        app, world: World, two: dict[str, Principal], inline_rows: None) -> None:  # type: ignore[no-untyped-def]
    alice, bob = two["alice"], two["bob"]
    made = await export.make(alice, alice.user_id)
    await export.run_jobs(clock.now())
    other_world = await new_world()
    strangers = [bob, two["staff"], await other_world.person(staff=True)]
    for who in strangers:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            await login(c, who)
            response = await c.get(f"/data-exports/{made.job_id}")
            assert response.status_code == 404, who.display_name
            refused = await post(c, f"/staff/members/{alice.user_id}/data-export")
            assert refused.status_code in (403, 404)


async def test_staff_export_and_correct_a_managed_resident_only_in_their_community(
        client: httpx.AsyncClient, world: World, two: dict[str, Principal]) -> None:
    staff = two["staff"]
    granny = await managed.create(staff, managed.ManagedAccount(
        unique("Granny "), world.community_id, world.grid_id, world.building_id,
        address="Room 9", phone="13600007777"))
    await login(client, staff)
    response = await post(client, f"/staff/members/{granny}/data-export")
    assert response.status_code == 200
    data = json.loads(_files(response.content)["data.json"])["sections"]
    assert data["profile"][0]["phone"] == "13600007777"
    # Someone acting for another (a proxy) does not copy anyone's data.
    acting = dataclasses.replace(two["bob"], agent_id=staff.user_id)
    with pytest.raises(NotFound):
        await exports.subject(acting, granny)
    # Staff of another community: as if she did not exist.
    elsewhere = await (await new_world()).person(staff=True)
    with pytest.raises(NotFound):
        await export.make(elsewhere, granny)
