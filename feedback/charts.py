"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable on a phone and in print.

Each chart is a small `<svg>` with a viewBox (it scales to its container), a `<title>` and `<desc>` for
screen readers, and presentation attributes only (no style attribute, which the CSP forbids). Pages always
show the same numbers in a table beside the chart. Every text that comes from the data is escaped.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from feedback.disclosure import TOO_FEW_ANSWERS

#: Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphical objects).
INK = "#1f2933"
GRID = "#c5ccd3"
LINE = "#1d4ed8"
BAND = "#bfdbfe"


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


# Over the complexity limit: one SVG: axes, missing periods, hidden figures and labels are drawing cases.
def trend_chart(points: Sequence[TrendPoint], *, title: str, chart_id: str, width: int = 640) -> Markup:  # noqa: C901
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
    label_lines, label_every = _axis_labels([point.label for point in points], step)
    for i, point in enumerate(points):
        if point.rate is not None and point.low is not None and point.high is not None:
            parts.append(
                f'<rect x="{x(i) - min(10, step / 3):.1f}" y="{y(point.high):.1f}" width="{min(20, 2 * step / 3):.1f}" '
                f'height="{max(1.0, y(point.low) - y(point.high)):.1f}" fill="{BAND}"/>'
            )
        if i % label_every == 0:
            lines = "".join(
                f'<tspan x="{x(i):.1f}" dy="{0 if n == 0 else 13}">{escape(line)}</tspan>'
                for n, line in enumerate(label_lines[i])
            )
            parts.append(
                f'<text class="x-label" x="{x(i):.1f}" y="{height - bottom + 15}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{lines}</text>'
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


#: Average width of a character of the trend's 11 px axis labels, with room to spare (viewBox units).
LABEL_CHARACTER_WIDTH = 6.6
#: Space kept between two axis labels.
LABEL_GAP = 6


def _axis_labels(labels: Sequence[str], step: float) -> tuple[list[list[str]], int]:
    """Each label on one or two lines (« sept. » over « 2025 »), and every how many points one is written so that
    none overlaps its neighbour: from the widest line and the space between two points (the chart scales as a
    whole, so what fits in its viewBox fits at every screen width). Every period keeps its place on the axis."""
    lines = [label.rsplit(" ", 1) if " " in label else [label] for label in labels]
    widest = max((len(line) for label in lines for line in label), default=0) * LABEL_CHARACTER_WIDTH + LABEL_GAP
    return lines, max(1, math.ceil(widest / step)) if step else 1


def _trend_description(points: Sequence[TrendPoint]) -> str:
    shown = [f"{p.label} {_pct(p.rate)}" for p in points if p.rate is not None]
    return "Taux de satisfaction par période : " + (", ".join(shown) if shown else TOO_FEW_ANSWERS) + "."


# --- Horizontal bars (the report's breakdowns), as SVG for pages and as PNG for documents -----------------------

#: One series: the period's colour; two: the earlier period in grey (4.8:1 on white), the later one in blue.
SERIES_COLOURS = {1: (LINE,), 2: ("#6b7280", LINE)}
#: Width of a character of the labels (12 px DejaVu Sans, on average): longer labels are cut to the chart's width,
#: the table beside the chart gives them whole.
CHARACTER_WIDTH = 6.8


@dataclass(frozen=True)
class Bar:
    label: str
    #: One value per series (None: nothing to show, e.g. a rate with too few answers).
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class _BarGeometry:
    width: int
    height: int
    top: int
    row: int
    label_height: int
    bar_height: int
    gap: int
    left: int
    plot_width: float
    maximum: float


def _bar_geometry(bars: Sequence[Bar], series: int, width: int, percent: bool, title_height: int = 0) -> _BarGeometry:
    label_height, bar_height, gap, row_gap = 18, 16, 3, 10
    legend = 22 if series > 1 else 0
    row = label_height + series * (bar_height + gap) + row_gap
    top = title_height + legend + 4
    values = [value for bar in bars for value in bar.values if value is not None]
    maximum = 1.0 if percent else max([*values, 0]) or 1.0
    left, value_room = 4, 78  # room after the longest bar for its value
    return _BarGeometry(
        width=width,
        height=top + row * max(1, len(bars)),
        top=top,
        row=row,
        label_height=label_height,
        bar_height=bar_height,
        gap=gap,
        left=left,
        plot_width=width - left - value_room,
        maximum=maximum,
    )


def format_value(value: float | None, *, percent: bool = False) -> str:
    """7411 -> "7 411", 1.5 -> "1,5", 0.853 (percent) -> "85 %" (narrow no-break spaces, decimal comma)."""
    if value is None:
        return "–"
    if percent:
        return _pct(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def _short(label: str, width: int) -> str:
    limit = int((width - 8) / CHARACTER_WIDTH)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _bar_description(bars: Sequence[Bar], series: Sequence[str], percent: bool, missing: str) -> str:
    def value(v: float | None) -> str:
        return missing if v is None else format_value(v, percent=percent)

    parts = []
    for bar in bars:
        if len(series) > 1:
            parts.append(
                f"{bar.label} : " + ", ".join(f"{name} {value(v)}" for name, v in zip(series, bar.values, strict=True))
            )
        else:
            parts.append(f"{bar.label} : {value(bar.values[0])}")
    return "; ".join(parts) + "." if parts else "Aucune donnée."


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    chart_id: str,
    series: Sequence[str] = ("",),
    percent: bool = False,
    missing: str = TOO_FEW_ANSWERS,
    width: int = 640,
) -> Markup:
    """Horizontal bars, one row per label (written above its bars), one bar per series, each with its value."""
    colours = SERIES_COLOURS.get(len(series), (LINE,) * len(series))
    geometry = _bar_geometry(bars, len(series), width, percent)
    parts = [
        f'<svg class="chart chart-bars" viewBox="0 0 {width} {geometry.height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_bar_description(bars, series, percent, missing))}</desc>',
    ]
    if len(series) > 1:
        x = geometry.left
        for name, colour in zip(series, colours, strict=True):
            parts.append(
                f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
                f'<text x="{x + 17}" y="14" font-size="12" fill="{INK}">{escape(name)}</text>'
            )
            x += 30 + 8 * len(name)
    for index, bar in enumerate(bars):
        y = geometry.top + index * geometry.row
        label = escape(_short(bar.label, width))
        parts.append(f'<text x="{geometry.left}" y="{y + 13}" font-size="12" fill="{INK}">{label}</text>')
        for position, (value, colour) in enumerate(zip(bar.values, colours, strict=True)):
            bar_y = y + geometry.label_height + position * (geometry.bar_height + geometry.gap)
            text_y = bar_y + geometry.bar_height - 4
            if value is None:
                parts.append(
                    f'<text x="{geometry.left}" y="{text_y}" font-size="11" fill="{INK}">{escape(missing)}</text>'
                )
                continue
            length = max(0.0, geometry.plot_width * value / geometry.maximum)
            name = f"{series[position]} : " if len(series) > 1 else ""
            parts.append(
                f'<rect x="{geometry.left}" y="{bar_y}" width="{length:.1f}" height="{geometry.bar_height}" '
                f'fill="{colour}"><title>{escape(bar.label)} : {escape(name)}'
                f"{format_value(value, percent=percent)}</title></rect>"
                f'<text x="{geometry.left + length + 5:.1f}" y="{text_y}" font-size="12" fill="{INK}">'
                f"{format_value(value, percent=percent)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every value from the data went through escape())


def bar_chart_png(
    bars: Sequence[Bar],
    *,
    title: str,
    series: Sequence[str] = ("",),
    percent: bool = False,
    missing: str = TOO_FEW_ANSWERS,
    width: int = 640,
    scale: int = 2,
) -> bytes:
    """The same chart as `bar_chart`, drawn by Pillow as a PNG (title on top) for documents and layout software."""
    from PIL import Image, ImageDraw, ImageFont

    from feedback.analysis.clouds import font_path

    colours = SERIES_COLOURS.get(len(series), (LINE,) * len(series))
    geometry = _bar_geometry(bars, len(series), width, percent, title_height=24)
    image = Image.new("RGB", (width * scale, (geometry.height + 6) * scale), "white")
    draw = ImageDraw.Draw(image)
    fonts = {size: ImageFont.truetype(font_path(), size * scale) for size in (11, 12, 14)}

    def text(x: float, baseline: float, value: str, size: int = 12) -> None:
        draw.text((x * scale, baseline * scale), _printable(value), fill=INK, font=fonts[size], anchor="ls")

    text(geometry.left, 16, _short(title, width), 14)
    if len(series) > 1:
        x = geometry.left
        for name, colour in zip(series, colours, strict=True):
            y = 24 + 4
            draw.rectangle([x * scale, y * scale, (x + 12) * scale, (y + 12) * scale], fill=colour)
            text(x + 17, y + 10, name)
            x += 30 + 8 * len(name)
    for index, bar in enumerate(bars):
        y = geometry.top + index * geometry.row
        text(geometry.left, y + 13, _short(bar.label, width))
        for position, (value, colour) in enumerate(zip(bar.values, colours, strict=True)):
            bar_y = y + geometry.label_height + position * (geometry.bar_height + geometry.gap)
            text_y = bar_y + geometry.bar_height - 4
            if value is None:
                text(geometry.left, text_y, missing, 11)
                continue
            length = max(0.0, geometry.plot_width * value / geometry.maximum)
            if length >= 0.5:
                draw.rectangle(
                    [
                        geometry.left * scale,
                        bar_y * scale,
                        (geometry.left + length) * scale,
                        (bar_y + geometry.bar_height) * scale,
                    ],
                    fill=colour,
                )
            text(geometry.left + length + 5, text_y, format_value(value, percent=percent))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _printable(value: str) -> str:
    """Control characters draw as boxes (or raise): drawn text keeps printable characters only."""
    return "".join(character for character in str(value) if character.isprintable())
