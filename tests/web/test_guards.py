"""Route guards run from the app's ``before_request`` (``auth.check_guard``; Litestar's
own ``guards`` copied the route handler on every request, issue 13): every route keeps its
gate, signed out and as a resident."""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute

from marketplace.web import auth, consent_gate
from tests.conftest import World, login


def handlers(app: Litestar) -> list:
    return [handler for route in app.routes if isinstance(route, HTTPRoute)
            for handler, _ in route.route_handler_map.values()]


def guarded_pages(app: Litestar, guard: object) -> list[str]:
    """GET pages without path parameters whose guard is ``guard``."""
    return sorted(route.path for route in app.routes if isinstance(route, HTTPRoute)
                  and "{" not in route.path and "GET" in route.route_handler_map
                  and route.route_handler_map["GET"][0].opt.get(auth.GUARD) is guard)


def test_no_route_replaces_the_apps_before_request(app: Litestar) -> None:
    # A layer's own before_request would replace the app's, and its guard with it.
    for handler in handlers(app):
        assert handler.resolve_before_request() is consent_gate.before_request, handler


def test_guards_are_the_known_ones_and_litestars_are_unused(app: Litestar) -> None:
    found = {handler.opt.get(auth.GUARD) for handler in handlers(app)}
    assert found == {None, auth.login_required, auth.staff_required}
    assert not [h for h in handlers(app) if h.resolve_guards()]


async def test_guarded_pages_refuse_the_signed_out(app: Litestar, client) -> None:
    pages = guarded_pages(app, auth.login_required) + guarded_pages(app, auth.staff_required)
    assert len(pages) > 20
    for path in pages:
        r = await client.get(path, headers={"accept-language": "en"})
        if path.startswith("/api/"):
            assert r.status_code == 401, path
        else:
            assert r.status_code == 303, path
            assert r.headers["location"].startswith("/login?next="), path


async def test_staff_pages_refuse_a_resident(app: Litestar, client, world: World) -> None:
    await login(client, await world.person())
    pages = guarded_pages(app, auth.staff_required)
    assert len(pages) > 10
    for path in pages:
        r = await client.get(path, headers={"accept-language": "en"})
        assert r.status_code == 403, path
