"""Dates that cannot be misread: typed as ISO or day.month.year, a slash refused with the reason, attendance days
chosen from the cohort's own days spelt out, never a browser's locale-dependent date input."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from course.days import NotADay, parse_day
from course.extensions import db
from course.models.cohort import Cohort
from tests.conftest import csrf_token
from tests.test_attendance import add_day, days_of
from tests.test_cohort_pages import as_user, create_via_form


@pytest.mark.parametrize(("typed", "day"), [
    ("2027-03-31", date(2027, 3, 31)),
    (" 2027-3-1 ", date(2027, 3, 1)),
    ("31.03.2027", date(2027, 3, 31)),
    ("1.3.2027", date(2027, 3, 1)),
])
def test_iso_and_day_month_year_are_read(app, typed, day):
    with app.test_request_context():
        assert parse_day(typed) == day


@pytest.mark.parametrize(("typed", "message"), [
    ("03/04/2027", "can be read as two different days"),
    ("3/4/27", "can be read as two different days"),
    ("31.02.2027", "is not a day of the calendar"),
    ("2027-13-01", "is not a day of the calendar"),
    ("next Monday", "is not a date"),
    ("27-03-31", "is not a date"),
])
def test_anything_else_is_refused_with_what_to_write(app, typed, message):
    with app.test_request_context(), pytest.raises(NotADay, match=message):
        parse_day(typed)


def test_a_cohort_takes_its_dates_as_they_are_written_in_russian(app, world):
    trainer = as_user(app, "lead")
    response = create_via_form(trainer, lead=str(world["lead"].id), starts_on="01.04.2027", ends_on="3.4.2027")
    assert response.status_code == 302, response.get_data(as_text=True)
    cohort = db.session.scalar(select(Cohort))
    assert (cohort.starts_on, cohort.ends_on) == (date(2027, 4, 1), date(2027, 4, 3))


def test_a_slashed_date_creates_no_cohort_and_says_why(app, world):
    page = create_via_form(as_user(app, "lead"), lead=str(world["lead"].id), starts_on="04/01/2027")
    text = page.get_data(as_text=True)
    assert "can be read as two different days: write it as 2027-03-31 or 31.03.2027." in text
    assert 'value="04/01/2027"' in text  # kept as typed, to be corrected
    assert db.session.scalar(select(Cohort)) is None


def test_the_cohort_form_shows_how_to_write_a_date(app, world):
    page = as_user(app, "lead").get("/cohorts/new").get_data(as_text=True)
    assert page.count("For example 2027-03-31 or 31.03.2027.") == 2
    assert 'type="date"' not in page


def test_a_report_filter_with_a_slashed_date_is_left_out_with_a_message(app, world):
    page = as_user(app, "coord").get("/reports", query_string={"from": "03/04/2027"}).get_data(as_text=True)
    assert "can be read as two different days" in page and "It was left out." in page


def test_session_days_are_chosen_from_the_cohorts_days_spelt_out(app, room):
    from datetime import timedelta  # noqa: PLC0415

    cohort = room["cohort"]
    client = as_user(app, "trainer")
    add_day(client, cohort, 0)
    page = client.get(f"/cohorts/{cohort.id}/days").get_data(as_text=True)
    options = re.findall(r'<option value="([\d-]+)"[^>]*>([^<]+)</option>', page)
    expected = [cohort.starts_on + timedelta(days=n) for n in range(1, (cohort.ends_on - cohort.starts_on).days + 1)]
    assert [value for value, _label in options] == [day.isoformat() for day in expected]  # the taken day is gone
    assert all(re.search(r"[A-Za-z]{3,}", label) and "/" not in label for _value, label in options), options
    response = client.post(f"/cohorts/{cohort.id}/days", data={
        "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/days"), "day": "03/04/2027"})
    assert "can be read as two different days" in response.get_data(as_text=True)
    assert len(days_of(cohort)) == 1


@pytest.fixture
def world(app, synced, make_user):
    from tests.test_cohort_pages import world as cohort_world  # noqa: PLC0415

    return cohort_world.__wrapped__(app, synced, make_user)


@pytest.fixture
def room(app, synced, make_user):
    from tests.test_attendance import room as attendance_room  # noqa: PLC0415

    return attendance_room.__wrapped__(app, synced, make_user)


def test_times_are_shown_and_days_counted_in_the_programmes_time_zone(tmp_path):
    """At 20:30 UTC it is already the next day, 01:30, in Ashgabat (the default time zone)."""
    from datetime import UTC, datetime  # noqa: PLC0415
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    from course import create_app  # noqa: PLC0415
    from course.days import today  # noqa: PLC0415
    from course.formatting import datetimeformat  # noqa: PLC0415
    from tests.conftest import base_config  # noqa: PLC0415

    config = base_config("sqlite://", tmp_path)
    del config["TIMEZONE"]
    app = create_app(config)
    with app.test_request_context():
        assert app.config["TIMEZONE"] == "Asia/Ashgabat"
        assert datetimeformat(datetime(2026, 12, 7, 20, 30, tzinfo=UTC)).replace("\u202f", " ") == (
            "Dec 8, 2026, 1:30 AM")
        assert today() == datetime.now(ZoneInfo("Asia/Ashgabat")).date()


def test_an_unknown_time_zone_stops_the_start_with_a_message(tmp_path):
    from course import create_app  # noqa: PLC0415
    from course.config import ConfigError  # noqa: PLC0415
    from tests.conftest import base_config  # noqa: PLC0415

    with pytest.raises(ConfigError, match="COURSE_TIMEZONE='Mars/Olympus' is not a time zone"):
        create_app({**base_config("sqlite://", tmp_path), "TIMEZONE": "Mars/Olympus"})
