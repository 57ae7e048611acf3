"""Session days and attendance: a trainer adds the days and marks each one; a track can require a share."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.attendance.queries import attendance_shares
from course.cohorts.services import enrol_in_cohort, remove_from_cohort
from course.extensions import db
from course.models.attendance import Attendance, AttendanceStatus, SessionDay
from course.models.user import Role
from tests.conftest import csrf_token
from tests.test_cascade import cohort_of, edit_course, read_everything
from tests.test_cohort_pages import as_user


@pytest.fixture
def room(app, synced, make_user):
    trainer = make_user("trainer", roles={Role.TRAINER}, full_name="Trainer")
    make_user("other", roles={Role.TRAINER})
    cohort = cohort_of(trainer, "short", "Dashoguz police", ending_today=True)
    learners = [make_user(name, full_name=name.title()) for name in ("aman", "bahar", "cemal")]
    for learner in learners:
        enrol_in_cohort(learner, cohort)
    db.session.commit()
    return {"cohort": cohort, "learners": learners, "trainer": trainer}


def add_day(client, cohort, offset: int, topic: str = "Definitions"):
    day = (cohort.starts_on + timedelta(days=offset)).isoformat()
    return client.post(f"/cohorts/{cohort.id}/days", data={
        "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/days"), "day": day, "topic": topic,
        "modules": ["alpha"]})


def mark(client, cohort, day_id, marks: dict):
    data = {f"u-{uid}": status for uid, status in marks.items()}
    return client.post(f"/cohorts/{cohort.id}/days/{day_id}",
                       data={**data, "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/days/{day_id}")})


def days_of(cohort) -> list[SessionDay]:
    db.session.expire_all()
    return list(db.session.scalars(select(SessionDay).where(SessionDay.cohort_id == cohort.id)
                                   .order_by(SessionDay.day)))


def a_day(client, cohort) -> SessionDay:
    """The cohort's first day, added as a session."""
    add_day(client, cohort, 0)
    return days_of(cohort)[0]


def test_a_trainer_marks_three_days_from_a_phone_sized_form(app, room):
    cohort, (aman, bahar, cemal) = room["cohort"], room["learners"]
    client = as_user(app, "trainer")
    cohort.ends_on = cohort.starts_on + timedelta(days=3)
    db.session.commit()
    for offset in range(3):
        assert add_day(client, cohort, offset).status_code == 302
    days = days_of(cohort)
    assert len(days) == 3
    page = client.get(f"/cohorts/{cohort.id}/days/{days[0].id}").get_data(as_text=True)
    assert page.count('type="radio"') == 12 and "Aman" in page  # 3 learners x 4 statuses
    for day, statuses in zip(days, (("present", "late", "absent"), ("present", "present", "excused"),
                                    ("present", "absent", "absent")), strict=True):
        response = mark(client, cohort, day.id, dict(zip((aman.id, bahar.id, cemal.id), statuses, strict=True)))
        assert response.status_code == 302
    shares = attendance_shares([aman.id, bahar.id, cemal.id])
    assert shares[aman.id, "short"].share == 1.0
    assert shares[bahar.id, "short"].share == pytest.approx(2 / 3)  # late counts as attended
    assert shares[cemal.id, "short"].share == 0.0  # excused day left out: 0 of 2
    assert "Marked: 3 learners" in client.get(f"/cohorts/{cohort.id}/days").get_data(as_text=True)


def test_marking_again_changes_the_mark_instead_of_adding_one(app, room):
    cohort, (aman, *_rest) = room["cohort"], room["learners"]
    client = as_user(app, "trainer")
    day = a_day(client, cohort)
    mark(client, cohort, day.id, {aman.id: "absent"})
    mark(client, cohort, day.id, {aman.id: "present"})
    rows = db.session.scalars(select(Attendance).where(Attendance.user_id == aman.id)).all()
    assert [r.status for r in rows] == [AttendanceStatus.PRESENT]


@pytest.mark.parametrize(("day_offset", "message"), [(-1, "is outside the cohort"), (400, "is outside the cohort")])
def test_a_day_outside_the_cohort_is_refused(app, room, day_offset, message):
    client = as_user(app, "trainer")
    page = add_day(client, room["cohort"], day_offset).get_data(as_text=True)
    assert message in page and days_of(room["cohort"]) == []


