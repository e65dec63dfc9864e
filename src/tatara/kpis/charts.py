"""Charts drawn on the server as SVG: the same markup goes into the page and into the PDF
(WeasyPrint renders inline SVG), no JavaScript chart library.

Every chart has a <title> and a <desc> naming its figures; pages show the same numbers in a
table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tatara.kpis import display

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 44, 46
ACTUAL_COLOUR = "#0b5ed7"
TARGET_COLOUR = "#a85d00"
BASE_FILL = "#e9ecef"
GRID = "#dee2e6"
INK = "#343a40"
FONTS = '"Tatara JP", "Noto Sans JP", "Noto Sans CJK JP", "Hiragino Sans", Meiryo, sans-serif'


@dataclass(frozen=True)
class Point:
    year: int
    actual: Decimal | None
    target: Decimal | None


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about `count` intervals over `span`."""
    raw = span / count if span > 0 else 1.0
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    for nice in (1, 2, 2.5, 5, 10):
        if fraction <= nice:
            return float(nice * 10**exponent)
    return float(10 ** (exponent + 1))  # pragma: no cover


def ticks(low: float, high: float) -> list[float]:
    """Axis ticks covering low..high (always including zero when the values do)."""
    if high == low:
        high = low + (abs(low) or 1.0)
    step = nice_step(high - low)
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    count = round((stop - start) / step)
    return [start + i * step for i in range(count + 1)]


def value_range(values: Sequence[float]) -> tuple[float, float]:
    """The span the y axis covers: from zero, unless the figures lie close together far from
    it (an intensity moving between 0.95 and 1.0), where a zero baseline would flatten them."""
    low, high = min(values), max(values)
    if low > 0 and high > low and low > high * 0.6:
        return max(0.0, low - (high - low) * 0.6), high + (high - low) * 0.1
    if high < 0 and low < high and high < low * 0.6:
        return low - (high - low) * 0.1, min(0.0, high + (high - low) * 0.6)
    return min(0.0, low), max(0.0, high)


def tick_label(value: float, step: float, unit: str) -> str:
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text + ("%" if unit == "percent" else "")


def _f(value: float) -> str:
    return f"{value:.1f}"


