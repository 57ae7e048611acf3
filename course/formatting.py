"""Jinja filters that format for the reader's language: numbers ("19,1" in Russian, "19.1" in English), dates
that cannot be misread, and the name of the language a fallback text is shown in."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from babel import Locale
from flask import Flask
from flask_babel import format_date, format_percent, format_time, get_locale
from markupsafe import Markup

from course.i18n import language_name


def number(value: float | int | None) -> str:
    """A score or a number of points: at most two decimals, none when whole (Babel's ``#,##0.##``).

    A dashboard prints a thousand of them; Babel parses the pattern and looks the locale up on every call, so
    the digits are laid out here and only the locale's two symbols come from Babel, once per language.
    """
    if value is None:
        return ""
    digits = f"{abs(round(float(value), 2)):,.2f}".rstrip("0").rstrip(".")
    group, decimal, minus = _symbols(str(get_locale() or "en"))
    text = digits.translate({ord(","): "\0", ord("."): decimal}).replace("\0", group)
    return minus + text if float(value) < 0 and text.strip("0" + decimal) else text


@cache
def _symbols(locale: str) -> tuple[str, str, str]:
    symbols = Locale.parse(locale).number_symbols["latn"]
    return symbols["group"], symbols["decimal"], symbols["minusSign"]


def percent(value: float | None) -> str:
    """A share (0..1) as a whole percentage in the reader's language ("72 %" in Russian)."""
    return "" if value is None else format_percent(value)


def plural_count(value: float) -> int:
    """The number a plural form is chosen by: gettext needs a whole number, and a fraction takes the
    form that 2 takes, which is right for "1.5 points" and for Russian "1,5 балла"."""
    return int(value) if float(value).is_integer() else 2


def fallback_note(code: str) -> Markup:
    """The small note after a text shown in another language: '(русский)' on a Turkmen page, in the page's
    language (so it carries the page's ``lang`` inside the text's own)."""
    return Markup('<small class="fallback-note" lang="{lang}">({name})</small>').format(
        lang=str(get_locale()), name=language_name(code))


#: Babel's "short" dates are numeric, and in English month first (12/6/26): read as 12 June in Turkmenistan.
#: Every date is written with its month named instead, whatever format a template asks for.
UNAMBIGUOUS = {"short": "medium"}


def dateformat(value: date | datetime | None, format: str = "medium") -> str:  # noqa: A002  (Flask-Babel's name)
    """A date in the reader's language, its month named ("6 Dec 2026", "6 дек. 2026 г.")."""
    return "" if value is None else format_date(value, UNAMBIGUOUS.get(format, format))


def datetimeformat(value: datetime | None, format: str = "medium") -> str:  # noqa: A002
    """A moment: the date as ``dateformat`` writes it, and the time to the minute."""
    if value is None:
        return ""
    return f"{dateformat(value, format)}, {format_time(value, 'short')}"


def register(app: Flask) -> None:
    # Replace Flask-Babel's filters of the same names, so no template can ask for a numeric date.
    app.add_template_filter(dateformat, "dateformat")
    app.add_template_filter(datetimeformat, "datetimeformat")
    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(fallback_note, "fallback_note")
