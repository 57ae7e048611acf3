"""The hybrid logical clock: a laptop whose wall clock is wrong still orders its edits after what it has seen."""

from __future__ import annotations

from sqlalchemy import select

from course.extensions import db
from course.models.device import HybridClockFloor
from course.sync import clock as clock_module
from course.sync.clock import HybridClock, earlier, stamp

YEAR_2020 = 1_577_836_800_000
YEAR_2026 = 1_796_000_000_000


def _wall(monkeypatch, millis: int) -> None:
    monkeypatch.setattr(clock_module.time, "time_ns", lambda: millis * 1_000_000)


def test_stamps_only_rise_even_when_the_wall_clock_goes_back(monkeypatch):
    clock = HybridClock()
    _wall(monkeypatch, YEAR_2026)
    first = clock.now("MARY1")
    _wall(monkeypatch, YEAR_2020)  # the battery went flat
    second, third = clock.now("MARY1"), clock.now("MARY1")
    assert first < second < third
    assert second.startswith(f"{YEAR_2026:016d}.")


def test_a_laptop_behind_in_time_stamps_after_what_it_saw_from_the_centre(app, monkeypatch):
    centre_edit = stamp(YEAR_2026, 3, "CENTRE")
    laptop = HybridClock()
    _wall(monkeypatch, YEAR_2020)
    assert laptop.now("MARY1") < centre_edit  # before it has seen the centre, its wall clock decides
    with app.app_context():
        db.create_all()
        laptop.observe(centre_edit, db.session.connection())
        after = laptop.now("MARY1")
        db.session.commit()
        assert after > centre_edit
        restarted = HybridClock()  # the laptop is switched off and on: the floor is in the database
        assert restarted.now("MARY1", db.session.connection()) > centre_edit
        assert db.session.scalar(select(HybridClockFloor.value)) == centre_edit
        laptop.observe(stamp(YEAR_2020, 0, "LEBAP"), db.session.connection())  # an older stamp lowers nothing
        assert db.session.scalar(select(HybridClockFloor.value)) == centre_edit


def test_earlier_is_below_every_stamp_of_that_moment():
    at = stamp(YEAR_2026, 0, "CENTRE")
    assert earlier(at, 0) <= at and earlier(at, 1000) < stamp(YEAR_2026 - 1000, 0, "A")
