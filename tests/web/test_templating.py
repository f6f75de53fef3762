"""Template filters that put markup around user text must escape the text first."""

from __future__ import annotations

from marketplace.web.templating import unbroken


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
