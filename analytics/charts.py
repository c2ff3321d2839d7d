"""Server-side SVG charts for pages served under a strict Content Security Policy.

Every function returns one ``<svg>`` element as a ``SafeString`` ready to be dropped into a template.
No scripts, no ``style=`` attributes and no ``<style>`` elements are emitted: only SVG presentation
attributes (``fill``, ``stroke``, ``font-size`` ...). Every piece of caller-supplied text goes through
Django's escaping. The root element carries ``class="chart"`` so the site CSS can size it (width 100%);
its ``viewBox`` keeps the aspect ratio.

Numbers are written the Indonesian way (``1.234,5``: point for thousands, comma for decimals) by the
local helpers :func:`format_id` and :func:`abbreviate_id` (``1,3 jt``), so the output does not depend on
whether Django's localisation is active for the request.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

__all__ = [
    "abbreviate_id",
    "diverging_component_chart",
    "format_id",
    "horizontal_bar_chart",
    "line_chart",
    "quadrant_scatter",
    "sparkline",
]

# --------------------------------------------------------------------------------------------------
# Palette and geometry
# --------------------------------------------------------------------------------------------------

FONT = "sans-serif"
TEXT = "#1f2937"
MUTED = "#4b5563"
GRID = "#dfe3e8"
AXIS = "#6b7280"
BAND = "#f3f5f9"
HIGHLIGHT = "#0f7c7a"
NORMAL = "#8aa4c8"
REFERENCE = "#b45309"
POINT = "#0f7c7a"

WIDTH = 760
MAX_LABEL_CHARS = 38
ELLIPSIS = "\u2026"
NO_VALUE = "\u2013"  # en dash, shown for missing / non-finite numbers

# --------------------------------------------------------------------------------------------------
# Indonesian number formatting
# --------------------------------------------------------------------------------------------------

_UNITS = (
    (Decimal(10) ** 12, "T"),  # triliun
    (Decimal(10) ** 9, "M"),  # miliar
    (Decimal(10) ** 6, "jt"),  # juta
    (Decimal(10) ** 3, "rb"),  # ribu
)


def _to_decimal(value) -> Decimal | None:
    """A finite number as a Decimal (via its shortest repr, so 1.25 stays 1.25), else None."""
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return Decimal(repr(number))


def _quantize(d: Decimal, decimals: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 100
        q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q  # never "-0,0"


def format_id(value, decimals: int = 1, *, trim: bool = False) -> str:
    """Format a number the Indonesian way: ``format_id(1234.5) == "1.234,5"``.

    Rounds half up (1,25 -> 1,3). ``trim`` drops trailing zero decimals (``2,50`` -> ``2,5``, ``3,00`` -> ``3``).
    Missing or non-finite values give an en dash.
    """
    d = _to_decimal(value)
    if d is None:
        return NO_VALUE
    decimals = max(0, int(decimals))
    q = _quantize(d, decimals)
    text = f"{q:,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def abbreviate_id(value, decimals: int = 1, *, trim: bool = False) -> str:
    """Abbreviate a large number with Indonesian units: rb (ribu), jt (juta), M (miliar), T (triliun).

    ``abbreviate_id(1_250_000) == "1,3 jt"`` (half up), ``abbreviate_id(1_250_000, 2) == "1,25 jt"``,
    ``abbreviate_id(-3_400_000_000) == "-3,4 M"``. Numbers below one thousand are formatted plainly.
    A value that would round to 1.000 of a unit moves to the next unit (999.999 -> "1,0 jt").
    """
    d = _to_decimal(value)
    if d is None:
        return NO_VALUE
    decimals = max(0, int(decimals))
    index = next((i for i, (scale, _) in enumerate(_UNITS) if abs(d) >= scale), None)
    if index is None:
        if abs(_quantize(d, decimals)) < 1000:
            return format_id(d, decimals, trim=trim)
        index = len(_UNITS) - 1
    scale, suffix = _UNITS[index]
    scaled = _quantize(d / scale, decimals)
    if abs(scaled) >= 1000 and index > 0:
        scale, suffix = _UNITS[index - 1]
        scaled = _quantize(d / scale, decimals)
    return f"{format_id(scaled, decimals, trim=trim)} {suffix}"


def _value_label(value: float | None, value_format: int | Callable[[float], str]) -> str:
    """A bar's value label: fixed decimals, but a tiny non-zero value keeps two significant digits."""
    if value is None:
        return NO_VALUE
    if callable(value_format):
        return str(value_format(value))
    decimals = max(0, int(value_format))
    text = format_id(value, decimals)
    if value != 0 and _quantize(Decimal(repr(value)), decimals) == 0:
        significant = min(12, 1 - math.floor(math.log10(abs(value))))
        text = format_id(value, significant, trim=True)
    return text


def _short_number(value: float | None) -> str:
    """Compact value label: abbreviated with one decimal from a thousand up (``-54,1 M``)."""
    if value is not None and abs(value) >= 1000:
        return abbreviate_id(value, 1)
    return _value_label(value, 2)


def _detail_number(value: float | None) -> str:
    """Number for hover text: abbreviated plus the full figure when it is large."""
    if value is None:
        return NO_VALUE
    if abs(value) >= 1000:
        return f"{abbreviate_id(value, 2)} ({format_id(value, 0)})"
    return format_id(value, 2 if abs(value) >= 0.01 or value == 0 else 6, trim=abs(value) < 0.01)


# --------------------------------------------------------------------------------------------------
# Small helpers: numbers, scales, text
# --------------------------------------------------------------------------------------------------


