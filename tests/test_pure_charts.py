"""Server-side SVG charts: well-formed, escaped, and never drawing a rate the tables hide."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from feedback.charts import TrendPoint, trend_chart

pytestmark = pytest.mark.pure
SVG = "{http://www.w3.org/2000/svg}"


def test_trend_chart_is_well_formed_and_escapes_labels():
    hostile = '<script>alert(1)</script>" onload="x'
    svg = str(
        trend_chart(
            [TrendPoint(hostile, 0.8, 0.7, 0.9, 40), TrendPoint("T2", 0.5, 0.3, 0.7, 20)],
            title="Taux & <tendance>",
            chart_id="trend",
        )
    )
    root = ET.fromstring(svg)  # raises on any unescaped markup
    assert root.find(f"{SVG}title").text == "Taux & <tendance>"
    assert "<script>" not in svg
    labels = [" ".join(line.text for line in t.iter(f"{SVG}tspan")) for t in root.iter(f"{SVG}text")]
    assert hostile in labels
    assert len(root.findall(f"{SVG}circle")) == 2
    assert root.get("role") == "img"


def test_a_suppressed_period_breaks_the_line_and_has_no_point():
    points = [
        TrendPoint("janv.", 0.9, 0.8, 0.95, 30),
        TrendPoint("févr.", 0.85, 0.7, 0.93, 25),
        TrendPoint("mars", None, None, None, 3),
        TrendPoint("avr.", 0.7, 0.5, 0.85, 12),
        TrendPoint("mai", 0.75, 0.6, 0.86, 15),
    ]
    root = ET.fromstring(str(trend_chart(points, title="t", chart_id="c")))
    assert len(root.findall(f"{SVG}circle")) == 4
    polylines = root.findall(f"{SVG}polyline")
    assert [len(p.get("points").split()) for p in polylines] == [2, 2]
    desc = root.find(f"{SVG}desc").text
    assert "mars" not in desc and "avr. 70" in desc


def test_month_labels_are_thinned_out_so_that_none_overlaps_the_next():
    """24 months on a 640-wide chart: « sept. » over « 2025 » needs about 40 units, a month has 24: one in two."""
    months = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
    points = [TrendPoint(f"{month} {year}", 0.8, 0.7, 0.9, 30) for year in (2024, 2025) for month in months]
    root = ET.fromstring(str(trend_chart(points, title="t", chart_id="trend")))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "x-label"]
    assert [[line.text for line in t.iter(f"{SVG}tspan")] for t in labels[:2]] == [["janv.", "2024"], ["mars", "2024"]]
    assert len(labels) == 12
    assert len(root.findall(f"{SVG}circle")) == 24  # every month keeps its point
