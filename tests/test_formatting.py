"""Numbers as the reader's language writes them: the dashboard's fast path must print what Babel prints."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale, format_decimal

from course.formatting import number


@pytest.mark.parametrize("locale", ["en", "ru", "tk"])
def test_number_prints_what_babel_prints_in_every_language(app, locale):
    values = [0, 1, 0.5, 0.005, 19.1, 19.999, 1234.5, 12345678.999, -2500.25, 99.995, 1e6, 3.14159, 100.0,
              0.1 + 0.2, *(random.Random(20).uniform(-1e6, 1e6) for _ in range(500))]
    with app.test_request_context(), force_locale(locale):
        for value in values:
            assert number(value) == format_decimal(round(value, 2), format="#,##0.##"), value


def test_number_writes_russian_decimals_with_a_comma_and_nothing_for_none(app):
    with app.test_request_context(), force_locale("ru"):
        assert number(19.1) == "19,1" and number(1234.5) == "1\xa0234,5" and number(None) == ""
        assert number(-0.001) == "0"  # not "-0"


US_SHORT_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}\.\d{1,2}\.\d{2}\b")


@pytest.mark.parametrize("locale", ["en", "ru", "tk"])
@pytest.mark.parametrize("asked", ["short", "medium", "long"])
def test_no_template_can_print_a_date_that_can_be_misread(app, locale, asked):
    """Whatever format a template asks for, the month is named: "12/6/26" is 6 December to an American and
    12 June to everyone else."""
    moment = datetime(2026, 12, 6, 14, 30, tzinfo=UTC)
    with app.test_request_context(), force_locale(locale):
        environment = app.jinja_env
        for text in (environment.filters["dateformat"](moment.date(), asked),
                     environment.filters["datetimeformat"](moment, asked)):
            assert not US_SHORT_DATE.search(text), text
            assert "2026" in text and "6" in text


def test_the_templates_ask_for_no_numeric_date():
    templates = Path(__file__).resolve().parent.parent / "templates"
    asking = [str(path) for path in templates.rglob("*.html") if 'format("short")' in path.read_text()]
    assert asking == []
