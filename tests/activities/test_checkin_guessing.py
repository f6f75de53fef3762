"""Check-in codes: one answer for every wrong code, and guessing slowed down per person."""

from __future__ import annotations

from datetime import timedelta

from marketplace import clock
from marketplace.accounts import throttle
from marketplace.accounts.tables import LoginAttempt
from marketplace.activities import service
from tests.activities.test_activities import _activity, _other_world_person, _paid
from tests.conftest import World, login, post

EN = {"accept-language": "en"}


def _error(html: str) -> str:
    start = html.index('class="field-error"')
    return html[html.index(">", start) + 1:html.index("</p>", start)]


async def test_unknown_and_other_community_codes_get_the_same_answer(
        client, world: World) -> None:
    elsewhere = await _activity(world)
    person = await _other_world_person()
    await login(client, person)
    answers = []
    for code in ("ZZZZZZ", elsewhere["code"]):
        r = await post(client, "/activities/checkin", {"code": code, "method": "code"},
                       headers=EN)
        assert r.status_code == 422
        answers.append(_error(r.text))
        await LoginAttempt.delete().where(LoginAttempt.key == f"checkin:{person.user_id}")
        r = await client.get(f"/activities/checkin?code={code}", headers=EN)  # a QR link
        answers.append(_error(r.text))
        assert elsewhere["title"] not in r.text
        await LoginAttempt.delete().where(LoginAttempt.key == f"checkin:{person.user_id}")
    assert answers[0].startswith("No activity in your community has this code.")
    assert len(set(answers)) == 1, answers


async def test_guessing_check_in_codes_is_slowed_per_person(client, world: World) -> None:
    activity = await _activity(world, points=4)
    guesser, neighbour = await world.person(), await world.person()
    await login(client, guesser)
    for i in range(throttle.CHECKIN.free):
        r = await post(client, "/activities/checkin", {"code": f"ZZZZ{i}Z", "method": "code"})
        assert r.status_code == 422
    r = await post(client, "/activities/checkin", {"code": activity["code"], "method": "code"},
                   headers=EN)
    assert r.status_code == 422 and "Please wait 30 seconds" in r.text
    assert await _paid(guesser.user_id, activity["id"]) == []
    # Counted in the database (every process sees it), for this person only.
    assert await LoginAttempt.count().where(
        LoginAttempt.key == f"checkin:{guesser.user_id}") == throttle.CHECKIN.free
    await service.check_in(neighbour, activity["code"])
    # After the wait, the right code works.
    await LoginAttempt.update({LoginAttempt.at: clock.now() - timedelta(seconds=31)}).where(
        LoginAttempt.key == f"checkin:{guesser.user_id}")
    r = await post(client, "/activities/checkin", {"code": activity["code"], "method": "code"})
    assert r.status_code == 303
    assert await _paid(guesser.user_id, activity["id"]) == [4]

