"""Privacy questions and complaints (issue 16 item 8): asked on /privacy/requests, queued
for the person's community staff with a 15-working-day due day, closed by a reasoned answer
that the person is notified of and reads; nobody else sees or answers them."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from marketplace import clock
from marketplace.audit.tables import AuditEvent
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.notifications import service as notifications
from marketplace.privacy import requests
from marketplace.privacy.tables import PrivacyRequest
from marketplace.privacy.workdays import add_working_days
from tests.cast import new_world
from tests.conftest import World, login, post, text_of

EN = {"accept-language": "en"}
ANSWER = "We checked: only your helper saw your phone, on 3 May. Nothing else was shared."


async def test_request_queue_answer_and_notice(client: httpx.AsyncClient, world: World) -> None:
    resident, staff = await world.person(name="王阿姨"), await world.person(staff=True)
    await login(client, resident)
    sent = await post(client, "/privacy/requests", {
        "kind": "access", "text": "Who has my phone number?", "contact_preference": "call me"})
    assert sent.status_code == 303
    [row] = await PrivacyRequest.select().where(PrivacyRequest.person == resident.user_id)
    assert row["due_on"] == add_working_days(clock.today(), 15)
    assert (row["status"], row["community"]) == ("open", world.community_id)
    assert "privacy_request_new" in await notifications.kinds_sent(staff.user_id)
    mine = text_of((await client.get("/privacy/requests", headers=EN)).text)
    assert "Who has my phone number?" in mine and "Waiting for an answer" in mine
    assert "How to reach you: call me" in mine  # what they asked for, shown back to them
    assert "1 request waiting" in text_of((await client.get("/me", headers=EN)).text)
    client.cookies.clear()

    await login(client, staff)
    queue = text_of((await client.get("/staff/privacy-requests", headers=EN)).text)
    assert "王阿姨" in queue and f"Due by {row['due_on'].isoformat()}" in queue
    short = await post(client, f"/staff/privacy-requests/{row['id']}/answer",
                       {"answer": "ok"}, headers=EN)
    assert short.status_code == 422 and "reasoned answer" in short.text
    assert 'aria-invalid="true"' in short.text and ">ok</textarea>" in short.text
    done = await post(client, f"/staff/privacy-requests/{row['id']}/answer", {"answer": ANSWER})
    assert done.status_code == 303
    empty = (await client.get("/staff/privacy-requests", headers=EN)).text
    assert "No request is waiting" in empty, text_of(empty)
    client.cookies.clear()

    assert "privacy_request_answered" in await notifications.kinds_sent(resident.user_id)
    await login(client, resident)
    mine = text_of((await client.get("/privacy/requests", headers=EN)).text)
    assert ANSWER in mine and "Answered" in mine
    audit = await AuditEvent.select().where(
        (AuditEvent.target_type == "privacy_request") & (AuditEvent.target_id == row["id"]))
    assert [(a["action"], a["actor"]) for a in audit] == [
        ("privacy_request_made", resident.user_id), ("privacy_request_answered", staff.user_id)]


async def test_bad_input_is_refused_at_the_field_and_kept(client: httpx.AsyncClient,
                                                          world: World) -> None:
    resident = await world.person()
    await login(client, resident)
    r = await post(client, "/privacy/requests", {"kind": "access", "text": "  "}, headers=EN)
    assert r.status_code == 422 and "Please write your question" in r.text
    r = await post(client, "/privacy/requests", {"kind": "gossip", "text": "Hello there"},
                   headers=EN)
    assert r.status_code == 422 and "Please choose what" in r.text and "Hello there" in r.text
    r = await post(client, "/privacy/requests", {"kind": "other", "text": "x" * 2001},
                   headers=EN)
    assert r.status_code == 422 and "2000 characters" in r.text
    assert await PrivacyRequest.count().where(PrivacyRequest.person == resident.user_id) == 0


async def test_visitors_are_shown_the_office(client: httpx.AsyncClient, world: World) -> None:
    page = await client.get("/privacy/requests", headers=EN)
    assert page.status_code == 200 and "ask at your community office" in page.text
    assert 'action="/privacy/requests"' not in page.text
    before = await PrivacyRequest.count()
    refused = await post(client, "/privacy/requests", {"kind": "other", "text": "hi"})
    assert refused.status_code in (302, 303, 401)
    assert await PrivacyRequest.count() == before


async def test_overdue_requests_are_highlighted(client: httpx.AsyncClient, world: World) -> None:
    resident, staff = await world.person(), await world.person(staff=True)
    late = await requests.submit(resident, "complaint", "Nobody answered me")
    fresh = await requests.submit(resident, "question", "Fresh one")
    await PrivacyRequest.update({PrivacyRequest.due_on: clock.today() - timedelta(days=1)}
                                ).where(PrivacyRequest.id == late)
    await login(client, staff)
    queue = (await client.get("/staff/privacy-requests", headers=EN)).text
    assert queue.count("Overdue") == 1 and 'class="overdue"' in queue
    # the soonest due first
    assert queue.index(f"/staff/privacy-requests/{late}") < queue.index(
        f"/staff/privacy-requests/{fresh}")
    detail = await client.get(f"/staff/privacy-requests/{late}", headers=EN)
    assert "Overdue" in detail.text and "Nobody answered me" in detail.text


async def test_only_staff_of_the_community_see_and_answer(client: httpx.AsyncClient,
                                                          world: World) -> None:
    resident, staff = await world.person(), await world.person(staff=True)
    request_id = await requests.submit(resident, "deletion", "Please delete my address")
    far = await new_world()
    far_staff, admin = await far.person(staff=True), await far.person(admin=True)
    neighbour = await world.person()

    with pytest.raises(NotFound):
        await requests.get(far_staff, request_id)
    with pytest.raises(NotFound):
        await requests.answer(far_staff, request_id, ANSWER)
    with pytest.raises(NotFound):
        await requests.get(resident, request_id)  # theirs is read on their own page
    with pytest.raises(Forbidden):
        await requests.queue(far_staff, world.community_id)
    assert [r["id"] for r in await requests.mine(neighbour)] == []
    assert request_id not in [r["id"] for r in await requests.queue(far_staff,
                                                                    far.community_id)]
    assert request_id in [r["id"] for r in await requests.queue(admin, None)]

    await login(client, far_staff)
    assert (await client.get(f"/staff/privacy-requests/{request_id}")).status_code == 404
    r = await post(client, f"/staff/privacy-requests/{request_id}/answer", {"answer": ANSWER})
    assert r.status_code == 404
    client.cookies.clear()
    await login(client, neighbour)
    assert (await client.get("/staff/privacy-requests")).status_code == 403
    r = await post(client, f"/staff/privacy-requests/{request_id}/answer", {"answer": ANSWER})
    assert r.status_code == 403
    assert "Please delete my address" not in (await client.get("/privacy/requests")).text
    row = await PrivacyRequest.select().where(PrivacyRequest.id == request_id).first()
    assert row["status"] == "open" and row["answer"] == ""

    await requests.answer(staff, request_id, ANSWER)
    with pytest.raises(Conflict):
        await requests.answer(admin, request_id, "A second answer, for good measure.")


async def test_staff_do_not_answer_their_own_request(world: World) -> None:
    staff, other_staff = await world.person(staff=True), await world.person(staff=True)
    request_id = await requests.submit(staff, "question", "What do you keep about me?")
    with pytest.raises(Forbidden):
        await requests.answer(staff, request_id, ANSWER)
    await requests.answer(other_staff, request_id, ANSWER)
    with pytest.raises(DomainError):
        await requests.submit(staff, "question", "y" * (requests.TEXT_MAX + 1))
