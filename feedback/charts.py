"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable on a phone and in print.

Each chart is a small `<svg>` with a viewBox (it scales to its container), a `<title>` and `<desc>` for
screen readers, and presentation attributes only (no style attribute, which the CSP forbids). Pages always
show the same numbers in a table beside the chart. Every text that comes from the data is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphical objects).
INK = "#1f2933"
GRID = "#c5ccd3"
LINE = "#1d4ed8"
BAND = "#bfdbfe"
#: The four satisfaction levels, from "pas du tout" to "tout à fait"; the segments are also labelled.
LEVEL_COLOURS = ("#b91c1c", "#ea580c", "#4d7c0f", "#166534")


@dataclass(frozen=True)
class TrendPoint:
    label: str
    #: None when the period has too few answers to show a rate.
    rate: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0


def _pct(value: float) -> str:
    return f"{value * 100:.0f}\u202f%"


def trend_chart(points: Sequence[TrendPoint], *, title: str, chart_id: str, width: int = 640) -> Markup:
    """Satisfaction rate per period: a line through the rates and the 95 % interval as a band of bars."""
    height, left, right, top, bottom = 240, 44, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points))

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(rate: float) -> float:
        return top + plot_h * (1 - rate)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_trend_description(points))}</desc>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}" '
            f'stroke-width="1"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{_pct(tick)}</text>'
        )
    label_every = max(1, round(len(points) / 12))  # at most about twelve labels on the axis
    for i, point in enumerate(points):
        if point.rate is not None and point.low is not None and point.high is not None:
            parts.append(
                f'<rect x="{x(i) - min(10, step / 3):.1f}" y="{y(point.high):.1f}" width="{min(20, 2 * step / 3):.1f}" '
                f'height="{max(1.0, y(point.low) - y(point.high)):.1f}" fill="{BAND}"/>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                f'fill="{INK}">{escape(point.label)}</text>'
            )
    # The line breaks where a period has too few answers: nothing is drawn that the table does not show.
    segment: list[str] = []
    for i, point in enumerate([*points, TrendPoint("", None)]):
        if point.rate is None:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(point.rate):.1f}")
    for i, point in enumerate(points):
        if point.rate is None:
            continue
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(point.rate):.1f}" r="4" fill="{LINE}">'
            f"<title>{escape(point.label)} : {_pct(point.rate)} (n = {point.n})</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every value from the data went through escape())


def _trend_description(points: Sequence[TrendPoint]) -> str:
    shown = [f"{p.label} {_pct(p.rate)}" for p in points if p.rate is not None]
    return "Taux de satisfaction par période : " + (", ".join(shown) if shown else "trop peu de réponses") + "."


def distribution_bar(counts: Sequence[tuple[str, int]], *, title: str, chart_id: str, width: int = 640) -> Markup:
    """One horizontal bar split by answer (e.g. the four levels), each segment labelled with its share."""
    height = 44
    total = sum(count for _, count in counts)
    parts = [
        f'<svg class="chart chart-bar" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)} : '
        f"{escape(', '.join(f'{label} {count}' for label, count in counts))}</title>",
    ]
    if total == 0:
        parts.append(f'<rect x="0" y="4" width="{width}" height="28" fill="none" stroke="{GRID}"/>')
    offset = 0.0
    for index, (label, count) in enumerate(counts):
        if not count:
            continue
        share = count / total
        segment_width = share * width
        colour = LEVEL_COLOURS[index % len(LEVEL_COLOURS)] if len(counts) <= 4 else LINE
        parts.append(
            f'<rect x="{offset:.1f}" y="4" width="{segment_width:.1f}" height="28" fill="{colour}" '
            f'stroke="#fff" stroke-width="1"><title>{escape(label)} : {count} ({_pct(share)})</title></rect>'
        )
        if segment_width >= 36:  # the share is written on the segment when it fits
            parts.append(
                f'<text x="{offset + segment_width / 2:.1f}" y="23" text-anchor="middle" font-size="12" '
                f'fill="#fff">{_pct(share)}</text>'
            )
        offset += segment_width
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every value from the data went through escape())
