"""Template filters that put markup around user text must escape the text first; the
templates' own ``_()`` answers what Jinja's gettext would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jinja2 import Environment
from litestar.plugins.jinja import JinjaTemplateEngine

from marketplace import i18n
from marketplace.web import templating
from marketplace.web.templating import configure_jinja, unbroken


def test_unbroken_keeps_each_date_on_one_line_and_escapes_the_rest() -> None:
    html = str(unbroken('<script>x</script> settled 2026-11-29–2026-12-05'))
    assert html == ('&lt;script&gt;x&lt;/script&gt; settled <span class="nowrap">2026-11-29'
                    '</span>–<span class="nowrap">2026-12-05</span>')
    assert str(unbroken("Exchange code 6BEK-PSJ4 Bag of rice")) == (
        'Exchange code <span class="nowrap">6BEK-PSJ4</span> Bag of rice')
    assert str(unbroken("兑换码BJHP-94NC 一袋米")) == (  # no space after a Chinese word
        '兑换码<span class="nowrap">BJHP-94NC</span> 一袋米')
    assert str(unbroken("证明编号12-2026-00001，已撤销")) == (  # a certificate number
        '证明编号<span class="nowrap">12-2026-00001</span>，已撤销')
    assert str(unbroken(None)) == ""


def test_the_one_call_gettext_answers_what_jinjas_newstyle_gettext_does() -> None:
    """``_()`` in templates (one call) and Jinja's ``gettext`` (three) give the same
    markup: the translation trusted, each variable escaped into it, %% read as %."""
    engine = JinjaTemplateEngine.from_environment(Environment(autoescape=True))
    engine.engine.globals["url_for"] = lambda *a, **k: ""
    configure_jinja(engine)
    env = engine.engine
    calls = ['"%(n)s points", n=5', '"%(n)s points", n="<b>7</b>"', '"Claim"',
             '"Wishes of %(name)s", name="O\'Brien & <i>"', '"100%%"']
    for language in ("zh", "en"):
        token = i18n.current_language.set(language)
        try:
            for call in calls:
                fast = env.from_string("{{ _(" + call + ") }}").render()
                jinja = env.from_string("{{ gettext(" + call + ") }}").render()
                assert fast == jinja, (language, call)
        finally:
            i18n.current_language.reset(token)
    assert "&lt;b&gt;7&lt;/b&gt;" in env.from_string('{{ _("%(n)s points", n="<b>7</b>") }}'
                                                  ).render()


def test_an_age_is_worded_from_its_mark_in_the_readers_language() -> None:
    """The cards' key holds each age's mark; the words made from a mark are what ``age``
    says, at each boundary and in each language."""
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    cases = [(timedelta(seconds=5), "1 min ago", "1分钟前"),
             (timedelta(minutes=59, seconds=59), "59 min ago", "59分钟前"),
             (timedelta(hours=1), "1 h ago", "1小时前"),
             (timedelta(hours=23, minutes=59), "23 h ago", "23小时前"),
             (timedelta(days=3, hours=5), "3 d ago", "3天前")]
    for ago, english, chinese in cases:
        for language, words in (("en", english), ("zh", chinese)):
            token = i18n.current_language.set(language)
            try:
                mark = templating.age_mark(now - ago, now)
                assert templating.age_words(mark) == words == templating.age(now - ago, now)
            finally:
                i18n.current_language.reset(token)
    # A naive moment is read as UTC; no moment, no words.
    naive = templating.age_mark((now - timedelta(hours=2)).replace(tzinfo=None), now)
    assert naive == templating.age_mark(now - timedelta(hours=2), now)
    assert templating.age_mark(None, now) is None and templating.age_words(None) == ""
    # A minute later within the first hour is another mark (another key); an hour's
    # minutes are not.
    assert templating.age_mark(now - timedelta(minutes=3), now) != templating.age_mark(
        now - timedelta(minutes=4), now)
    assert templating.age_mark(now - timedelta(hours=2, minutes=1), now) == templating.age_mark(
        now - timedelta(hours=2, minutes=40), now)