def test_bad_days_and_bad_marks_change_nothing(app, room):
    cohort, (aman, bahar, _cemal) = room["cohort"], room["learners"]
    client = as_user(app, "trainer")
    add_day(client, cohort, 0)
    assert "already has a session" in add_day(client, cohort, 0).get_data(as_text=True)
    page = client.post(f"/cohorts/{cohort.id}/days", data={
        "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/days"), "day": "tomorrow"}).get_data(as_text=True)
    assert "is not a date" in page
    day = days_of(cohort)[0]
    page = mark(client, cohort, day.id, {aman.id: "present", bahar.id: "asleep"}).get_data(as_text=True)
    assert "is not an attendance status" in page
    stranger = db.session.scalar(select(func.max(Attendance.id)))
    assert stranger is None  # aman's valid mark was not kept either: all or nothing
    page = mark(client, cohort, day.id, {9999: "present"}).get_data(as_text=True)
    assert "only be marked for the cohort&#39;s own learners" in page
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    assert client.post(f"/cohorts/{cohort.id}/days/{day.id}", data={"u-x": "present", "csrf_token": csrf_token(
        client, f"/cohorts/{cohort.id}/days/{day.id}")}).status_code == 400


def test_only_the_cohorts_trainers_reach_its_days(app, room):
    cohort = room["cohort"]
    add_day(as_user(app, "trainer"), cohort, 0)
    day = days_of(cohort)[0]
    for username, expected in (("other", 404), ("aman", 403)):
        client = as_user(app, username)
        assert client.get(f"/cohorts/{cohort.id}/days").status_code == expected
        assert client.get(f"/cohorts/{cohort.id}/days/{day.id}").status_code == expected
    assert app.test_client().get(f"/cohorts/{cohort.id}/days").status_code == 302  # to the login page
    # Without the CSRF token a mark is refused.
    client = as_user(app, "trainer")
    assert client.post(f"/cohorts/{cohort.id}/days/{day.id}", data={"u-1": "present"}).status_code == 400


def test_removing_a_day_removes_its_marks(app, room):
    cohort, (aman, *_rest) = room["cohort"], room["learners"]
    client = as_user(app, "trainer")
    day = a_day(client, cohort)
    mark(client, cohort, day.id, {aman.id: "present"})
    client.post(f"/cohorts/{cohort.id}/days/{day.id}/delete",
                data={"csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/days"), "confirmed": "yes"})
    assert days_of(cohort) == [] and db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_a_track_that_requires_attendance_is_complete_only_with_enough_of_it(app, room):
    from course.cascade.completion import track_progress
    from course.learn.queries import load_catalogue
    from course.models.summary import LearnerSummary
    from course.summary import refresh_learners
    from tests.test_cascade import read_everything

    cohort, (aman, bahar, _cemal) = room["cohort"], room["learners"]
    catalogue = load_catalogue()
    track = {**catalogue.track("short"), "completion": {"min_attendance": 0.5}}
    read_everything(aman, "short")
    read_everything(bahar, "short")
    assert not track_progress(catalogue, track, [aman.id])[aman.id].complete  # no session days yet
    client = as_user(app, "trainer")
    add_day(client, cohort, 0)
    add_day(client, cohort, 1)
    first, second = days_of(cohort)
    mark(client, cohort, first.id, {aman.id: "present", bahar.id: "absent"})
    mark(client, cohort, second.id, {aman.id: "absent", bahar.id: "excused"})
    progress = track_progress(catalogue, track, [aman.id, bahar.id])
    assert progress[aman.id].complete  # 1 of 2 days = 0.5
    assert not progress[bahar.id].complete and not progress[bahar.id].attendance_met  # 0 of 1 counted day
    # The reports' summaries apply the same rule.
    course = {**catalogue.course, "tracks": [track if t["id"] == "short" else t for t in catalogue.course["tracks"]]}
    import dataclasses

    refresh_learners([aman.id, bahar.id], dataclasses.replace(catalogue, course=course))
    db.session.expire_all()
    completed = dict(db.session.execute(select(LearnerSummary.user_id, LearnerSummary.completed)
                                        .where(LearnerSummary.track_id == "short")).all())
    assert completed == {aman.id: True, bahar.id: False}


