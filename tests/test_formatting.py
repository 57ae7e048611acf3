"""Numbers as the reader's language writes them: the dashboard's fast path must print what Babel prints."""

from __future__ import annotations

import random

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
