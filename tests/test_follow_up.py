"""The follow-up questionnaire months after the training (course.follow_up): invitation, answers, paper copies
typed in by the trainer, and the programme view's totals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.cohorts.services import enrol_in_cohort
from course.days import add_months
from course.days import today as local_today
from course.extensions import db
from course.models.audit import AuditEvent
from course.models.follow_up import FollowUpResponse
from course.models.user import Agency, Gender, Role, User, Velayat
from tests.conftest import csrf_token
from tests.test_cohort_pages import as_user
from tests.test_content_validation import edit, problems_of
from tests.test_reports import learner, population  # noqa: F401  (the fixture)

HOME = "/"


def ended(cohort, months: int, days: int = 1) -> None:
    """As if the cohort's last day were ``months`` months (and ``days`` days) ago: the clock cannot move in a test."""
    cohort.ends_on = add_months(local_today(), -months) - timedelta(days=days)
    cohort.starts_on = cohort.ends_on - timedelta(days=2)
    db.session.commit()


def url(cohort, wave: int = 3) -> str:
    return f"/cohorts/{cohort.id}/follow-up/{wave}"


def answer(client, cohort, wave: int = 3, **answers):
    return client.post(url(cohort, wave), data={"csrf_token": csrf_token(client, url(cohort, wave)), **answers},
                       follow_redirects=True)


def responses() -> int:
    return db.session.scalar(select(func.count()).select_from(FollowUpResponse))


@pytest.fixture
def people(population):  # noqa: F811
    """The reports' population: Mary's prosecutors (p1-p3, master trainer "master") and Lebap's judges."""
    return population


@pytest.fixture
def mary(people):
    return people["mary"]


def test_the_invitation_appears_three_months_after_the_last_day_and_not_before(app, people, mary):
    ended(mary, 2, days=20)
    home = as_user(app, "p2").get(HOME).get_data(as_text=True)
    assert "Follow-up at 3 months" not in home
    assert "opens on" in as_user(app, "p2").get(url(mary)).get_data(as_text=True)
    ended(mary, 3)
    home = as_user(app, "p2").get(HOME).get_data(as_text=True)
    assert "Follow-up at 3 months: Mary prosecutors" in home and url(mary) in home


def test_a_learner_answers_once_and_the_next_wave_follows_at_six_months(app, people, mary):
    ended(mary, 3)
    client = as_user(app, "p2")
    page = answer(client, mary, identified="4", referred="1", example="A case from the border").get_data(
        as_text=True)
    assert "Thank you" in page
    saved = db.session.scalar(select(FollowUpResponse))
    assert saved.answers == {"identified": 4, "referred": 1, "example": "A case from the border"}
    assert saved.entered_by_id is None and saved.form_id == "months-later"
    again = answer(client, mary, identified="9").get_data(as_text=True)
    assert "answered already" in again and responses() == 1
    assert "Follow-up at" not in client.get(HOME).get_data(as_text=True)
    ended(mary, 6)
    assert "Follow-up at 6 months: Mary prosecutors" in client.get(HOME).get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("identified", "-3", "write a whole number from 0 to 9999"),
    ("identified", "many", "write a whole number from 0 to 9999"),
    ("identified", "12345", "write a whole number from 0 to 9999"),
    ("example", "x" * 2001, "too long"),
    ("sessions", "2", "asked of trainers only"),
])
def test_a_wrong_answer_is_explained_and_nothing_is_kept(app, people, mary, field, value, message):
    ended(mary, 3)
    page = answer(as_user(app, "p2"), mary, **{field: value}).get_data(as_text=True)
    assert message in page and responses() == 0


def test_the_trainers_question_is_asked_of_trainers_only(app, people, mary):
    ended(mary, 3)
    assert "Sessions you ran" not in as_user(app, "p2").get(url(mary)).get_data(as_text=True)
    people["p3"].role_rows  # noqa: B018  (loaded before the change)
    from course.auth.services import set_roles  # noqa: PLC0415

    set_roles(people["p3"], {Role.LEARNER, Role.TRAINER}, actor_id=None)
    db.session.commit()
    trainer = as_user(app, "p3")
    assert "Sessions you ran" in trainer.get(url(mary)).get_data(as_text=True)
    answer(trainer, mary, sessions="2")
    assert db.session.scalar(select(FollowUpResponse.answers)) == {"sessions": 2}


def test_only_the_cohorts_learners_answer_and_only_its_waves(app, people, mary):
    ended(mary, 3)
    assert as_user(app, "j1").get(url(mary)).status_code == 404  # a learner of another cohort
    assert as_user(app, "p2").get(url(mary, 4)).status_code == 404  # no wave at 4 months
    assert as_user(app, "p2").post(url(mary), data={"identified": "1"}).status_code == 400  # no CSRF token
    assert responses() == 0