def trend_svg(
    points: Sequence[Point],
    *,
    unit: str,
    title: str,
    chart_id: str = "trend",
    base_year: int | None = None,
    current_year: int | None = None,
) -> SafeString:
    """A line chart of the actual figure against the target per fiscal year."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    values = [float(v) for p in points for v in (p.actual, p.target) if v is not None]
    label = display.unit_label(unit)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family=\'{FONTS}\' font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(points, unit, base_year))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    if not points or not values:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" fill="{INK}">'
            f"{escape(_('No figures to draw yet.'))}</text></svg>"
        )
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped

    axis = ticks(*value_range(values))
    low, high = axis[0], axis[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(points)

    def x_of(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    def y_of(value: Decimal | float) -> float:
        return TOP + plot_h - (float(value) - low) / (high - low) * plot_h

    # base year band (behind everything)
    for index, point in enumerate(points):
        if point.year == base_year:
            parts.append(
                f'<rect class="base-band" x="{_f(x_of(index) - slot / 2)}" y="{TOP}" '
                f'width="{_f(slot)}" height="{plot_h}" fill="{BASE_FILL}"/>'
                f'<text x="{_f(x_of(index))}" y="{HEIGHT - BOTTOM + 33}" '
                f'text-anchor="middle" font-size="11" fill="{INK}">'
                f"{escape(_('base year'))}</text>"
            )
    # grid and y axis labels
    step = axis[1] - axis[0] if len(axis) > 1 else 1.0
    for tick in axis:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{_f(y)}" x2="{WIDTH - RIGHT}" y2="{_f(y)}" '
            f'stroke="{INK if tick == 0 else GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{_f(y + 4)}" text-anchor="end" fill="{INK}">'
            f"{escape(tick_label(tick, step, unit))}</text>"
        )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2}" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2})">{escape(label)}</text>'
    )
    # x axis labels
    every = max(1, math.ceil(len(points) / 12))
    for index, point in enumerate(points):
        if index % every and point.year not in (base_year, current_year):
            continue
        weight = ' font-weight="700"' if point.year == current_year else ""
        parts.append(
            f'<text x="{_f(x_of(index))}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
            f'fill="{INK}"{weight}>FY{point.year}</text>'
        )
    # target: dashed line with open diamonds
    parts += _series(points, "target", x_of, y_of, TARGET_COLOUR, dashed=True)
    # actual: solid line with dots and value labels
    parts += _series(points, "actual", x_of, y_of, ACTUAL_COLOUR, dashed=False)
    if len(points) <= 12:
        for index, point in enumerate(points):
            if point.actual is None:
                continue
            y = y_of(point.actual)
            above = point.target is None or point.actual >= point.target
            label_y = y - 9 if above else y + 18
            label = escape(display.number(point.actual, unit))
            at = f'x="{_f(x_of(index))}" y="{_f(label_y)}" text-anchor="middle" font-size="11"'
            # a white halo drawn first, then the text: WeasyPrint (the PDF) ignores
            # paint-order, so one stroked text would come out white there
            parts.append(
                f'<text class="value-halo" {at} fill="#ffffff" stroke="#ffffff" '
                f'stroke-width="3" aria-hidden="true">{label}</text>'
            )
            parts.append(f'<text class="value" {at} fill="{ACTUAL_COLOUR}">{label}</text>')
    # legend
    parts.append(_legend(base_year is not None and any(p.year == base_year for p in points)))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _series(
    points: Sequence[Point], field: str, x_of: object, y_of: object, colour: str, *, dashed: bool
) -> list[str]:
    assert callable(x_of) and callable(y_of)
    out: list[str] = []
    run: list[str] = []
    dash = ' stroke-dasharray="6 4"' if dashed else ""

    def flush() -> None:
        if len(run) > 1:
            out.append(
                f'<polyline class="{field}" points="{" ".join(run)}" fill="none" '
                f'stroke="{colour}" stroke-width="2.5"{dash}/>'
            )
        run.clear()

    for index, point in enumerate(points):
        value = getattr(point, field)
        if value is None:
            flush()
            continue
        run.append(f"{_f(x_of(index))},{_f(y_of(value))}")
    flush()
    for index, point in enumerate(points):
        value = getattr(point, field)
        if value is None:
            continue
        x, y = x_of(index), y_of(value)
        if dashed:
            out.append(
                f'<path class="{field}-mark" d="M{_f(x)},{_f(y - 5)} l5,5 l-5,5 l-5,-5 z" '
                f'fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
            )
        else:
            out.append(
                f'<circle class="{field}-mark" cx="{_f(x)}" cy="{_f(y)}" r="4" fill="{colour}"/>'
            )
    return out


def _legend(with_base: bool) -> str:
    x, y = LEFT, 18
    items = [
        f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{ACTUAL_COLOUR}" '
        f'stroke-width="2.5"/><circle cx="{x + 12}" cy="{y}" r="4" fill="{ACTUAL_COLOUR}"/>'
        f'<text x="{x + 30}" y="{y + 4}" fill="{INK}">{escape(_("Actual"))}</text>',
        f'<line x1="{x + 110}" y1="{y}" x2="{x + 134}" y2="{y}" stroke="{TARGET_COLOUR}" '
        f'stroke-width="2.5" stroke-dasharray="6 4"/>'
        f'<path d="M{x + 122},{y - 5} l5,5 l-5,5 l-5,-5 z" fill="#ffffff" '
        f'stroke="{TARGET_COLOUR}" stroke-width="2"/>'
        f'<text x="{x + 140}" y="{y + 4}" fill="{INK}">{escape(_("Target"))}</text>',
    ]
    if with_base:
        items.append(
            f'<rect x="{x + 220}" y="{y - 7}" width="24" height="14" fill="{BASE_FILL}" '
            f'stroke="{GRID}"/><text x="{x + 250}" y="{y + 4}" fill="{INK}">'
            f"{escape(_('Base year'))}</text>"
        )
    return f'<g class="legend">{"".join(items)}</g>'


def describe(points: Sequence[Point], unit: str, base_year: int | None) -> str:
    """The chart in words, for screen readers (the page's table holds the same numbers)."""
    if not points:
        return _("No figures yet.")
    lines = []
    for point in points:
        lines.append(
            _("FY%(year)s: actual %(actual)s, target %(target)s")
            % {
                "year": point.year,
                "actual": display.with_unit(point.actual, unit, empty=_("none")),
                "target": display.with_unit(point.target, unit, empty=_("none")),
            }
        )
    text = "; ".join(lines) + "."
    if base_year is not None:
        text += " " + _("Base year: FY%(year)s.") % {"year": base_year}
    return text
