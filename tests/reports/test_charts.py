"""Charts stay readable on a phone: a second, horizontal drawing close to display size."""

from __future__ import annotations

import re

from marketplace.reports import charts


def test_phone_chart_is_drawn_near_display_size_with_every_label() -> None:
    labels = [f"26-{m:02d}" for m in range(1, 13)]
    svg = str(charts.bar_chart("Posted <per> month", "desc", labels, list(range(12))))
    wide, narrow = svg.split("</svg>")[:2]
    assert 'class="chart chart-wide"' in wide and 'class="chart chart-narrow"' in narrow
    width = int(re.search(r'viewBox="0 0 (\d+) ', narrow).group(1))
    # a 360 px phone shows about 300-330 px of chart: 12-unit text stays ≥ 11 px
    assert width <= 340
    for label in labels:
        assert f">{label}</text>" in narrow
    assert "Posted &lt;per&gt; month" in narrow  # escaped in both drawings
    assert len(set(re.findall(r'id="(chart\d+)-t"', svg))) == 2  # ids stay unique
