"""Small accessible SVG charts drawn on the server (no JavaScript, no inline styles).

Each chart has a <title> and <desc> for screen readers; the page puts the same numbers in
a table inside <details>, the "show as table" toggle that works without JavaScript.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 44, 36, 16
_ids = itertools.count(1)


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value``."""
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def bar_chart(title: str, desc: str, labels: Sequence[str], values: Sequence[int],
              horizontal_labels_every: int = 1) -> Markup:
    """The chart twice: vertical bars for wide screens and print, horizontal bars for
    phones. A 640-unit-wide drawing shrunk to a 330 px phone had 5 px text; the phone
    version is drawn at about its display size, so its 12-unit text stays readable. The
    stylesheet shows one of the two (display: none also hides the other from readers)."""
    both = (_vertical(title, desc, labels, values, horizontal_labels_every)
            + _horizontal(title, desc, labels, values))
    return Markup(both)  # noqa: S704 - every text in both drawings is escaped


NARROW_WIDTH, ROW = 320, 34  # phone drawing: one row (label above its bar) per value
NARROW_RIGHT = 40  # room for the value written after the longest bar


def _horizontal(title: str, desc: str, labels: Sequence[str], values: Sequence[int]) -> str:
    uid = f"chart{next(_ids)}"
    top = max(values, default=0) or 1
    height = MARGIN_TOP + ROW * max(1, len(values))
    plot_w = NARROW_WIDTH - 4 - NARROW_RIGHT
    parts = [
        f'<svg class="chart chart-narrow" viewBox="0 0 {NARROW_WIDTH} {height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = MARGIN_TOP + i * ROW
        w = plot_w * value / top
        parts.append(f'<text class="chart-axis" x="4" y="{y:.1f}">{escape(label)}</text>')
        parts.append(f'<rect class="chart-bar" x="4" y="{y + 5:.1f}" width="{w:.1f}" '
                     f'height="14"/>')
        parts.append(f'<text class="chart-value" x="{w + 10:.1f}" y="{y + 17:.1f}">'
                     f'{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _vertical(title: str, desc: str, labels: Sequence[str], values: Sequence[int],
              horizontal_labels_every: int = 1) -> str:
    """Vertical bars, one per label; the axis starts at zero."""
    uid = f"chart{next(_ids)}"
    top = _nice_max(max(values, default=0))
    plot_w = WIDTH - MARGIN_LEFT - 8
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_w / max(1, len(values))
    parts = [
        f'<svg class="chart chart-wide" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = MARGIN_TOP + plot_h * (1 - fraction)
        parts.append(f'<line class="chart-grid" x1="{MARGIN_LEFT}" x2="{WIDTH - 8}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{top * fraction:g}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top if top else 0
        x = MARGIN_LEFT + i * slot + slot * 0.15
        y = MARGIN_TOP + plot_h - h
        parts.append(f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" '
                     f'width="{slot * 0.7:.1f}" height="{h:.1f}"/>')
        if value:
            parts.append(f'<text class="chart-value" x="{x + slot * 0.35:.1f}" '
                         f'y="{y - 3:.1f}" text-anchor="middle">{value}</text>')
        if i % max(1, horizontal_labels_every) == 0:
            parts.append(f'<text class="chart-axis" x="{x + slot * 0.35:.1f}" '
                         f'y="{HEIGHT - MARGIN_BOTTOM + 16}" text-anchor="middle">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)  # every text above is escaped