def test_the_lead_trainer_types_in_a_paper_copy_and_another_trainer_cannot(app, people, mary):
    ended(mary, 3)
    lead = as_user(app, "master")
    listing = lead.get(f"/cohorts/{mary.id}/follow-up").get_data(as_text=True)
    entry = f"/cohorts/{mary.id}/follow-up/3/learners/{people['p1'].id}"
    assert entry in listing and "not yet" in listing
    lead.post(entry, data={"csrf_token": csrf_token(lead, entry), "identified": "2"})
    saved = db.session.scalar(select(FollowUpResponse))
    master = db.session.scalar(select(User).where(User.username == "master"))
    assert saved.user_id == people["p1"].id and saved.entered_by_id == master.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "follow_up.enter"))
    assert event is not None and event.details["user"] == "p1"
    assert "answered" in lead.get(f"/cohorts/{mary.id}/follow-up").get_data(as_text=True)
    other = as_user(app, "second")  # the Lebap cohort's trainer
    assert other.get(f"/cohorts/{mary.id}/follow-up").status_code == 404
    assert other.get(f"/cohorts/{mary.id}/follow-up/3/learners/{people['p2'].id}").status_code == 404
    assert as_user(app, "p2").get(f"/cohorts/{mary.id}/follow-up").status_code == 403


def test_the_programme_view_adds_up_the_answers_with_small_groups_withheld(app, people, mary, make_user):
    ended(mary, 3)
    for number in range(6):  # six prosecutors of Mary answer, 3 cases identified each
        person = learner(make_user, f"fu{number}", Agency.PROSECUTION, Gender.FEMALE, Velayat.MARY)
        enrol_in_cohort(person, mary)
    db.session.commit()
    for number in range(6):
        answer(as_user(app, f"fu{number}"), mary, identified="3", referred="1")
    answer(as_user(app, "p2"), mary, identified="10")  # one man: his numbers are his
    page = as_user(app, "coord").get("/reports/programme").get_data(as_text=True)
    section = page[page.index("What learners say they applied"):]
    assert "3 months after the training" in section
    gender = section[section.index("<th scope=\"col\">Gender</th>"):].split("</table>")[0]
    # groups across: female, male, not stated, total; the women's figures would give the one man's back with the
    # total, so they are withheld too
    assert "<th scope=\"row\">Answered</th><td>*</td><td>&lt;5</td><td>0</td><td>7</td>" in gender
    assert "<th scope=\"row\">Cases identified</th><td>*</td><td>*</td><td>0</td><td>28</td>" in gender
    assert "<th scope=\"row\">Victims referred</th><td>*</td><td>*</td><td>0</td><td>6</td>" in gender
    assert ">10<" not in gender


def test_a_questionnaire_an_author_gets_wrong_is_reported(editable_content):
    path = editable_content / "modules" / "follow-up.yaml"
    edit(path, "waves: [3, 6]", "waves: [6, 3]")
    edit(path, "{id: referred,", "{id: identified,")
    problems = problems_of(editable_content)
    assert any("follow-up.yaml" in problem and "waves" in problem for problem in problems), problems
    edit(path, "waves: [6, 3]", "waves: [3, 6]")
    problems = problems_of(editable_content)
    assert any("follow-up.yaml" in problem and "identified" in problem for problem in problems), problems


def test_groups_of_five_or_more_show_their_totals(app, people, mary, make_user):
    ended(mary, 3)
    for number in range(10):
        person = learner(make_user, f"fu{number}", Agency.PROSECUTION, Gender.FEMALE if number < 5 else Gender.MALE,
                         Velayat.MARY)
        enrol_in_cohort(person, mary)
    db.session.commit()
    for number in range(10):
        answer(as_user(app, f"fu{number}"), mary, identified=str(number), referred="1")
    page = as_user(app, "coord").get("/reports/programme").get_data(as_text=True)
    section = page[page.index("What learners say they applied"):]
    gender = section[section.index("<th scope=\"col\">Gender</th>"):].split("</table>")[0]
    assert "<th scope=\"row\">Answered</th><td>5</td><td>5</td><td>0</td><td>10</td>" in gender
    assert "<th scope=\"row\">Cases identified</th><td>10</td><td>35</td><td>0</td><td>45</td>" in gender


def test_the_follow_up_totals_export_as_the_page_shows_them(app, people, mary, make_user):
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    import openpyxl  # noqa: PLC0415

    ended(mary, 3)
    for number in range(6):
        person = learner(make_user, f"fu{number}", Agency.PROSECUTION, Gender.FEMALE, Velayat.MARY)
        enrol_in_cohort(person, mary)
    db.session.commit()
    for number in range(6):
        answer(as_user(app, f"fu{number}"), mary, identified="3", referred="1")
    answer(as_user(app, "p2"), mary, identified="10")
    coordinator = as_user(app, "coord")
    assert "/reports/programme/follow-up.csv" in coordinator.get("/reports/programme").get_data(as_text=True)
    body = coordinator.get("/reports/programme/follow-up.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["Months after the training", "Breakdown", "Group", "Answered"]
    by_gender = {row[2]: row[3:6] for row in rows if row[:2] == ["3", "Gender"]}
    assert by_gender["Male"] == ["<5", "*", "*"] and by_gender["Female"] == ["*", "*", "*"]
    assert by_gender["Total"] == ["7", "28", "6"]
    assert "10" not in [cell for row in rows[1:-1] for cell in row[3:]]
    assert "withheld" in rows[-1][0] and len(rows[-1]) == len(rows[0])
    response = coordinator.get("/reports/programme/follow-up.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    response.close()
    assert [row for row in sheet.iter_rows(values_only=True) if row[:3] == (3, "Gender", "Total")][0][3:6] == (
        7, 28, 6)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.export")).all()
    assert [event.target for event in events] == ["follow-up", "follow-up"]
    assert as_user(app, "marycoord").get("/reports/programme/follow-up.csv?velayat=lebap").status_code == 403
    assert as_user(app, "p2").get("/reports/programme/follow-up.csv").status_code == 403
