"""Server-rendered SVG charts: a bar chart and a line chart from ``(label, value)`` points.

Built for the CSP (docs/security.md): no script and no ``style`` attribute, only SVG
presentation attributes (``x``, ``y``, ``width`` …) and classes that ``app.css`` colours
(``chart-bar``, ``chart-line`` …). Every chart is an ``<svg role="img">`` named by its
``<title>`` and ``<desc>``; the ``chart()`` macro (``macros/charts.html``) shows the same
numbers as a table in a ``<details>`` below it, so nothing is only in the picture.
Texts arrive translated (the caller's ``gettext_``); every text is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

WIDTH = 480
HEIGHT = 220
MARGIN_LEFT = 40
MARGIN_RIGHT = 8
MARGIN_TOP = 16
MARGIN_BOTTOM = 36
LABEL_CHARS = 10  # longer axis labels are cut (the whole label is in the bar's title and table)


def _plain_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    href: str | None = None
    display: str = ""  # the value as shown; empty → formatted by the chart


@dataclass(frozen=True)
class Chart:
    """A rendered chart and the data behind it (the macro's table reads ``points``)."""

    id: str
    kind: Literal["bar", "line"]
    title: str
    description: str
    label_header: str
    value_header: str
    empty_text: str
    points: tuple[Point, ...]
    svg: Markup


def nice_scale(maximum: float, ticks: int = 4) -> tuple[float, float]:
    """The axis top and tick step: a 1-2-5 step × 10ⁿ with ``ticks`` steps covering ``maximum``.

    Values are counts, so the step is never below 1.
    """
    if maximum <= 0:
        return float(ticks), 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)
    return step * math.ceil(maximum / step), step


def _text_width(text: str) -> float:
    """Approximate width at the axis font size (11 px): wide (CJK) characters count double."""
    return sum(11.0 if ord(char) > 0x2E7F else 6.2 for char in text)


def _short(label: str, room: float) -> str:
    """The label cut to ``LABEL_CHARS`` characters and to the width of its band."""
    if len(label) <= LABEL_CHARS and _text_width(label) <= room:
        return label
    cut = label[: LABEL_CHARS - 1]
    while cut and _text_width(cut + "…") > room:
        cut = cut[:-1]
    return cut + "…"


def _points(
    data: Iterable[Point | tuple[str, float]], fmt: Callable[[float], str]
) -> tuple[Point, ...]:
    points = []
    for item in data:
        point = item if isinstance(item, Point) else Point(str(item[0]), float(item[1]))
        if not math.isfinite(point.value):
            raise ValueError(f"chart values are finite numbers: {point.value!r}")
        if not point.display:
            point = Point(point.label, point.value, point.href, fmt(point.value))
        points.append(point)
    return tuple(points)