def _num(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _coord(x: float) -> str:
    """A coordinate for an attribute: at most 2 decimals, no trailing zeros, never "-0"."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _nice_step(raw: float) -> float:
    if not (raw > 0 and math.isfinite(raw)):
        return 1.0
    exponent = math.floor(math.log10(raw))
    base = raw / 10**exponent
    for multiple in (1, 2, 2.5, 5, 10):
        if base <= multiple * (1 + 1e-9):
            return multiple * 10**exponent
    return 10 ** (exponent + 1)  # pragma: no cover - base is always <= 10


def _nice_ticks(lo: float, hi: float, target: int = 5) -> tuple[list[float], float]:
    """Round tick values covering [lo, hi]; the first and last tick are the new domain."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.5 or 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice_step((hi - lo) / max(1, target))
    start = math.floor(lo / step + 1e-9)
    end = math.ceil(hi / step - 1e-9)
    if end <= start:
        end = start + 1
    return [k * step for k in range(start, end + 1)], step


def _axis(lo: float, hi: float, target: int = 5) -> tuple[float, float, list[float], float]:
    """Domain and ticks for an axis. The domain stretches to the next round tick only when that tick is
    near (half a step); otherwise it stops at the data, so a small negative tail (-0,1 T beside +5 T) does
    not waste a whole tick step of width."""
    ticks, step = _nice_ticks(lo, hi, target)
    if hi == lo:
        return ticks[0], ticks[-1], ticks, step
    d0 = ticks[0] if lo - ticks[0] <= step / 2 else lo
    d1 = ticks[-1] if ticks[-1] - hi <= step / 2 else hi
    eps = step * 1e-9
    return d0, d1, [t for t in ticks if d0 - eps <= t <= d1 + eps], step


def _step_decimals(step: float) -> int:
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    return min(8, max(0, -int(exponent)))


def _vertical_grid(ticks, x, step, *, top, bottom, size, abbreviate, label_top=None):
    """Grid lines of an x axis with their labels below (and above, with ``label_top``)."""
    parts = []
    for tick in ticks:
        tx = x(tick)
        text = _tick_label(tick, step, abbreviate=abbreviate)
        parts.append(_line(tx, top, tx, bottom, stroke=GRID))
        if label_top is not None:
            parts.append(_text(tx, label_top, text, size=size, anchor="middle", fill=MUTED))
        parts.append(_text(tx, bottom + 16, text, size=size, anchor="middle", fill=MUTED))
    return parts


def _tick_label(tick: float, step: float, *, abbreviate: bool) -> str:
    if abs(tick) < step * 1e-6:
        return "0"
    if abbreviate and abs(tick) >= 1000:
        return abbreviate_id(tick, 2, trim=True)
    return format_id(tick, _step_decimals(step))


class _Scale:
    """Linear map from a data domain to a pixel range."""

    def __init__(self, d0: float, d1: float, r0: float, r1: float):
        self.d0, self.d1, self.r0, self.r1 = d0, d1, r0, r1
        self.span = (d1 - d0) or 1.0

    def __call__(self, value: float) -> float:
        return self.r0 + (value - self.d0) / self.span * (self.r1 - self.r0)


def _text_width(text: str, size: float) -> float:
    """Rough rendered width of sans-serif text; enough to lay out labels without a font engine."""
    width = 0.0
    for char in text:
        if char in "iljtf.,:;|!'I ()[]":
            width += 0.32
        elif char.isupper() or char in "mwMW%@":
            width += 0.7
        else:
            width += 0.55
    return width * size


def _truncate(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


# --------------------------------------------------------------------------------------------------
# SVG element builder (every attribute value and text node is escaped)
# --------------------------------------------------------------------------------------------------


def _escape_attr(text: str) -> str:
    # The standard library's escape: the same output as Django's for attributes, without its lazy-string
    # handling, which made chart building the slowest part of the leading-sectors page.
    return html.escape(text, quote=True)


def _el(tag: str, attrs: Mapping[str, object] | None = None, *children) -> SafeString:
    parts = []
    for key, value in (attrs or {}).items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")  # class_ -> class, font_size -> font-size
        shown = _coord(value) if isinstance(value, float) else value
        parts.append(f' {name}="{_escape_attr(str(shown))}"')
    attr_html = "".join(parts)
    if not children:
        return mark_safe(f"<{tag}{attr_html}/>")
    inner = "".join(str(conditional_escape(child)) for child in children if child is not None)
    return mark_safe(f"<{tag}{attr_html}>{inner}</{tag}>")


def _title(text: str) -> SafeString:
    return _el("title", None, text)


def _text(x, y, content: str, *, size=12, anchor="start", fill=TEXT, weight=None, title=None, halo=False, **extra):
    attrs = {
        "x": float(x),
        "y": float(y),
        "font_family": FONT,
        "font_size": size,
        "text_anchor": anchor,
        "fill": fill,
        "font_weight": weight,
    }
    if halo:  # white outline behind the glyphs keeps labels readable over lines and bars
        attrs.update({"stroke": "#ffffff", "stroke_width": 3, "stroke_linejoin": "round", "paint_order": "stroke"})
    attrs.update(extra)
    return _el("text", attrs, _title(title) if title else None, content)


def _line(x1, y1, x2, y2, *, stroke=AXIS, width=1, dash=None, **extra):
    attrs = {"x1": float(x1), "y1": float(y1), "x2": float(x2), "y2": float(y2), "stroke": stroke}
    attrs.update({"stroke_width": width, "stroke_dasharray": dash, "shape_rendering": "crispEdges"})
    attrs.update(extra)
    return _el("line", attrs)


def _svg(
    width: float, height: float, *, title: str, testid: str, description: str, body: Iterable, css_class: str = "chart"
) -> SafeString:
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {_coord(width)} {_coord(height)}",
        "class_": css_class,
        "role": "img",
        "aria_label": title,
        "data_testid": testid or None,
        "font_family": FONT,
    }
    return _el("svg", attrs, _title(title), _el("desc", None, description) if description else None, *body)


def _empty_chart(title: str, testid: str) -> SafeString:
    message = gettext("No data")
    return _svg(
        WIDTH,
        80,
        title=title,
        testid=testid,
        description=message,
        body=[_text(WIDTH / 2, 45, message, size=14, anchor="middle", fill=MUTED)],
    )


def _label_column_width(labels: Sequence[str], size: float) -> float:
    widest = max((_text_width(_truncate(label), size) for label in labels), default=0.0)
    return min(max(widest, 40.0), 270.0)


# --------------------------------------------------------------------------------------------------
# 1. Horizontal bar chart (e.g. location quotient per sector)
# --------------------------------------------------------------------------------------------------


def horizontal_bar_chart(
    items: Sequence[tuple[str, float, bool]],
    *,
    title: str,
    reference_line: float | None = None,
    reference_label: str = "",
    value_format: int | Callable[[float], str] = 1,
    testid: str = "",
) -> SafeString:
    """One horizontal bar per ``(label, value, highlight)``; highlighted bars are teal, the others grey-blue.

    Labels sit on the left (cut with "…" after 38 characters; the full text is in each bar's ``<title>``),
    the value at the end of each bar. ``reference_line`` draws a dashed vertical line at that value (e.g.
    LQ = 1) labelled ``reference_label``. ``value_format`` is the number of decimals of the value labels
    (tiny non-zero values keep two significant digits, so 0.0009 is not shown as "0,0") or a callable
    ``value -> str``. Negative values are drawn to the left of zero; missing values as empty bars.
    """
    rows = [(str(label), _num(value), bool(highlight)) for label, value, highlight in items]
    title = str(title)
    if not rows:
        return _empty_chart(title, testid)

    label_size, value_size, tick_size = 12, 11, 11
    row_h, bar_h = 24, 15
    reference = _num(reference_line)

    values = [v for _, v, _ in rows if v is not None]
    lo = min([0.0, *values, *([reference] if reference is not None else [])])
    hi = max([0.0, *values, *([reference] if reference is not None else [])])
    if lo == hi == 0:
        hi = 1.0
    d0, d1, ticks, step = _axis(lo, hi, 6)

    value_texts = [_value_label(v, value_format) for _, v, _ in rows]
    label_w = _label_column_width([label for label, _, _ in rows], label_size)
    plot_left = 12 + label_w + 10
    right_margin = max(36.0, max(_text_width(t, value_size) for t in value_texts) + 14)
    plot_right = WIDTH - right_margin
    top = 30 if reference is not None else 12
    plot_bottom = top + row_h * len(rows)
    height = plot_bottom + 26
    x = _Scale(d0, d1, plot_left, plot_right)
    zero_x = x(0.0)

    body = []
    body.extend(_vertical_grid(ticks, x, step, top=top, bottom=plot_bottom, size=tick_size, abbreviate=False))

    ref_x = x(reference) if reference is not None else None
    value_labels = []  # drawn last, above the reference line
    for index, ((label, value, highlight), value_text) in enumerate(zip(rows, value_texts, strict=True)):
        center = top + row_h * index + row_h / 2
        shown = value if value is not None else 0.0
        end = x(shown)
        bar_w = abs(end - zero_x)
        if shown != 0 and bar_w < 1.5:
            bar_w = 1.5  # keep tiny values (LQ 0.0009) visible as a sliver
        bar_x = zero_x if shown >= 0 else zero_x - bar_w
        body.append(
            _el(
                "rect",
                {
                    "class_": "bar",
                    "x": float(bar_x),
                    "y": float(center - bar_h / 2),
                    "width": float(bar_w),
                    "height": float(bar_h),
                    "fill": HIGHLIGHT if highlight else NORMAL,
                    "data_value": "" if value is None else repr(value),
                },
                _title(f"{label}: {value_text}"),
            )
        )
        shown_label = _truncate(label)
        body.append(
            _text(
                plot_left - 10,
                center + 4,
                shown_label,
                size=label_size,
                anchor="end",
                title=label if shown_label != label else None,
            )
        )
        if shown >= 0:
            vx, anchor = bar_x + bar_w + 5, "start"
            if ref_x is not None and vx - 3 <= ref_x <= vx + _text_width(value_text, value_size) + 3:
                vx = ref_x + 5  # do not let the dashed reference line cut through the number
        elif bar_x - plot_left >= _text_width(value_text, value_size) + 8:
            vx, anchor = bar_x - 5, "end"
        else:  # no room left of a long negative bar: put the number just right of zero
            vx, anchor = zero_x + 5, "start"
        value_labels.append(
            _text(
                vx, center + 4, value_text, size=value_size, anchor=anchor, fill=TEXT, halo=True, class_="value-label"
            )
        )

    body.append(_line(zero_x, top, zero_x, plot_bottom, stroke=AXIS))
    body.append(_line(plot_left, plot_bottom, plot_right, plot_bottom, stroke=AXIS))

    if reference is not None:
        rx = x(reference)
        body.append(
            _line(
                rx,
                top - 6,
                rx,
                plot_bottom,
                stroke=REFERENCE,
                width=1.5,
                dash="5 4",
                class_="reference-line",
                data_value=repr(reference),
            )
        )
        ref_text = str(reference_label) or format_id(reference, 2, trim=True)
        ref_w = _text_width(ref_text, 11)
        anchor = "middle"
        if rx + ref_w / 2 > WIDTH - 4:
            anchor = "end"
        elif rx - ref_w / 2 < 4:
            anchor = "start"
        body.append(_text(rx, top - 10, ref_text, size=11, anchor=anchor, fill=REFERENCE, weight="bold"))
    body.extend(value_labels)

    description = "; ".join(f"{label}: {text}" for (label, _, _), text in zip(rows, value_texts, strict=True))
    return _svg(WIDTH, height, title=title, testid=testid, description=description, body=body)


# --------------------------------------------------------------------------------------------------
# 2. Diverging grouped bars (e.g. shift-share components per sector)
# --------------------------------------------------------------------------------------------------


def diverging_component_chart(
    items: Sequence[tuple[str, Mapping[str, float]]],
    *,
    title: str,
    series: Sequence[tuple[str, str, str]],
    testid: str = "",
) -> SafeString:
    """For each ``(label, {series_key: value})`` one thin bar per series around a zero axis.

    ``series`` is a list of ``(series_key, legend label, colour)``. Negative values go left of zero,
    positive right; the axis ticks are abbreviated Indonesian numbers (``1,5 jt``, ``2 M``). Each bar has
    a ``<title>`` with the category, series and exact value. Missing values are drawn as empty bars.
    """
    rows = [(str(label), dict(values or {})) for label, values in items]
    series = [(str(key), str(name), str(colour)) for key, name, colour in series]
    title = str(title)
    if not rows or not series:
        return _empty_chart(title, testid)

    label_size, tick_size, legend_size, value_size = 12, 11, 12, 9.5
    bar_h, bar_gap, group_pad = 9, 2, 12
    group_h = len(series) * (bar_h + bar_gap) - bar_gap + group_pad

    values = [v for _, mapping in rows for key, _, _ in series if (v := _num(mapping.get(key))) is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if lo == hi == 0:
        lo, hi = -1.0, 1.0
    d0, d1, ticks, step = _axis(lo, hi, 6)

    label_w = _label_column_width([label for label, _ in rows], label_size)
    plot_left = 12 + label_w + 10
    plot_right = WIDTH - 16
    # Room inside the plot for the value labels that sit beyond the bar ends.
    texts = {v: _short_number(v) for v in values}
    neg_pad = max([_text_width(t, value_size) + 8 for v, t in texts.items() if v < 0], default=0.0)
    pos_pad = max([_text_width(t, value_size) + 8 for v, t in texts.items() if v >= 0], default=0.0)

    # Legend, wrapped over several lines when needed.
    body = []
    legend_x, legend_y = plot_left, 16
    for key, name, colour in series:
        item_w = 14 + 6 + _text_width(name, legend_size) + 18
        if legend_x + item_w > WIDTH - 8 and legend_x > plot_left:
            legend_x, legend_y = plot_left, legend_y + 20
        body.append(
            _el(
                "rect",
                {
                    "class_": "legend-swatch",
                    "x": float(legend_x),
                    "y": float(legend_y - 10),
                    "width": 12,
                    "height": 12,
                    "fill": colour,
                    "data_series": key,
                },
            )
        )
        body.append(_text(legend_x + 18, legend_y, name, size=legend_size))
        legend_x += item_w

    axis_top = legend_y + 14  # top tick labels
    top = axis_top + 12
    plot_bottom = top + group_h * len(rows)
    height = plot_bottom + 26
    x = _Scale(d0, d1, plot_left + neg_pad, plot_right - pos_pad)
    zero_x = x(0.0)

    for index in range(len(rows)):  # zebra bands help to read across 17 groups
        if index % 2 == 0:
            body.append(
                _el(
                    "rect",
                    {
                        "x": 8,
                        "y": float(top + index * group_h),
                        "width": float(WIDTH - 16),
                        "height": float(group_h),
                        "fill": BAND,
                    },
                )
            )
    body.extend(
        _vertical_grid(ticks, x, step, top=top, bottom=plot_bottom, size=tick_size, abbreviate=True, label_top=axis_top)
    )

    summary, value_labels = [], []
    for index, (label, mapping) in enumerate(rows):
        group_top = top + index * group_h + group_pad / 2
        center = top + index * group_h + group_h / 2
        shown_label = _truncate(label)
        body.append(
            _text(
                plot_left - 10,
                center + 4,
                shown_label,
                size=label_size,
                anchor="end",
                title=label if shown_label != label else None,
            )
        )
        parts = []
        for position, (key, name, colour) in enumerate(series):
            value = _num(mapping.get(key))
            shown = value if value is not None else 0.0
            end = x(shown)
            bar_w = abs(end - zero_x)
            if shown != 0 and bar_w < 1.5:
                bar_w = 1.5
            bar_x = zero_x if shown >= 0 else zero_x - bar_w
            detail = _detail_number(value)
            parts.append(f"{name} {detail}")
            bar_y = group_top + position * (bar_h + bar_gap)
            value_labels.append(
                _text(
                    bar_x - 4 if shown < 0 else bar_x + bar_w + 4,
                    bar_y + bar_h - 1.5,
                    _short_number(value),
                    size=value_size,
                    anchor="end" if shown < 0 else "start",
                    fill=MUTED,
                    class_="value-label",
                )
            )
            body.append(
                _el(
                    "rect",
                    {
                        "class_": "bar",
                        "x": float(bar_x),
                        "y": float(bar_y),
                        "width": float(bar_w),
                        "height": float(bar_h),
                        "fill": colour,
                        "data_series": key,
                        "data_value": "" if value is None else repr(value),
                    },
                    _title(f"{label} \u2013 {name}: {detail}"),
                )
            )
        summary.append(f"{label}: " + ", ".join(parts))

    body.append(_line(zero_x, top, zero_x, plot_bottom, stroke=TEXT, width=1.2, class_="zero-axis"))
    body.append(_line(plot_left, plot_bottom, plot_right, plot_bottom, stroke=AXIS))
    body.extend(value_labels)
    return _svg(WIDTH, height, title=title, testid=testid, description="; ".join(summary), body=body)


# --------------------------------------------------------------------------------------------------
# 3. Quadrant scatter (e.g. proportional vs differential shift, or LQ vs growth)
# --------------------------------------------------------------------------------------------------

_QUADRANTS = ("top_left", "top_right", "bottom_left", "bottom_right")


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _text_box(x: float, y: float, text: str, size: float, anchor: str, pad: float = 0.0):
    """Approximate bounding box (left, top, right, bottom) of a text, grown by ``pad`` on every side."""
    w = _text_width(text, size)
    left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return (left - pad, y - size * 0.8 - pad, left + w + pad, y + size * 0.25 + pad)


def _axis_domain(values: list[float], line: float | None, target: int) -> tuple[float, float, list[float], float]:
    pool = values + ([line] if line is not None else [])
    lo, hi = min(pool), max(pool)
    span = hi - lo
    pad = (abs(lo) * 0.5 or 1.0) if span == 0 else span * 0.06
    return _axis(lo - pad, hi + pad, target)


def _place_label(cx, cy, radius, text, size, occupied, bounds):
    """Greedy label placement: try eight directions around the point, first close, then further out
    (those get a leader line); take the first spot that collides with nothing, else the least bad one."""
    left, top, right, bottom = bounds
    best, best_cost = None, math.inf
    for ring in range(5):
        distance = radius + 3 + ring * 13
        for dx, dy in ((1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1)):
            scale = 0.75 if dx and dy else 1.0
            px, py = cx + dx * distance * scale, cy + dy * distance * scale
            anchor = "start" if dx > 0 else "end" if dx < 0 else "middle"
            ty = py + size * 0.35 if dy == 0 else (py if dy < 0 else py + size * 0.8)
            box = _text_box(px, ty, text, size * 1.1, anchor, pad=1.5)  # bold glyphs are wider
            outside = max(0.0, left - box[0]) + max(0.0, box[2] - right) + max(0.0, top - box[1])
            outside += max(0.0, box[3] - bottom)
            cost = outside * 1000 + sum(_overlap(box, other) for other in occupied) + ring * 2
            if cost < best_cost:
                best, best_cost = (px, ty, anchor, box, ring, dx, dy, scale), cost
        if best_cost < (ring + 1) * 2:  # a collision-free spot in this ring (or an earlier one)
            break
    return best


def quadrant_scatter(
    points: Sequence[tuple],
    *,
    title: str,
    x_label: str,
    y_label: str,
    x_line: float,
    y_line: float,
    quadrant_labels: Mapping[str, str],
    testid: str = "",
) -> SafeString:
    """Scatter of ``(label, x, y)`` points split into four quadrants by ``x = x_line`` and ``y = y_line``.

    Each point is a circle with its short label (e.g. the sector code) placed where it does not collide
    with other labels, and a ``<title>`` with the detail. A point may carry a fourth element, a longer
    description used in the ``<title>`` (e.g. the full sector name). ``quadrant_labels`` names the corners
    (keys ``top_right``, ``top_left``, ``bottom_right``, ``bottom_left``; missing keys are left blank).
    Points with missing coordinates are skipped. The axes always cover every point and both lines.
    """
    title, x_label, y_label = str(title), str(x_label), str(y_label)
    parsed = []
    for point in points:
        label, px, py = point[0], _num(point[1]), _num(point[2])
        detail = str(point[3]) if len(point) > 3 and point[3] else str(label)
        if px is not None and py is not None:
            parsed.append((str(label), px, py, detail))
    if not parsed:
        return _empty_chart(title, testid)
    x_line_v, y_line_v = _num(x_line), _num(y_line)

    height = 520
    tick_size, label_size, point_size, quadrant_size = 11, 12, 11, 12
    x0, x1, x_ticks, x_step = _axis_domain([p[1] for p in parsed], x_line_v, 6)
    y0, y1, y_ticks, y_step = _axis_domain([p[2] for p in parsed], y_line_v, 6)
    y_tick_texts = [_tick_label(t, y_step, abbreviate=True) for t in y_ticks]

    plot_left = 28 + max(_text_width(t, tick_size) for t in y_tick_texts) + 10
    plot_right = WIDTH - 24
    plot_top, plot_bottom = 16, height - 52
    x = _Scale(x0, x1, plot_left, plot_right)
    y = _Scale(y0, y1, plot_bottom, plot_top)

    body = [
        _el(
            "rect",
            {
                "x": float(plot_left),
                "y": float(plot_top),
                "width": float(plot_right - plot_left),
                "height": float(plot_bottom - plot_top),
                "fill": "#ffffff",
                "stroke": GRID,
            },
        )
    ]
    body.extend(_vertical_grid(x_ticks, x, x_step, top=plot_top, bottom=plot_bottom, size=tick_size, abbreviate=True))
    for tick, text in zip(y_ticks, y_tick_texts, strict=True):
        ty = y(tick)
        body.append(_line(plot_left, ty, plot_right, ty, stroke=GRID))
        body.append(_text(plot_left - 6, ty + 4, text, size=tick_size, anchor="end", fill=MUTED))
    body.append(_line(plot_left, plot_bottom, plot_right, plot_bottom, stroke=AXIS))
    body.append(_line(plot_left, plot_top, plot_left, plot_bottom, stroke=AXIS))

    # Axis titles.
    body.append(
        _text((plot_left + plot_right) / 2, height - 12, x_label, size=label_size, anchor="middle", weight="bold")
    )
    y_mid = (plot_top + plot_bottom) / 2
    body.append(
        _text(
            16,
            y_mid,
            y_label,
            size=label_size,
            anchor="middle",
            weight="bold",
            transform=f"rotate(-90 16 {_coord(y_mid)})",
        )
    )

    # Dividing lines.
    if x_line_v is not None:
        lx = x(x_line_v)
        body.append(
            _line(
                lx,
                plot_top,
                lx,
                plot_bottom,
                stroke=REFERENCE,
                width=1.5,
                dash="6 4",
                class_="divider",
                data_axis="x",
                data_value=repr(x_line_v),
            )
        )
    if y_line_v is not None:
        ly = y(y_line_v)
        body.append(
            _line(
                plot_left,
                ly,
                plot_right,
                ly,
                stroke=REFERENCE,
                width=1.5,
                dash="6 4",
                class_="divider",
                data_axis="y",
                data_value=repr(y_line_v),
            )
        )

    # Quadrant names in the corners; their boxes are reserved so point labels avoid them.
    occupied: list[tuple[float, float, float, float]] = []
    max_quadrant_w = (plot_right - plot_left) / 2 - 16
    corners = {
        "top_left": (plot_left + 8, plot_top + 18, "start"),
        "top_right": (plot_right - 8, plot_top + 18, "end"),
        "bottom_left": (plot_left + 8, plot_bottom - 8, "start"),
        "bottom_right": (plot_right - 8, plot_bottom - 8, "end"),
    }
    for key in _QUADRANTS:
        name = str(quadrant_labels.get(key) or "")
        if not name:
            continue
        shown = name
        while _text_width(shown, quadrant_size) > max_quadrant_w and len(shown) > 4:
            shown = shown[:-2].rstrip() + ELLIPSIS
        qx, qy, anchor = corners[key]
        occupied.append(_text_box(qx, qy, shown, quadrant_size, anchor))
        body.append(
            _text(
                qx,
                qy,
                shown,
                size=quadrant_size,
                anchor=anchor,
                fill=MUTED,
                weight="bold",
                title=name if shown != name else None,
                class_="quadrant-label",
                data_quadrant=key,
            )
        )

    # Points first (so labels are drawn on top), then labels placed greedily.
    radius = 6
    placed = [(x(px), y(py)) for _, px, py, _ in parsed]
    for cx, cy in placed:
        occupied.append((cx - radius, cy - radius, cx + radius, cy + radius))
    summary = []
    for (_label, px, py, detail), (cx, cy) in zip(parsed, placed, strict=True):
        hover = f"{detail}: {x_label} {_detail_number(px)}; {y_label} {_detail_number(py)}"
        summary.append(hover)
        body.append(
            _el(
                "circle",
                {
                    "class_": "point",
                    "cx": float(cx),
                    "cy": float(cy),
                    "r": radius,
                    "fill": POINT,
                    "fill_opacity": "0.85",
                    "stroke": "#ffffff",
                    "stroke_width": 1.5,
                },
                _title(hover),
            )
        )
    # Crowded points choose first, so they get the close spots; the DOM keeps the input order.
    crowding = [sum(1 for ox, oy in placed if abs(ox - cx) < 40 and abs(oy - cy) < 25) for cx, cy in placed]
    order = sorted(range(len(parsed)), key=lambda i: -crowding[i])
    labels, leaders = [None] * len(parsed), []
    bounds = (plot_left + 2, plot_top + 2, plot_right - 2, plot_bottom - 2)
    for i in order:
        label = parsed[i][0]
        cx, cy = placed[i]
        tx, ty, anchor, box, ring, dx, dy, scale = _place_label(cx, cy, radius, label, point_size, occupied, bounds)
        occupied.append(box)
        if ring:
            leaders.append(
                _line(
                    cx + dx * radius * scale,
                    cy + dy * radius * scale,
                    tx - dx * 2,
                    ty - 4 if dy == 0 else (ty + 2 if dy < 0 else ty - point_size * 0.8 - 1),
                    stroke="#9ca3af",
                    width=0.8,
                    class_="leader",
                )
            )
        labels[i] = _text(
            tx, ty, label, size=point_size, anchor=anchor, fill=TEXT, weight="bold", halo=True, class_="point-label"
        )
    body.extend(leaders)
    body.extend(labels)

    return _svg(WIDTH, height, title=title, testid=testid, description="; ".join(summary), body=body)


# --------------------------------------------------------------------------------------------------
# 4. Sparkline (an indicator's trend in a dashboard table cell)
# --------------------------------------------------------------------------------------------------

STATUS_COLOURS = {"on_track": "#198754", "at_risk": "#b58105", "off_track": "#b02a37"}
STATUS_NEUTRAL = "#6c757d"
VALUE_LINE = HIGHLIGHT
TARGET_LINE = REFERENCE
TARGET_DASH = "6 4"
# Legends in the reader's language (lazy: translated where the chart is drawn).
LEGEND_VALUE = gettext_lazy("Value")
LEGEND_TARGET = gettext_lazy("Target")
INCOMPLETE_DATA = gettext_lazy("incomplete data")


def _runs(coords: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The stretches of consecutive known coordinates; every None (incomplete period) splits the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for coord in coords:
        if coord is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(coord)
    return [run for run in runs if run]


def _polyline(coords: Sequence[tuple[float, float]], *, stroke: str, width: float, dash=None, **extra) -> SafeString:
    attrs = {
        "points": " ".join(f"{_coord(x)},{_coord(y)}" for x, y in coords),
        "fill": "none",
        "stroke": stroke,
        "stroke_width": width,
        "stroke_dasharray": dash,
        "stroke_linejoin": "round",
        "stroke_linecap": "round",
    }
    attrs.update(extra)
    return _el("polyline", attrs)


def _circle(cx: float, cy: float, r: float, *, fill: str, stroke=None, width=None, title=None, **extra) -> SafeString:
    attrs = {"cx": float(cx), "cy": float(cy), "r": r, "fill": fill, "stroke": stroke, "stroke_width": width}
    attrs.update(extra)
    return _el("circle", attrs, _title(title) if title else None)


def sparkline(values: Sequence[float | None], *, title: str, testid: str = "", status: str = "") -> SafeString:
    """A tiny trend line (viewBox 120×28) for a table cell; ``values`` oldest first.

    ``None`` is a period with incomplete data: the line has a gap there (it is not drawn as zero). The last
    known value gets a dot. The colour follows ``status``: ``on_track`` green, ``at_risk`` amber,
    ``off_track`` red, anything else grey. The vertical scale runs from the smallest to the largest value
    (a flat series sits in the middle). The root carries ``class="sparkline"`` instead of ``chart`` so the
    site CSS can size it small.
    """
    title = str(title)
    numbers = [_num(v) for v in values]
    colour = STATUS_COLOURS.get(str(status or ""), STATUS_NEUTRAL)
    width, height, pad = 120, 28, 3.5
    known = [v for v in numbers if v is not None]
    description = "; ".join(_short_number(v) for v in numbers)
    if not known:
        body = [_text(width / 2, 18, NO_VALUE, size=12, anchor="middle", fill=MUTED, class_="no-data")]
        message = gettext("No data")
        return _svg(width, height, title=title, testid=testid, description=message, body=body, css_class="sparkline")

    lo, hi = min(known), max(known)
    y = _Scale(lo, hi, height - pad, pad) if hi > lo else (lambda _v: height / 2)
    count = len(numbers)
    step = (width - 2 * pad) / (count - 1) if count > 1 else 0.0
    coords = [
        None if v is None else ((pad + i * step) if count > 1 else width / 2, y(v)) for i, v in enumerate(numbers)
    ]
    last = max(i for i, c in enumerate(coords) if c is not None)

    body = []
    for run in _runs(coords):
        if len(run) > 1:
            body.append(_polyline(run, stroke=colour, width=1.5, class_="sparkline-line"))
        elif run[0] != coords[last]:  # a lone known period between gaps: a small dot, else it is invisible
            body.append(_circle(*run[0], 1.2, fill=colour, class_="isolated-point"))
    body.append(_circle(*coords[last], 2.4, fill=colour, title=_short_number(numbers[last]), class_="last-point"))
    return _svg(width, height, title=title, testid=testid, description=description, body=body, css_class="sparkline")


# --------------------------------------------------------------------------------------------------
# 5. Line chart (an indicator's time series with its targets)
# --------------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"\d{4}(-\d{1,2}){0,2}")


def _period_order(*label_lists: Sequence[str]) -> list[str]:
    """All periods once: sorted when every label is a year or year-month ("2019", "2024-05"), else in the
    order they first appear (the values' periods, then any extra target periods)."""
    seen = list(dict.fromkeys(label for labels in label_lists for label in labels))
    if seen and all(_PERIOD.fullmatch(label) for label in seen):
        return sorted(seen, key=lambda label: tuple(int(part) for part in label.split("-")))
    return seen


def _line_ticks(lo: float, hi: float) -> tuple[list[float], float]:
    """Round ticks covering [lo, hi], four to six of them when any density gives that."""
    fallback = None
    for target in (5, 4, 6, 3, 7):
        ticks, step = _nice_ticks(lo, hi, target)
        if 4 <= len(ticks) <= 6:
            return ticks, step
        fallback = fallback or (ticks, step)
    return fallback  # pragma: no cover - one of the densities always fits


def _every(count: int, spacing: float, widest: float, most: int) -> int:
    """Show every k-th label (counted back from the newest period) so that labels neither overlap nor
    exceed ``most``."""
    k = 1
    while k < count and (math.ceil(count / k) > most or k * spacing < widest + 8):
        k += 1
    return k


def _missing_label(px: float, baseline: float, room: float, left: float, size: float) -> SafeString:
    """The label above a hollow marker: one line when it fits between the neighbouring periods, else two
    lines, else rotated to read upwards; kept inside the chart near its edges."""
    label = str(INCOMPLETE_DATA)
    lines = [label]
    if _text_width(label, size) + 10 > room and " " in label:
        lines = label.rsplit(" ", 1)
    widest = max(_text_width(line, size) for line in lines)
    options = {"size": size, "fill": MUTED, "halo": True, "class_": "missing-label"}
    if widest + 10 > room:  # too narrow even on two lines: read upwards from the marker
        x = px + 3.5
        rotate = f"rotate(-90 {_coord(x)} {_coord(baseline)})"
        return _text(x, baseline, label, anchor="start", transform=rotate, **options)
    x, anchor = px, "middle"
    if px + widest / 2 > WIDTH - 4:
        x, anchor = WIDTH - 4, "end"
    elif px - widest / 2 < left + 2:
        x, anchor = left + 2, "start"
    if len(lines) == 1:
        return _text(x, baseline, label, anchor=anchor, **options)
    top = baseline - size * 1.2
    tspans = [
        _el("tspan", {"x": float(x), "y": float(line_y)}, line)
        for line, line_y in zip(lines, (top, baseline), strict=True)
    ]
    return _text(x, top, mark_safe("".join(tspans)), anchor=anchor, **options)


def _value_label_spot(
    cx: float,
    cy: float,
    text: str,
    size: float,
    prefer_below: bool,
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    bounds: tuple[float, float, float, float],
) -> tuple[float, float, str]:
    """Where a point's value label goes: above the dot (under it for a dip), else below, right or left,
    whichever crosses the fewest nearby line segments and stays inside ``bounds``."""
    spots = [(cx, cy - 9, "middle"), (cx, cy + 17, "middle"), (cx + 8, cy + 4, "start"), (cx - 8, cy + 4, "end")]
    if prefer_below:
        spots[0], spots[1] = spots[1], spots[0]
    left, top, right, bottom = bounds
    best, best_cost = spots[0], math.inf
    for order, (x, y, anchor) in enumerate(spots):
        box = _text_box(x, y, text, size, anchor, pad=1.5)
        cost = order + (1000 if box[0] < left or box[2] > right or box[1] < top or box[3] > bottom else 0)
        for (x0, y0), (x1, y1) in segments:
            cost += 10 * sum(
                box[0] <= x0 + (x1 - x0) * k / 16 <= box[2] and box[1] <= y0 + (y1 - y0) * k / 16 <= box[3]
                for k in range(17)
            )
        if cost < best_cost:
            best, best_cost = (x, y, anchor), cost
    return best


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    y_label: str = "",
    target_points: Sequence[tuple[str, float | None]] | None = None,
    value_format: int | Callable[[float], str] = 1,
    testid: str = "",
) -> SafeString:
    """A time series of ``(period_label, value)`` pairs, oldest first, e.g. ``("2023", 5.2)``.

    The values are a solid line with a dot and a value label per point (``value_format``: decimals or a
    callable, as in :func:`horizontal_bar_chart`; labels are thinned when the points are too close, every
    dot's ``<title>`` keeps the figure). A ``None`` value is a period with incomplete data: the line breaks
    there and a hollow marker on the x axis is labelled "data belum lengkap". ``target_points`` (same shape)
    are drawn as a dashed line in a second colour, with a legend "Nilai" / "Target"; target periods missing
    from ``points`` are added to the x axis. The y axis starts at 0 (or below, for negative values) with
    four to six round ticks in Indonesian format; x labels are thinned to about twelve.
    """
    title, y_label = str(title), str(y_label)
    values = [(str(label), _num(value)) for label, value in points]
    targets = [(str(label), _num(value)) for label, value in (target_points or [])]
    periods = _period_order([p for p, _ in values], [p for p, _ in targets])
    if not periods:
        return _empty_chart(title, testid)
    value_at = dict(values)
    target_at = {p: t for p, t in targets if t is not None}
    has_target = bool(target_at)
    has_missing = any(p in value_at and value_at[p] is None for p in periods)

    height = 320
    tick_size, x_size, value_size, legend_size, axis_size, missing_size = 11, 11, 10.5, 12, 12, 10
    known = [v for v in value_at.values() if v is not None] + list(target_at.values())
    lo, hi = min([0.0, *known]), max([0.0, *known])
    if lo == hi:
        hi = 1.0
    # A little headroom, so the extreme points (and their labels) do not sit on the frame.
    headroom = (hi - lo) * 0.04 if known else 0.0
    ticks, step = _line_ticks(lo - headroom if lo < 0 else lo, hi + headroom if hi > 0 else hi)
    abbreviate = max(abs(ticks[0]), abs(ticks[-1])) >= 1_000_000
    tick_texts = [_tick_label(t, step, abbreviate=abbreviate) for t in ticks]
    value_texts = {p: _value_label(v, value_format) for p, v in value_at.items() if v is not None}
    target_texts = {p: _value_label(t, value_format) for p, t in target_at.items()}

    plot_left = (30 if y_label else 10) + max(_text_width(t, tick_size) for t in tick_texts) + 8
    plot_right = WIDTH - 16
    legend = [("value", str(LEGEND_VALUE))]
    if has_target:
        legend.append(("target", str(LEGEND_TARGET)))
    if has_missing:
        legend.append(("missing", str(INCOMPLETE_DATA)))
    show_legend = len(legend) > 1
    plot_top = 46 if show_legend else 24
    plot_bottom = height - 38
    y = _Scale(ticks[0], ticks[-1], plot_bottom, plot_top)

    count = len(periods)
    widest_value = max((_text_width(t, value_size) for t in value_texts.values()), default=0.0)
    widest_period = max(_text_width(p, x_size) for p in periods)
    inset = min(60.0, max(18.0, widest_value / 2 + 6, widest_period / 2 + 4))
    spacing = (plot_right - plot_left - 2 * inset) / (count - 1) if count > 1 else 0.0
    xs = [plot_left + inset + i * spacing for i in range(count)] if count > 1 else [(plot_left + plot_right) / 2]
    x_of = dict(zip(periods, xs, strict=True))
    x_every = _every(count, spacing, widest_period, 12) if count > 1 else 1
    value_every = _every(count, spacing, widest_value, count) if count > 1 else 1

    body = []
    if show_legend:
        lx, ly = plot_left, 18
        for key, name in legend:
            if key == "value":
                body.append(_line(lx, ly - 4, lx + 22, ly - 4, stroke=VALUE_LINE, width=2.5, shape_rendering=None))
                body.append(_circle(lx + 11, ly - 4, 3.5, fill=VALUE_LINE))
            elif key == "target":
                body.append(
                    _line(
                        lx, ly - 4, lx + 22, ly - 4, stroke=TARGET_LINE, width=2, dash=TARGET_DASH, shape_rendering=None
                    )
                )
            else:
                body.append(_circle(lx + 11, ly - 4, 4, fill="#ffffff", stroke=MUTED, width=1.5))
            body.append(_text(lx + 28, ly, name, size=legend_size, class_="legend", data_series=key))
            lx += 28 + _text_width(name, legend_size) + 22

    for tick, text in zip(ticks, tick_texts, strict=True):  # horizontal grid and y tick labels
        ty = y(tick)
        is_zero = abs(tick) < step * 1e-6
        if tick != ticks[0]:
            body.append(_line(plot_left, ty, plot_right, ty, stroke=AXIS if is_zero else GRID))
        body.append(_text(plot_left - 6, ty + 4, text, size=tick_size, anchor="end", fill=MUTED, class_="y-tick"))
    body.append(_line(plot_left, plot_bottom, plot_right, plot_bottom, stroke=AXIS))
    body.append(_line(plot_left, plot_top, plot_left, plot_bottom, stroke=AXIS))
    for index, period in enumerate(periods):  # x ticks, labels thinned from the newest period back
        px = x_of[period]
        body.append(_line(px, plot_bottom, px, plot_bottom + 4, stroke=AXIS))
        if (count - 1 - index) % x_every == 0:
            body.append(_text(px, plot_bottom + 18, period, size=x_size, anchor="middle", fill=MUTED, class_="x-label"))
    if y_label:
        y_mid = (plot_top + plot_bottom) / 2
        body.append(
            _text(
                14,
                y_mid,
                y_label,
                size=axis_size,
                anchor="middle",
                weight="bold",
                transform=f"rotate(-90 14 {_coord(y_mid)})",
                class_="y-label",
            )
        )

    # Target: dashed line through the target periods, a short solid mark on each (so a lone target shows).
    target_coords = [(x_of[p], y(target_at[p])) if p in target_at else None for p in periods]
    for run in _runs(target_coords):
        if len(run) > 1:
            body.append(_polyline(run, stroke=TARGET_LINE, width=2, dash=TARGET_DASH, class_="target-line"))
    for period in periods:
        if period in target_at:
            tx, ty = x_of[period], y(target_at[period])
            body.append(
                _el(
                    "line",
                    {
                        "class_": "target-mark",
                        "x1": tx - 6,
                        "y1": ty,
                        "x2": tx + 6,
                        "y2": ty,
                        "stroke": TARGET_LINE,
                        "stroke_width": 2.5,
                        "data_period": period,
                        "data_value": repr(target_at[period]),
                    },
                    _title(f"{period}: {LEGEND_TARGET} {target_texts[period]}"),
                )
            )

    target_segments = [(a, b) for run in _runs(target_coords) for a, b in itertools.pairwise(run)]
    target_segments += [((c[0] - 6, c[1]), (c[0] + 6, c[1])) for c in target_coords if c is not None]

    # Values: the line split at incomplete periods, then markers, then labels on top.
    coords = [(x_of[p], y(value_at[p])) if value_at.get(p) is not None else None for p in periods]
    for run in _runs(coords):
        if len(run) > 1:
            body.append(_polyline(run, stroke=VALUE_LINE, width=2.5, class_="value-line"))
    labels, summary = [], []
    for index, period in enumerate(periods):
        px = x_of[period]
        target_note = f"; {LEGEND_TARGET} {target_texts[period]}" if period in target_at else ""
        if period not in value_at:  # a target-only period
            if target_note:
                summary.append(f"{period}: {LEGEND_TARGET} {target_texts[period]}")
            continue
        value = value_at[period]
        if value is None:
            summary.append(f"{period}: {INCOMPLETE_DATA}{target_note}")
            body.append(
                _circle(
                    px,
                    plot_bottom,
                    4.5,
                    fill="#ffffff",
                    stroke=MUTED,
                    width=1.5,
                    title=f"{period}: {INCOMPLETE_DATA}",
                    class_="missing-point",
                    data_period=period,
                )
            )
            labels.append(
                _missing_label(px, plot_bottom - 10, spacing if count > 1 else WIDTH, plot_left, missing_size)
            )
            continue
        text = value_texts[period]
        summary.append(f"{period}: {text}{target_note}")
        cx, cy = coords[index]
        body.append(
            _circle(
                cx,
                cy,
                4,
                fill=VALUE_LINE,
                stroke="#ffffff",
                width=1.5,
                title=f"{period}: {LEGEND_VALUE} {text}{target_note}",
                class_="point",
                data_period=period,
                data_value=repr(value),
            )
        )
        if (count - 1 - index) % value_every:
            continue
        neighbours = [value_at.get(periods[j]) for j in (index - 1, index + 1) if 0 <= j < count]
        neighbours = [v for v in neighbours if v is not None]
        dip = bool(neighbours) and all(v > value for v in neighbours)  # a dip: the label prefers to go under it
        near = [(coords[j], (cx, cy)) for j in (index - 1, index + 1) if 0 <= j < count and coords[j] is not None]
        lx, ly, anchor = _value_label_spot(
            cx,
            cy,
            text,
            value_size,
            dip,
            near + target_segments,
            (plot_left + 1, plot_top - 18, WIDTH - 2, plot_bottom),
        )
        labels.append(_text(lx, ly, text, size=value_size, anchor=anchor, fill=TEXT, halo=True, class_="value-label"))
    body.extend(labels)
    return _svg(WIDTH, height, title=title, testid=testid, description="; ".join(summary), body=body)
