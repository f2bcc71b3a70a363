"""Server-rendered SVG charts: proportional marks, escaped texts, empty data, no style."""

from __future__ import annotations

import re

import pytest

from haken.web.charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    Point,
    bar_chart,
    line_chart,
    nice_scale,
)

TEXTS = {
    "title": "Logins",
    "description": "Per day",
    "label_header": "Day",
    "value_header": "Count",
    "empty_text": "No data yet.",
}
PLOT_HEIGHT = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM


def _bars(svg: str) -> list[tuple[float, float]]:
    """(y, height) of every bar."""
    return [
        (float(y), float(h))
        for y, h in re.findall(
            r'<rect class="chart-bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg
        )
    ]


def test_bar_heights_are_proportional_to_the_values_on_a_nice_axis() -> None:
    chart = bar_chart("c", [("a", 10), ("b", 20), ("c", 5)], **TEXTS)
    bars = _bars(chart.svg)
    # 20 → axis top 20 (step 5): the largest bar fills the plot, the others scale with it.
    assert [h for _, h in bars] == [PLOT_HEIGHT / 2, PLOT_HEIGHT, PLOT_HEIGHT / 4]
    # Every bar stands on the baseline.
    assert {y + h for y, h in bars} == {MARGIN_TOP + PLOT_HEIGHT}
    assert re.findall(r'class="chart-axis"[^>]*>([^<]+)<', chart.svg) == [
        "0",
        "5",
        "10",
        "15",
        "20",
    ]


def test_nice_scale_steps() -> None:
    assert nice_scale(0) == (4.0, 1.0)
    assert nice_scale(3) == (3.0, 1.0)
    assert nice_scale(7) == (8.0, 2.0)
    assert nice_scale(130) == (150.0, 50.0)
    assert nice_scale(1234) == (1500.0, 500.0)


def test_texts_and_links_are_escaped() -> None:
    chart = bar_chart(
        "c",
        [Point('<script>alert("x")</script>', 1, href='/x?a=1&b="2"')],
        **{**TEXTS, "title": "A & B <i>"},
    )
    svg = str(chart.svg)
    assert "<script>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg and "A &amp; B &lt;i&gt;" in svg
    assert 'href="/x?a=1&amp;b=&#34;2&#34;"' in svg


def test_the_chart_is_an_accessible_image_without_style_attributes() -> None:
    chart = line_chart("logins", [("1日", 1), ("2日", 3), ("3日", 2)], **TEXTS)
    svg = str(chart.svg)
    assert svg.startswith('<svg class="chart"')
    assert 'role="img" aria-labelledby="logins-title logins-desc"' in svg
    assert '<title id="logins-title">Logins</title>' in svg
    assert '<desc id="logins-desc">Per day</desc>' in svg
    assert "style" not in svg and "<script" not in svg
    points = re.search(r'<polyline class="chart-line" points="([^"]+)"', svg)
    assert points and len(points.group(1).split()) == 3
    assert svg.index("<polyline") < svg.index("<circle")  # dots drawn over the line
    assert [p.display for p in chart.points] == ["1", "3", "2"]


def test_empty_data_draws_the_axis_and_says_so() -> None:
    chart = bar_chart("c", [], **TEXTS)
    assert chart.points == ()
    assert "<rect" not in chart.svg
    assert '<text class="chart-empty"' in chart.svg and "No data yet." in chart.svg
    assert line_chart("d", [], **TEXTS).svg.count("<circle") == 0


def test_all_zero_values_stand_on_the_baseline() -> None:
    bars = _bars(bar_chart("c", [("a", 0), ("b", 0)], **TEXTS).svg)
    assert [h for _, h in bars] == [0.0, 0.0]


def test_long_labels_are_cut_on_the_axis_but_whole_in_the_tooltip() -> None:
    chart = bar_chart("c", [("AUTH_INVALID_CREDENTIALS", 4)], **TEXTS)
    assert "<title>AUTH_INVALID_CREDENTIALS: 4</title>" in chart.svg
    assert ">AUTH_INVA…<" in chart.svg


def test_a_negative_value_hangs_below_the_zero_line_on_the_same_scale() -> None:
    # A client whose labour cost exceeds its billing: -10 beside 30 on a 10-step axis
    # from -10 to 30, so the zero line sits a quarter of the plot above the bottom.
    svg = bar_chart("c", [("a", 30), ("b", -10)], **TEXTS).svg
    (up_y, up_h), (down_y, down_h) = _bars(svg)
    zero = MARGIN_TOP + PLOT_HEIGHT * 3 / 4
    assert up_y + up_h == pytest.approx(zero, abs=0.1)
    assert down_y == pytest.approx(zero, abs=0.1)
    assert up_h == pytest.approx(3 * down_h, abs=0.2)
    assert re.search(rf'class="chart-baseline"[^>]*y1="{zero:g}"', svg)
    assert ">-10<" in svg  # the axis reaches below zero


def test_values_that_are_not_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        bar_chart("c", [("a", float("nan"))], **TEXTS)


def test_long_yen_tick_labels_get_room_left_of_the_plot() -> None:
    # "-6,000,000" at 11 px is about 62 px wide: the axis labels end 4 px left of the plot
    # and must start inside the picture, not be cut at its edge.
    svg = bar_chart("c", [("a", 1_454_242), ("b", -6_011_874)], **TEXTS).svg
    anchors = [float(x) for x in re.findall(r'class="chart-axis" x="([\d.]+)"', svg)]
    assert anchors and min(anchors) >= 10 * 6.2