def test_attendance_shows_on_the_dashboard_and_in_both_exports(app, room, make_user):
    cohort, (aman, bahar, cemal) = room["cohort"], room["learners"]
    client = as_user(app, "trainer")
    for offset in range(3):
        add_day(client, cohort, offset)
    marks = (("present", "late", "absent"), ("present", "present", "excused"), ("present", "absent", "absent"))
    for day, statuses in zip(days_of(cohort), marks, strict=True):
        mark(client, cohort, day.id, dict(zip((aman.id, bahar.id, cemal.id), statuses, strict=True)))
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "<dt>Session days</dt><dd>3</dd>" in page
    assert "3/3 (100%)" in page and "2/3 (67%)" in page and "0/2 (0%)" in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/cohorts/{cohort.id}/export.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    by_name = {row["Name"]: row for row in rows}
    assert (by_name["Bahar"]["Days attended"], by_name["Bahar"]["Days excused"],
            by_name["Bahar"]["Attendance (%)"]) == ("2", "0", "66.7")  # a percentage, as the screen shows it
    assert (by_name["Cemal"]["Days attended"], by_name["Cemal"]["Days excused"]) == ("0", "1")
    make_user("coord", roles={Role.COORDINATOR})
    coordinator = as_user(app, "coord")
    [line] = list(csv.DictReader(io.StringIO(coordinator.get("/reports/export/cohorts.csv").get_data(as_text=True)
                                             .lstrip("\ufeff"))))
    # 9 learner-days, 1 excused: 5 attended (3 + 2 + 0) of 8.
    assert (line["Session days"], line["Attendance (%)"]) == ("3", "62.5")
    assert "<td>62%</td>" in coordinator.get("/reports").get_data(as_text=True)  # the cohort list's column


def test_a_learner_taken_out_of_the_cohort_no_longer_counts_in_its_attendance(app, room, make_user):
    cohort, (aman, bahar, cemal) = room["cohort"], room["learners"]
    client = as_user(app, "trainer")
    for offset in range(2):
        add_day(client, cohort, offset)
    for day in days_of(cohort):
        mark(client, cohort, day.id, {aman.id: "absent", bahar.id: "present", cemal.id: "present"})
    remove_from_cohort(bahar, cohort, actor=room["trainer"])
    remove_from_cohort(cemal, cohort, actor=room["trainer"])
    db.session.commit()
    make_user("coord", roles={Role.COORDINATOR})
    [line] = list(csv.DictReader(io.StringIO(as_user(app, "coord").get("/reports/export/cohorts.csv")
                                             .get_data(as_text=True).lstrip("\ufeff"))))
    assert (line["Learners"], line["Attendance (%)"]) == ("1", "0.0")  # Aman's 0 of 2, not the others' marks


def test_the_mark_that_completes_a_track_issues_its_automatic_certificate(app, room, editable_content):
    """Learners often finish the post-test before the last day is marked: the certificate must not wait for them."""
    from course.models.certificate import Certificate  # noqa: PLC0415

    edit_course(app, editable_content, "contact_hours: 2\n",
                "contact_hours: 2\n    completion: {min_attendance: 0.5}\n")
    cohort, (aman, bahar, _cemal) = room["cohort"], room["learners"]
    read_everything(aman, "short")
    read_everything(bahar, "short")
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0  # no session day yet
    client = as_user(app, "trainer")
    day = a_day(client, cohort)
    page = mark(client, cohort, day.id, {aman.id: "present", bahar.id: "absent"})
    response = client.get(page.headers["Location"])
    assert "1 learner has completed the track: the certificate is issued." in response.get_data(as_text=True)
    db.session.expire_all()
    assert list(db.session.scalars(select(Certificate.user_id))) == [aman.id]
    mark(client, cohort, day.id, {aman.id: "present", bahar.id: "absent"})  # saved again: no second certificate
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_removing_a_day_of_absence_can_complete_the_track_and_issue_the_certificate(app, room, editable_content):
    """A day added by mistake, on which everyone is absent, is removed: the shares rise, and a learner who now
    has enough gets the track's automatic certificate then, not at their next click."""
    from course.models.certificate import Certificate  # noqa: PLC0415

    edit_course(app, editable_content, "contact_hours: 2\n",
                "contact_hours: 2\n    completion: {min_attendance: 0.5}\n")
    cohort, (aman, *_rest) = room["cohort"], room["learners"]
    read_everything(aman, "short")
    client = as_user(app, "trainer")
    for offset in range(3):
        add_day(client, cohort, offset)
    for day, status in zip(days_of(cohort), ("present", "absent", "absent"), strict=True):
        mark(client, cohort, day.id, {aman.id: status})
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0  # 1 of 3 days
    mistaken = days_of(cohort)[2]
    response = client.post(f"/cohorts/{cohort.id}/days/{mistaken.id}/delete",
                           data={"csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/days"), "confirmed": "yes"},
                           follow_redirects=True)
    assert "1 learner has completed the track: the certificate is issued." in response.get_data(as_text=True)
    db.session.expire_all()
    assert list(db.session.scalars(select(Certificate.user_id))) == [aman.id]  # 1 of 2 days
