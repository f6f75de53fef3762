"""Template filters that put markup around user text must escape the text first; the
templates' own ``_()`` answers what Jinja's gettext would."""

from __future__ import annotations

from jinja2 import Environment
from litestar.plugins.jinja import JinjaTemplateEngine

from marketplace import i18n
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