def _f(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _axis(values: Sequence[float]) -> tuple[float, float, float]:
    """(bottom, top, step) of the value axis: from zero up for counts; when a value is
    negative (a margin below cost) the axis reaches below zero on the same step."""
    high = max(values, default=0.0)
    low = min(values, default=0.0)
    if low >= 0:
        top, step = nice_scale(high)
        return 0.0, top, step
    _, step = nice_scale(high - low)
    top = step * math.ceil(high / step) if high > 0 else 0.0
    return -step * math.ceil(-low / step), top, step


def _left_margin(bottom: float, top: float, step: float) -> float:
    """Room for the widest tick label (yen amounts run to ten characters)."""
    ticks = [bottom + step * i for i in range(round((top - bottom) / step) + 1)]
    return max(MARGIN_LEFT, max(_text_width(_plain_number(t)) for t in ticks) + 8)


def _frame(
    chart_id: str,
    title: str,
    description: str,
    bottom: float,
    top: float,
    step: float,
    left: float,
) -> list[str]:
    """The opening tag, the accessible name and the value axis with its grid lines."""
    cid = escape(chart_id)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    tick = bottom
    while tick <= top + 1e-9:
        y = MARGIN_TOP + plot_h - (tick - bottom) / (top - bottom) * plot_h
        parts.append(
            f'<line class="chart-grid" x1="{_f(left)}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y1="{_f(y)}" y2="{_f(y)}"/>'
            f'<text class="chart-axis" x="{_f(left - 4)}" y="{_f(y + 4)}" '
            f'text-anchor="end">{escape(_plain_number(tick))}</text>'
        )
        tick += step
    return parts


def _render(
    kind: Literal["bar", "line"],
    chart_id: str,
    data: Iterable[Point | tuple[str, float]],
    *,
    title: str,
    description: str,
    label_header: str,
    value_header: str,
    empty_text: str,
    value_format: Callable[[float], str],
) -> Chart:
    points = _points(data, value_format)
    bottom, top, step = _axis([p.value for p in points])
    left = _left_margin(bottom, top, step)
    parts = _frame(chart_id, title, description, bottom, top, step, left)
    plot_w = WIDTH - left - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base = MARGIN_TOP + plot_h  # the axis labels sit below the plot

    def y_of(value: float) -> float:
        return base - (value - bottom) / (top - bottom) * plot_h

    zero = y_of(0.0)
    if not points:
        parts.append(
            f'<text class="chart-empty" x="{_f(left + plot_w / 2)}" '
            f'y="{_f(MARGIN_TOP + plot_h / 2)}" text-anchor="middle">{escape(empty_text)}</text>'
        )
    band = plot_w / max(len(points), 1)
    centres: list[tuple[float, float]] = []
    for index, point in enumerate(points):
        centre = left + band * index + band / 2
        y = y_of(point.value)
        centres.append((centre, y))
        bar_top, height = min(y, zero), abs(zero - y)
        tip = f"<title>{escape(point.label)}: {escape(point.display)}</title>"
        if kind == "bar":
            mark = (
                f'<rect class="chart-bar" x="{_f(centre - band * 0.35)}" y="{_f(bar_top)}" '
                f'width="{_f(band * 0.7)}" height="{_f(height)}">{tip}</rect>'
            )
        else:
            mark = (
                f'<circle class="chart-dot" cx="{_f(centre)}" cy="{_f(y)}" r="3.5">{tip}</circle>'
            )
        if point.href:
            mark = f'<a href="{escape(point.href)}">{mark}</a>'
        parts.append(mark)
        parts.append(
            f'<text class="chart-value" x="{_f(centre)}" '
            f'y="{_f(y - 4 if point.value >= 0 else y + 12)}" '
            f'text-anchor="middle">{escape(point.display)}</text>'
            f'<text class="chart-label" x="{_f(centre)}" y="{_f(base + 16)}" '
            f'text-anchor="middle">{escape(_short(point.label, band - 4))}</text>'
        )
    if kind == "line" and len(centres) > 1:
        line = " ".join(f"{_f(x)},{_f(y)}" for x, y in centres)
        polyline = f'<polyline class="chart-line" points="{line}"/>'
        parts.insert(len(parts) - 2 * len(points), polyline)  # under the dots
    parts.append(
        f'<line class="chart-baseline" x1="{_f(left)}" x2="{WIDTH - MARGIN_RIGHT}" '
        f'y1="{_f(zero)}" y2="{_f(zero)}"/></svg>'
    )
    return Chart(
        id=chart_id,
        kind=kind,
        title=title,
        description=description,
        label_header=label_header,
        value_header=value_header,
        empty_text=empty_text,
        points=points,
        svg=Markup("".join(parts)),  # noqa: S704 (every text above passed through escape())
    )


def bar_chart(
    chart_id: str,
    data: Sequence[Point | tuple[str, float]],
    *,
    title: str,
    description: str,
    label_header: str,
    value_header: str,
    empty_text: str,
    value_format: Callable[[float], str] = _plain_number,
) -> Chart:
    """Bars from zero, heights proportional to the values, one per point in order; a
    negative value (a margin below cost) hangs below the zero line."""
    return _render(
        "bar",
        chart_id,
        data,
        title=title,
        description=description,
        label_header=label_header,
        value_header=value_header,
        empty_text=empty_text,
        value_format=value_format,
    )


def line_chart(
    chart_id: str,
    data: Sequence[Point | tuple[str, float]],
    *,
    title: str,
    description: str,
    label_header: str,
    value_header: str,
    empty_text: str,
    value_format: Callable[[float], str] = _plain_number,
) -> Chart:
    """A line through the points in order (a trend over days or months), dots on the values."""
    return _render(
        "line",
        chart_id,
        data,
        title=title,
        description=description,
        label_header=label_header,
        value_header=value_header,
        empty_text=empty_text,
        value_format=value_format,
    )


__all__ = ["Chart", "Point", "bar_chart", "line_chart", "nice_scale"]
