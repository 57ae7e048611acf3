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


def test_past_the_counters_width_the_clock_moves_to_the_next_millisecond_and_stamps_still_sort(monkeypatch):
    clock = HybridClock()
    _wall(monkeypatch, YEAR_2026)
    clock._advance(YEAR_2026, clock_module.COUNTER_MAX)  # noqa: SLF001  (a clock that stood still a long time)
    before = stamp(YEAR_2026, clock_module.COUNTER_MAX, "MARY1")
    after = clock.now("MARY1")
    assert after > before and after.startswith(f"{YEAR_2026 + 1:016d}.00000.")


def test_a_stamp_of_the_wrong_shape_is_not_a_stamp_and_one_from_the_future_is_held_back():
    from course.sync.clock import is_stamp, no_later_than  # noqa: PLC0415

    assert is_stamp("") and is_stamp(stamp(YEAR_2026, 1, "MARY1"))
    assert not any(is_stamp(value) for value in ("9", "x.y.z", f"{YEAR_2026}.1.MARY1", 12, None,
                                                  stamp(YEAR_2026, 1, "mary; drop")))
    future = stamp(YEAR_2026 + 10**9, 4, "MARY1")
    assert no_later_than(future, YEAR_2026) == stamp(YEAR_2026, 0, "MARY1")
    assert no_later_than(stamp(YEAR_2020, 4, "MARY1"), YEAR_2026) == stamp(YEAR_2020, 4, "MARY1")
