"""The reading rule: a section counts as read only when it was open long enough to read it, and the trainer
sees who pressed "Next" through sections too fast (``course.learn.pace``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn import pace
from course.learn.queries import load_catalogue
from course.models.progress import ReadingSkim, SectionRead
from course.models.user import Role
from tests.conftest import csrf_token
from tests.test_cascade import cohort_of
from tests.test_cohort_dashboard import section, text_of
from tests.test_cohort_pages import as_user


class Clock:
    """The time ``course.learn.pace`` reads, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(app, monkeypatch):
    app.config["READING_WORDS_PER_MINUTE"] = 600
    fake = Clock()
    monkeypatch.setattr(pace.time, "time", fake.time)
    return fake


@pytest.fixture
def learner(app, synced, make_user):
    """Ana, in a cohort of the `short` track (one module, `alpha`), and the cohort's trainer."""
    lead = make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer")
    ana = make_user("ana", full_name="Ana Learner")
    enrol_in_cohort(ana, cohort := cohort_of(lead, "short", "Mary prosecutors"))
    db.session.commit()
    return {"ana": ana, "cohort": cohort, "client": as_user(app, "ana")}


def keys() -> list[str]:
    return load_catalogue().modules["alpha"].section_keys


def read_keys(user) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(SectionRead.section_id).where(SectionRead.user_id == user.id)))


def press_next(client, key: str):
    return client.post(f"/modules/alpha/{key}/done", data={"csrf_token": csrf_token(client, "/account/password")})


def test_next_pressed_at_once_does_not_count_and_says_why(clock, learner):
    client, first = learner["client"], keys()[0]
    client.get(f"/modules/alpha/{first}")
    clock.now += 3
    response = press_next(client, first)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/modules/alpha/{first}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This section is not counted as read yet: it takes about 10 seconds to read, and it has been open 3." in page
    assert read_keys(learner["ana"]) == set()
    [skim] = db.session.scalars(select(ReadingSkim)).all()
    assert (skim.section_id, skim.seconds, skim.needed, skim.times) == (first, 3, 10, 1)


def test_the_section_counts_once_it_has_been_open_long_enough(clock, learner):
    client, (first, second, *_rest) = learner["client"], keys()
    client.get(f"/modules/alpha/{first}")
    clock.now += 4
    client.get(f"/modules/alpha/{first}")  # a reload keeps the time the section was opened
    clock.now += 6
    response = press_next(client, first)
    assert response.headers["Location"].endswith(f"/modules/alpha/{second}")
    assert read_keys(learner["ana"]) == {first}


def test_next_posted_without_opening_the_section_does_not_count(clock, learner):
    clock.now += 1000
    press_next(learner["client"], keys()[0])
    assert read_keys(learner["ana"]) == set()


def test_pressing_next_through_a_whole_module_in_seconds_completes_nothing(clock, learner):
    client = learner["client"]
    for key in keys():
        client.get(f"/modules/alpha/{key}")
        clock.now += 2
        press_next(client, key)
        press_next(client, key)  # and again, impatiently
    assert read_keys(learner["ana"]) == set()
    skims = db.session.scalars(select(ReadingSkim).order_by(ReadingSkim.id)).all()
    assert [(s.section_id, s.times) for s in skims] == [(key, 2) for key in keys()]  # one row a section


def test_a_section_already_read_goes_on_at_once(clock, learner):
    client, first = learner["client"], keys()[0]
    client.get(f"/modules/alpha/{first}")
    clock.now += 30
    press_next(client, first)
    client.get(f"/modules/alpha/{first}")
    assert press_next(client, first).headers["Location"].endswith(f"/modules/alpha/{keys()[1]}")


def test_the_trainer_sees_who_skimmed_until_they_read_it_properly(app, clock, learner):
    client, cohort, first = learner["client"], learner["cohort"], keys()[0]
    trainer = as_user(app, "lead")
    assert "skimmed" not in trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)  # kept by the process
    for key in keys()[:2]:
        client.get(f"/modules/alpha/{key}")
        press_next(client, key)
    attention = text_of(section(trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True), "attention"))
    assert ("Ana Learner: skimmed 2 sections: moved on before they could be read, so they are not counted"
            in attention)
    clock.now += 60
    press_next(client, first)  # open a minute now: it counts
    attention = text_of(section(trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True), "attention"))
    assert "Ana Learner: skimmed 1 section: moved on before it could be read, so it is not counted" in attention


@pytest.mark.parametrize(("words", "pace_per_minute", "seconds"), [
    (5, 600, 10),  # a short section still takes a moment
    (300, 600, 30),
    (1000, 600, 100),
    (5000, 600, 180),  # a very long one asks at most three minutes
    (300, 0, 0),  # the rule switched off
])
def test_the_time_a_section_needs_follows_its_length(app, words, pace_per_minute, seconds):
    app.config["READING_WORDS_PER_MINUTE"] = pace_per_minute
    html = "<p>" + " ".join(["<em>word</em>"] * words) + "</p>"
    with app.test_request_context():
        assert pace.needed_seconds(html) == seconds
