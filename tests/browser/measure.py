"""One in-page measurement of everything the layout test checks (issue 15, "Done means"):
sideways scroll, words and dates broken across lines, tap targets, text size, line spacing
and contrast. A single ``page.evaluate`` per page keeps the walk over every main page in
both languages, both modes and both widths within a few minutes.

The figures per mode are the MIIT elder-friendly specifications' (适老化通用设计规范)
for elder mode and WCAG AA with a 44 px target for the standard view.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    text_px: float  # smallest body text
    line: float  # smallest line height / font size for body text (headings excepted)
    contrast: float  # smallest contrast ratio of body text against its background
    target_px: float  # smallest width and height of a button or standalone link
    chart_text_px: float = 14  # text inside a chart's SVG


STANDARD = Limits(text_px=16, line=1.3, contrast=4.5, target_px=44)
ELDER = Limits(text_px=22, line=1.5, contrast=7, target_px=60)


def limits_arg(limits: Limits) -> dict[str, float]:
    return asdict(limits)


MEASURE = (Path(__file__).parent / "measure.js").read_text()
