"""Staff review a new wish from the queue (issue 15): approve with its default points in one
tap, or reject with a reason in two; a missing reason is said at the field, the text kept,
with and without htmx; the wish page leads back to the queue."""

from __future__ import annotations

import re

from marketplace.wishes import service
from tests.conftest import World, login, post
from tests.wishes.helpers import status

EN = {"accept-language": "en"}
HTMX = {**EN, "HX-Request": "true", "HX-Current-URL": "http://testserver/staff/wishes"}


async def _pending(world: World, title: str = "Mend the fence", points: int = 12) -> tuple:
    owner, staff = await world.person(), await world.person(staff=True)
    category = await service.add_category(staff, world.community_id, "Repairs", points)
    wish_id = await service.post_wish(owner, service.NewWish(
        category, title, "The gate hinge is broken and it swings in the wind."))
    return staff, wish_id


async def test_the_queue_offers_approve_with_the_default_points(client, world: World) -> None:
    staff, wish_id = await _pending(world)
    await login(client, staff)
    queue = await client.get("/staff/wishes", headers=EN)
    assert f'action="/staff/wishes/{wish_id}/review"' in queue.text
    assert "Approve (12 points)" in queue.text
    # What staff decide on, without opening the wish: who asks and what for.
    assert re.search(r'class="queue-detail">Asked by [^<]*: The gate hinge is broken', queue.text)
    r = await post(client, f"/staff/wishes/{wish_id}/review", {"decision": "approve"})
    assert r.status_code == 303 and r.headers["location"] == "/staff/wishes"
    assert await status(wish_id) == "open"


async def test_rejecting_without_a_reason_says_so_at_the_field(client, world: World) -> None:
    staff, wish_id = await _pending(world)
    await login(client, staff)
    r = await post(client, f"/staff/wishes/{wish_id}/review",
                   {"decision": "reject", "reason": "  "}, headers=EN)
    assert r.status_code == 422
    assert re.search(rf'id="reason-{wish_id}"[^>]*aria-invalid="true"', r.text)
    assert f'id="reason-{wish_id}-error">Please tell the resident why' in r.text
    assert "<details open>" in r.text  # the reject form stays open
    # Said at the top too, with the way down to the wish (the page comes back scrolled up).
    assert re.search(rf'role="alert">Please tell the resident why[^<]*<a href="#pending-{wish_id}">'
                     r'Go to the wish</a>', r.text)
    assert await status(wish_id) == "pending"


async def test_htmx_swaps_only_the_review_box_while_a_try_is_refused(
        client, world: World) -> None:
    staff, wish_id = await _pending(world)
    await login(client, staff)
    r = await post(client, f"/staff/wishes/{wish_id}/review", {"decision": "reject"},
                   headers=HTMX)
    assert r.status_code == 200 and "<h1" not in r.text
    assert r.headers["hx-retarget"] == f"#review-{wish_id}"
    assert f'id="review-{wish_id}"' in r.text and "Please tell the resident why" in r.text
    assert f'id="pending-{wish_id}"' not in r.text  # the card stays as it was
    assert await status(wish_id) == "pending"


async def test_a_decided_wish_leaves_the_queue_and_the_count_follows(
        client, world: World) -> None:
    staff, wish_id = await _pending(world, "Mend the fence")
    category = (await service.categories(world.community_id))[0]["id"]
    other = await service.post_wish(await world.person(),
                                    service.NewWish(category, "Carry the shopping"))
    await login(client, staff)
    queue = await client.get("/staff/wishes", headers=EN)
    assert '<span id="pending-total">(2)</span>' in queue.text
    # The forms aim at the whole item: the card with its "waiting for review" tag goes too.
    assert f'hx-target="#pending-{wish_id}"' in queue.text
    assert re.search(rf'id="pending-{wish_id}">.*?Mend the fence.*?id="review-{wish_id}"',
                     queue.text, re.S)
    r = await post(client, f"/staff/wishes/{wish_id}/review",
                   {"decision": "reject", "reason": "Please ask the property office."},
                   headers=HTMX)
    assert r.status_code == 200 and "hx-retarget" not in r.headers
    item = r.text.split('<span id="pending-total"')[0]
    assert f'id="pending-{wish_id}"' in item and "Mend the fence" in item
    assert "the resident will see your reason" in item
    assert f'id="review-{wish_id}"' not in item and "Approve (" not in item
    assert re.search(r'<span id="pending-total" hx-swap-oob="true">\(1\)</span>', r.text)
    assert await status(wish_id) == "rejected"
    r = await post(client, f"/staff/wishes/{other}/review", {"decision": "approve"},
                   headers=HTMX)
    assert "Carry the shopping" in r.text and "helpers can now see and claim" in r.text
    assert re.search(r'<span id="pending-total" hx-swap-oob="true">\(0\)</span>', r.text)
    assert await status(other) == "open"


async def test_another_communitys_staff_cannot_review(client, world: World) -> None:
    _staff, wish_id = await _pending(world)
    outsider = await world.person()  # a resident, not staff
    await login(client, outsider)
    r = await post(client, f"/staff/wishes/{wish_id}/review", {"decision": "approve"})
    assert r.status_code == 403
    assert await status(wish_id) == "pending"


async def test_the_wish_page_leads_staff_back_to_the_queue(client, world: World) -> None:
    staff, wish_id = await _pending(world)
    await login(client, staff)
    page = await client.get(f"/wishes/{wish_id}", headers=EN)
    assert '<a href="/staff/wishes">← Wish queues</a>' in page.text
    r = await post(client, f"/wishes/{wish_id}/reject", {"note": ""}, headers=EN)
    assert r.status_code == 422
    assert re.search(r'id="reject-note"[^>]*aria-invalid="true"', r.text)
    assert 'id="action-error"' not in r.text  # at the field, not in a banner
