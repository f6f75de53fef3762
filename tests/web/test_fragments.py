"""Parts of pages kept per process (``{% cached %}``, web/fragments.py): a kept copy is
never out of date, never another person's view, and never carries another response's
CSRF token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from jinja2 import Environment
from litestar.plugins.jinja import JinjaTemplateEngine

from marketplace import i18n
from marketplace.community.tables import Grid
from marketplace.web import fragments, templating
from marketplace.web.templating import configure_jinja
from marketplace.wishes import service
from marketplace.wishes.tables import Wish
from tests.conftest import World, login
from tests.wishes.helpers import open_wish

EN = {"Accept-Language": "en"}


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="_csrf_token" value="([^"]+)"', html))


def card_of(html: str, wish_id: int) -> str:
    start = html.index(f'<a href="/wishes/{wish_id}">')
    return html[html.rindex("<article", 0, start):html.index("</article>", start)]


async def test_a_changed_wish_or_a_renamed_grid_shows_at_once(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    wish_id = await open_wish(world, owner, staff, title="Carry the rice")
    await login(client, helper)
    first = await client.get("/wishes/", headers=EN)
    assert "Carry the rice" in first.text and "Grid A" in card_of(first.text, wish_id)

    await Wish.update({Wish.title: "Carry the <b>flour</b>", Wish.points: 35}).where(
        Wish.id == wish_id)
    await Grid.update({Grid.name: "Grid North"}).where(Grid.id == world.grid_id)
    second = card_of((await client.get("/wishes/", headers=EN)).text, wish_id)
    assert "Carry the &lt;b&gt;flour&lt;/b&gt;" in second and "rice" not in second
    assert "35 points" in second and "Grid North" in second and "Grid A" not in second


async def test_each_viewer_and_language_gets_their_own_cards(
        app, client: httpx.AsyncClient, world: World) -> None:  # type: ignore[no-untyped-def]
    owner, staff = await world.person(), await world.person(staff=True)
    helper, neighbour = await world.person(helper=True), await world.person()
    wish_id = await open_wish(world, owner, staff, title="Walk the dog")
    await login(client, helper)
    seen_by_helper = card_of((await client.get("/wishes/", headers=EN)).text, wish_id)
    assert f'action="/wishes/{wish_id}/claim"' in seen_by_helper

    transport = httpx.ASGITransport(app=app, client=("10.9.9.8", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await login(other, neighbour)
        seen_by_neighbour = card_of((await other.get("/wishes/", headers=EN)).text, wish_id)
        in_chinese = (await other.get("/wishes/", headers={"Accept-Language": "zh-CN"})).text
    assert "/claim" not in seen_by_neighbour  # not a helper: no claim button
    assert "10 points" in seen_by_neighbour and "10积分" in card_of(in_chinese, wish_id)
    assert "10 points" not in card_of(in_chinese, wish_id) and "待认领的心愿" in in_chinese


async def test_every_form_on_a_page_carries_that_responses_own_token(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    await open_wish(world, owner, staff)
    await open_wish(world, owner, staff)
    await login(client, await world.person(helper=True))
    pages = [(await client.get("/wishes/", headers=EN)).text for _ in range(2)]
    # Card forms and the footer's language form: one token per page, masked anew each time.
    assert all(page.count('name="_csrf_token"') >= 3 for page in pages)
    assert all(len(tokens(page)) == 1 for page in pages)
    assert tokens(pages[0]) != tokens(pages[1])
    assert f'"x-csrftoken": "{next(iter(tokens(pages[1])))}"' in pages[1]


def _env(auto_reload: bool = False) -> Environment:
    engine = JinjaTemplateEngine.from_environment(Environment(autoescape=True))
    engine.engine.globals["url_for"] = lambda *a, **k: ""
    configure_jinja(engine)
    engine.engine.auto_reload = auto_reload
    return engine.engine


def test_a_copy_is_kept_per_key_and_language_and_the_hole_is_filled_each_time() -> None:
    env = _env()
    page = env.from_string(
        "{% cached name %}<p>{{ _('Claim') }} {{ name }} {{ counter() }}</p>{{ csrf_field }}"
        "{% endcached %}")
    made: list[int] = []

    def counter() -> int:
        made.append(1)
        return len(made)

    def render(name: str, token: str) -> str:
        return page.render(name=name, counter=counter, csrf_field=f'<i value="{token}">')

    assert render("<Ann>", "t1") == '<p>Claim &lt;Ann&gt; 1</p>&lt;i value=&#34;t1&#34;&gt;'
    assert render("<Ann>", "t2") == '<p>Claim &lt;Ann&gt; 1</p>&lt;i value=&#34;t2&#34;&gt;'
    assert render("Bo", "t3").startswith("<p>Claim Bo 2</p>")  # another key: made anew
    reset = i18n.current_language.set("zh")
    try:
        assert render("<Ann>", "t4").startswith("<p>认领 &lt;Ann&gt; 3</p>")
    finally:
        i18n.current_language.reset(reset)
    assert len(made) == 3


def test_nothing_is_kept_while_templates_are_reloaded() -> None:
    page = _env(auto_reload=True).from_string("{% cached 1 %}{{ counter() }}{% endcached %}")
    made: list[int] = []

    def counter() -> int:
        made.append(1)
        return len(made)

    assert [page.render(counter=counter) for _ in range(2)] == ["1", "2"]


def test_a_row_key_holds_every_value_of_every_row() -> None:
    rows = [{"id": 1, "title": "a"}, {"id": 2, "title": "b"}]
    assert fragments.row_key(rows) != fragments.row_key([rows[0], {"id": 2, "title": "c"}])
    assert fragments.row_key(rows[0]) == (("id", "title"), ((1, "a"),))
    # Same values under other names, or in another order: another key.
    assert fragments.row_key(rows) != fragments.row_key([rows[0], {"title": 2, "id": "b"}])
    assert fragments.row_key(rows) != fragments.row_key([{"title": 1, "id": "a"}, rows[1]])


def test_the_copies_stay_within_their_budget(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fragments, "MAX_CHARACTERS", 50)
    env = _env()
    page = env.from_string("{% cached n %}{{ 'x' * 20 }}{{ n }}{% endcached %}")
    for n in range(10):
        assert page.render(n=n) == "x" * 20 + str(n)
    kept = next(e for e in env.extensions.values() if isinstance(e, fragments.FragmentCache))
    assert len(kept.copies) == 2 and kept.characters == 42  # the two latest


def test_a_key_no_dict_can_hold_means_the_piece_is_made_each_time() -> None:
    page = _env().from_string("{% cached rows|row_key %}{{ rows[0]['tags']|join(',') }}"
                              "{% endcached %}")
    assert page.render(rows=[{"tags": ["a", "b"]}]) == "a,b"
    assert page.render(rows=[{"tags": ["c"]}]) == "c"


def test_two_templates_made_from_strings_keep_their_own_copies() -> None:
    env = _env()
    first = env.from_string("{% cached 1 %}first{% endcached %}")
    second = env.from_string("{% cached 1 %}second{% endcached %}")
    assert (first.render(), second.render()) == ("first", "second")


async def test_a_claim_a_new_wish_and_the_passage_of_time_show_at_once(
        client: httpx.AsyncClient, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    owner, staff = await world.person(), await world.person(staff=True)
    helper = await world.person(helper=True)
    first = await open_wish(world, owner, staff, title="Rice")
    second = await open_wish(world, owner, staff, title="Dog")
    await Wish.update({Wish.created_at: datetime.now(UTC) - timedelta(minutes=5)}).where(
        Wish.id == first)
    await login(client, helper)
    page = (await client.get("/wishes/", headers=EN)).text
    assert "5 min ago" in card_of(page, first) and f"/wishes/{second}/claim" in page

    await service.claim(await world.person(helper=True), second)  # claimed by another
    third = await open_wish(world, owner, staff, title="Fence")  # a new wish approved
    page = (await client.get("/wishes/", headers=EN)).text
    assert f'href="/wishes/{second}"' not in page and f'href="/wishes/{third}"' in page

    # Two hours on, nothing else changed: the age as shown is another key.
    later = datetime.now(UTC) + timedelta(hours=2)
    monkeypatch.setattr(templating, "datetime", _Frozen.at(later))
    assert "2 h ago" in card_of((await client.get("/wishes/", headers=EN)).text, first)


class _Frozen(datetime):
    moment: datetime

    @classmethod
    def at(cls, moment: datetime) -> type[_Frozen]:
        return type("Frozen", (cls,), {"moment": moment})

    @classmethod
    def now(cls, tz=None) -> datetime:  # type: ignore[no-untyped-def,override]
        return cls.moment


async def test_an_empty_list_says_what_its_filters_mean(
        client: httpx.AsyncClient, world: World) -> None:
    await login(client, await world.person(helper=True))
    plain = (await client.get("/wishes/", headers=EN)).text
    filtered = (await client.get(f"/wishes/?grid={world.grid_id}", headers=EN)).text
    assert "New wishes appear here" in plain and "Clear the filters" not in plain
    assert "Clear the filters" in filtered and "New wishes appear here" not in filtered


async def test_the_htmx_answer_is_the_pages_list(
        client: httpx.AsyncClient, world: World) -> None:
    owner, staff = await world.person(), await world.person(staff=True)
    for _ in range(22):  # a second page: the link to older wishes
        await open_wish(world, owner, staff)
    await login(client, await world.person(helper=True))
    page = (await client.get("/wishes/", headers=EN)).text
    part = (await client.get("/wishes/", headers={**EN, "HX-Request": "true"})).text
    section = page[page.index('<section id="wish-list"'):page.index("</section>") + 10]
    assert "Older wishes" in section
    assert re.sub(r'value="[^"]{40,}"', "", part) == re.sub(r'value="[^"]{40,}"', "", section)
    assert tokens(part) != tokens(page) and len(tokens(part)) == 1
