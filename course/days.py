"""Dates as people type them, read one way only.

A browser's date input shows its own locale's pattern, so a trainer on an American-set laptop saw
mm/dd/yyyy, and 03/04 means two different days in two countries. Cascade takes dates as text in the two
forms nobody misreads, ISO (2027-03-31) and day.month.year (31.03.2027, as Russian and Turkmen write them),
and refuses a slash with a message saying why.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
#: Shown beside every date field.
DAY_HINT = _l("For example 2027-03-31 or 31.03.2027.")
#: In the field until something is typed.
DAY_PLACEHOLDER = "2027-03-31"


class NotADay(ValueError):
    """Text that is not a date in a form Cascade reads; the message says what to write."""


#: A date or a datetime (``add_months`` gives back what it is given).
Moment = TypeVar("Moment", date, datetime)


def parse_day(raw: str) -> date:
    """The date ``raw`` writes, as ISO or day.month.year.

    :raises NotADay: anything else, a slash above all (its order of day and month depends on the country).
    """
    text = raw.strip()
    if iso := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in iso.groups())
    elif dotted := _DOTTED.fullmatch(text):
        day, month, year = (int(part) for part in dotted.groups())
    elif "/" in text:
        raise NotADay(_("“%(value)s” can be read as two different days: write it as 2027-03-31 or 31.03.2027.",
                        value=text[:20]))
    else:
        raise NotADay(_("“%(value)s” is not a date; write it as 2027-03-31 or 31.03.2027.", value=text[:20]))
    try:
        return date(year, month, day)
    except ValueError:
        raise NotADay(_("“%(value)s” is not a day of the calendar.", value=text[:20])) from None


def today() -> date:
    """The date in the programme's time zone (``COURSE_TIMEZONE``): in Ashgabat the day starts five hours before
    it does in UTC, and a cohort's last day is Ashgabat's."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def add_months(moment: Moment, months: int) -> Moment:
    """The same day ``months`` later, or the month's last day (31 January + 1 month: 28 or 29 February); a date
    or a datetime alike (a certificate's validity, a follow-up's wave)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
