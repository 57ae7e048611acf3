"""Jinja filters that format numbers in the reader's language ("19,1" in Russian, "19.1" in English)."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, format_percent


def number(value: float | int | None) -> str:
    """A score or a number of points: at most two decimals, none when whole."""
    if value is None:
        return ""
    return format_decimal(round(float(value), 2), format="#,##0.##")


def percent(value: float | None) -> str:
    """A share (0..1) as a whole percentage in the reader's language ("72 %" in Russian)."""
    return "" if value is None else format_percent(value)


def register(app: Flask) -> None:
    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
