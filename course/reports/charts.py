"""Small inline SVG charts for the coordinator dashboard: no JavaScript, no CDN, nothing to load.

The app runs offline behind a strict Content-Security-Policy (``style-src 'self'``), so charts are plain
SVG built on the server. Colours come from CSS classes (``chart-bar``, ``chart-label``, ``chart-value``,
``chart-axis``), with ``fill``/``stroke`` presentation attributes as a readable fallback, never ``style=``.
Labels come from user data (cohort and trainer names): every piece of text goes in through
``Markup.format``, which runs it through ``markupsafe.escape``.
The page shows the same data in a table; the chart is a visual aid whose ``<title>`` and ``<desc>`` still
tell a screen reader what it shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 640  # viewBox width; the CSS scales the chart to its container
FILL = "#1f5fa8"
NO_DATA = "—"
DESC_ITEMS = 12  # the desc is read in one breath; the table next to the chart has the rest
_ID = re.compile(r"[A-Za-z][\w-]*")  # used in id and aria-labelledby, so no spaces
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")  # invalid in XML, meaningless in a label


@dataclass(frozen=True)
class Bar:
    """One bar or column; ``label`` and ``display`` are already translated and formatted for the locale."""

    label: str
    value: float | None  # None (or NaN/infinity) = no data: no bar, only the display text or "—"
    display: str


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", str(text)).strip()


def _has(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _text(cls: str, text: str, x: float, y: float, anchor: str, rotate: float = 0, max_chars: int = 0) -> Markup:
    """A ``<text>``; cut to ``max_chars`` with "…" when given, the full text then kept as a ``<title>`` tooltip."""
    text = _clean(text)
    turn = Markup(' transform="rotate({:g} {:.1f} {:.1f})"').format(rotate, x, y) if rotate else ""
    tip = ""
    if max_chars and len(text) > max_chars:
        tip, text = Markup("<title>{}</title>").format(text), text[: max(1, max_chars - 1)].rstrip() + "…"
    return Markup('<text class="{}" x="{:.1f}" y="{:.1f}" text-anchor="{}"{}>{}{}</text>').format(
        cls, x, y, anchor, turn, tip, text
    )


#: A bar's label wraps onto at most this many lines; only a longer one is cut (its full text kept as a tooltip).
LABEL_LINES = 3
LINE_HEIGHT = 14


def _wrap(text: str, width: int) -> list[str]:
    """Words onto lines of at most ``width`` characters (a longer word gets a line of its own, cut)."""
    lines: list[str] = []
    for word in _clean(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label_lines(text: str, x: float, y_middle: float, width: int) -> Markup:
    """A right-aligned label of up to ``LABEL_LINES`` lines centred on ``y_middle``: a module's name is read,
    not guessed from its first words."""
    wrapped = _wrap(text, width)
    cut = len(wrapped) > LABEL_LINES or any(len(line) > width for line in wrapped)
    lines = [line if len(line) <= width else line[: width - 1] + "…" for line in wrapped[:LABEL_LINES]]
    if len(wrapped) > LABEL_LINES:
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    first_y = y_middle + 4 - (len(lines) - 1) * LINE_HEIGHT / 2
    spans = Markup("").join(
        Markup('<tspan x="{:.1f}" y="{:.1f}">{}</tspan>').format(x, first_y + i * LINE_HEIGHT, line)
        for i, line in enumerate(lines))
    tip = Markup("<title>{}</title>").format(_clean(text)) if cut else ""
    return Markup('<text class="chart-label" x="{:.1f}" y="{:.1f}" text-anchor="end">{}{}</text>').format(
        x, first_y, tip, spans)


def _scale(bars: Sequence[Bar], max_value: float | None) -> tuple[float, float]:
    """(low, span) of the value axis: from min(0, smallest value) up to max_value or the largest value (≥ 1).

    A knowledge gain can be negative, so the zero line is not always at the edge.
    """
    values = [float(b.value) for b in bars if _has(b.value)]
    high = float(max_value) if max_value is not None else max([1.0, *values])
    low = min([0.0, *values])
    span = high - low
    return low, span if span > 0 else 1.0


def _clamp(value: float, low: float, span: float) -> float:
    """A value above ``max_value`` fills the plot instead of spilling over the value text."""
    return min(max(value, low), low + span)


def _svg(chart_id: str, title: str, bars: Sequence[Bar], height: float, body: Sequence[Markup], empty: str) -> Markup:
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a plain identifier, not {chart_id!r}")
    items = [f"{_clean(b.label)}: {_clean(b.display) or NO_DATA}" for b in bars[:DESC_ITEMS]]
    desc = "; ".join(items) + ("; …" if len(bars) > DESC_ITEMS else "") or _clean(empty) or _clean(title)
    if not bars:
        height = 48
        body = [_text("chart-empty", empty, WIDTH / 2, 28, "middle")]
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{i}-title {i}-desc" '
        'viewBox="0 0 {w} {h:.0f}" width="100%" class="chart" font-family="sans-serif" font-size="12">'
        '<title id="{i}-title">{t}</title><desc id="{i}-desc">{d}</desc>{b}</svg>'
    ).format(i=chart_id, w=WIDTH, h=height, t=_clean(title), d=desc, b=Markup("").join(body))


def _rect(x: float, y: float, w: float, h: float) -> Markup:
    return Markup('<rect class="chart-bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>').format(
        x, y, w, h, FILL
    )


def _axis(x1: float, y1: float, x2: float, y2: float) -> Markup:
    return Markup('<line class="chart-axis" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#666"/>').format(
        x1, y1, x2, y2
    )


def bar_chart(
    title: str, bars: Sequence[Bar], *, max_value: float | None = None, chart_id: str, empty_text: str = ""
) -> Markup:
    """Horizontal bars: one row per bar, label on the left, bar from the zero line, value text at its end.

    Negative bars go left of the zero line; their value text sits right of it so it never hides a label.
    """
    top, label_end, plot_x, label_chars = 8, 190, 200, 28
    plot_w = WIDTH - plot_x - 80  # room for the value text after the longest bar
    low, span = _scale(bars, max_value)
    zero = plot_x - low / span * plot_w
    body = []
    y = top
    for bar in bars:
        row = max(28, min(len(_wrap(bar.label, label_chars)), LABEL_LINES) * LINE_HEIGHT + 10)
        body.append(_label_lines(bar.label, label_end, y + row / 2, label_chars))
        end = zero
        if _has(bar.value):
            value = _clamp(float(bar.value), low, span)
            width = abs(value) / span * plot_w
            body.append(_rect(zero if value >= 0 else zero - width, y + row / 2 - 9, width, 18))
            end = zero + width if value > 0 else zero
        body.append(_text("chart-value", bar.display or NO_DATA, end + 4, y + row / 2 + 4, "start"))
        y += row
    height = y + top
    body.append(_axis(zero, top, zero, height - top))
    return _svg(chart_id, title, bars, height, body, empty_text)


def column_chart(
    title: str, columns: Sequence[Bar], *, max_value: float | None = None, chart_id: str, empty_text: str = ""
) -> Markup:
    """Vertical columns (e.g. cohorts per month), labels underneath.

    When columns get narrow, labels and values turn (so every month keeps its label); when even turned
    labels would overlap, only every n-th label is printed, the table next to the chart has them all.
    """
    plot_h, count = 200, max(1, len(columns))
    crowded = (WIDTH - 32) / count < 56
    # Turned labels run down-left from their column, so the first ones need room on the left.
    pad, top, bottom = (72, 48, 100) if crowded else (16, 22, 30)
    slot = (WIDTH - pad - 16) / count
    step = math.ceil(18 / slot) if slot < 18 else 1
    low, span = _scale(columns, max_value)
    zero = top + (low + span) / span * plot_h
    body = []
    for i, column in enumerate(columns):
        cx = pad + slot * (i + 0.5)
        if i % step == 0:
            label_y = top + plot_h + 16
            chars, anchor = (14, "end") if crowded else (max(3, int(slot / 7)), "middle")
            body.append(_text("chart-label", column.label, cx, label_y, anchor, -45 if crowded else 0, chars))
        end = zero
        if _has(column.value):
            value = _clamp(float(column.value), low, span)
            height = abs(value) / span * plot_h
            body.append(_rect(cx - slot * 0.35, zero - height if value >= 0 else zero, slot * 0.7, height))
            end = zero - height if value > 0 else zero
        shown = column.display or NO_DATA  # turned upright when crowded, so "1 234" fits a narrow column
        body.append(
            _text("chart-value", shown, cx + 4, end - 4, "start", -90)
            if crowded
            else _text("chart-value", shown, cx, end - 4, "middle")
        )
    body.append(_axis(pad, zero, WIDTH - 16, zero))
    return _svg(chart_id, title, columns, top + plot_h + bottom, body, empty_text)
