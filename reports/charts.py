"""Bar charts for the district report PDF, as inline SVG markup.

Written by hand rather than with a chart library: WeasyPrint draws plain SVG shapes and text
itself, while chart libraries emit scripts, `<style>` sheets and `foreignObject` that its
renderer ignores or draws wrongly. The text stays text, so the PDF remains searchable and
`pdftotext` finds the unit names in the charts too. Sizes are in CSS pixels (96 per inch):
`WIDTH` fits the A4 text block of the report (210 mm less 2 × 20 mm margins ≈ 640 px).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
FONT = '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", sans-serif'
PALETTE = ("#2f5d8a", "#d9822b", "#4f9a5d", "#a33b3b", "#7a5ea8")
AXIS = "#666666"
GRID = "#dddddd"

Number = int | float | None


def _fmt(value: Number, suffix: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}{suffix}"
    return f"{int(value)}{suffix}"


def _nice_max(value: float, *, whole: bool = True) -> float:
    """A scale maximum whose four gridline steps are round numbers (1, 2, 2.5, 3, 4 or 5 × 10ⁿ),
    whole numbers when the data are counts."""
    if value <= 0:
        return 4.0 if whole else 1.0
    step = value / 4
    magnitude = 10 ** math.floor(math.log10(step))
    for multiple in (1, 2, 2.5, 3, 4, 5, 10):
        nice = multiple * magnitude
        if nice >= step and (not whole or float(nice).is_integer()):
            return 4 * float(nice)
    return 4 * 10 * float(magnitude)


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    label = f' aria-label="{escape(title)}"' if title else ""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img"{label} '
        f"font-family='{FONT}' font-size=\"11\">" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{extra}>'
        f"{escape(str(text))}</text>"
    )


def horizontal_bars(
    rows: Sequence[tuple[str, Number]],
    *,
    title: str = "",
    suffix: str = "",
    max_value: float | None = None,
    width: int = WIDTH,
    label_width: int = 150,
    bar_height: int = 16,
    gap: int = 6,
    color: str = PALETTE[0],
) -> SafeString:
    """One bar per (label, value), longest scale first as given; None draws no bar and "—"."""
    top = 24 if title else 6
    value_width = 56
    plot = width - label_width - value_width
    values = [v for _, v in rows if v is not None]
    whole = all(isinstance(v, int) for v in values)
    scale = max_value or _nice_max(max(values, default=0), whole=whole)
    height = top + len(rows) * (bar_height + gap) + 18
    body = []
    if title:
        body.append(_text(0, 14, title, size=12, font_weight="bold"))
    for i in range(5):
        x = label_width + plot * i / 4
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{height - 16}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
        )
        body.append(_text(x, height - 4, _fmt(scale * i / 4), anchor="middle", size=9, fill=AXIS))
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        middle = y + bar_height / 2 + 4
        body.append(_text(label_width - 6, middle, label, anchor="end"))
        length = plot * min(value, scale) / scale if value else 0
        if length:
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" '
                f'height="{bar_height}" fill="{color}"/>'
            )
        body.append(_text(label_width + length + 4, middle, _fmt(value, suffix)))
    body.append(
        f'<line x1="{label_width}" y1="{top - 2}" x2="{label_width}" y2="{height - 16}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    return _svg(width, height, body, title)


def vertical_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    title: str = "",
    suffix: str = "",
    max_value: float | None = None,
    width: int = WIDTH,
    height: int = 300,
) -> SafeString:
    """Bars per category, one per series (a single series is a simple bar chart), with a
    legend when there is more than one series. Category labels are written vertically so
    the 17 units' names fit under their bars."""
    top = 24 if title else 8
    legend = 18 if len(series) > 1 else 0
    label_height = 12 * max((len(c) for c in categories), default=1) + 8
    left, right = 40, 8
    plot_w = width - left - right
    plot_h = height - top - legend - label_height
    if plot_h < 80:
        height += 80 - plot_h
        plot_h = 80
    base = top + legend + plot_h
    values = [v for _, vs in series for v in vs if v is not None]
    whole = all(isinstance(v, int) for v in values)
    scale = max_value or _nice_max(max(values, default=0), whole=whole)
    body = []
    if title:
        body.append(_text(0, 14, title, size=12, font_weight="bold"))
    x = left
    for index, (name, _values) in enumerate(series if legend else ()):
        color = PALETTE[index % len(PALETTE)]
        body.append(f'<rect x="{x}" y="{top}" width="10" height="10" fill="{color}"/>')
        body.append(_text(x + 14, top + 9, name, size=10))
        x += 14 + 12 * len(name) + 16
    for i in range(5):
        y = base - plot_h * i / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
        )
        body.append(_text(left - 4, y + 3, _fmt(scale * i / 4, suffix), anchor="end", size=9))
    slot = plot_w / max(len(categories), 1)
    bar_w = min(slot * 0.8 / max(len(series), 1), 28)
    for c, category in enumerate(categories):
        start = left + c * slot + (slot - bar_w * len(series)) / 2
        for s, (_name, vs) in enumerate(series):
            value = vs[c] if c < len(vs) else None
            if not value:
                continue
            h = plot_h * min(value, scale) / scale
            body.append(
                f'<rect x="{start + s * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
        cx = left + c * slot + slot / 2
        for k, char in enumerate(category):
            body.append(_text(cx, base + 14 + 12 * k, char, anchor="middle", size=10))
    body.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    return _svg(width, height, body, title)
