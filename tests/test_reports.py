"""The coordinator dashboard: its numbers against the database, donor phrasing, exports, scope and query count."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from course.cascade.promotion import grant_master_trainer
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.audit import AuditEvent
from course.models.cohort import TrainerStanding
from course.models.scope import CoordinatorScope
from course.models.user import Agency, Gender, Role, Velayat
from tests.test_cascade import cohort_of, pass_quiz, read_everything
from tests.test_cohort_pages import as_user


def learner(make_user, name, agency, gender, velayat=None):
    user = make_user(name, full_name=name.title())
    user.agency, user.gender, user.velayat = agency, gender, velayat
    db.session.commit()
    return user


@pytest.fixture
def population(app, synced, make_user):
    """Two cohorts: Mary (master trainer, short track) and Lebap (a generation-1 trainer, short track)."""
    master = make_user("master", roles={Role.TRAINER}, full_name="Master")
    grant_master_trainer(master, actor_id=None)
    second = make_user("second", roles={Role.TRAINER}, full_name="Second")
    make_user("coord", roles={Role.COORDINATOR})
    mary_only = make_user("marycoord", roles={Role.COORDINATOR})
    db.session.add(CoordinatorScope(user_id=mary_only.id, velayat=Velayat.MARY))
    mary = cohort_of(master, "short", "Mary prosecutors", ending_today=True)
    db.session.add(TrainerStanding(user_id=second.id, generation=1, trained_in_cohort_id=mary.id))
    lebap = cohort_of(second, "short", "Lebap judges")
    lebap.velayat = Velayat.LEBAP
    people = {
        "p1": learner(make_user, "p1", Agency.PROSECUTION, Gender.FEMALE, Velayat.MARY),
        "p2": learner(make_user, "p2", Agency.PROSECUTION, Gender.MALE, Velayat.MARY),
        "p3": learner(make_user, "p3", Agency.PROSECUTION, Gender.MALE),  # takes the cohort's velayat
        "j1": learner(make_user, "j1", Agency.JUDICIARY, Gender.FEMALE, Velayat.LEBAP),
        "j2": learner(make_user, "j2", Agency.JUDICIARY, Gender.NOT_STATED, Velayat.LEBAP),
    }
    for key in ("p1", "p2", "p3"):
        enrol_in_cohort(people[key], mary)
    for key in ("j1", "j2"):
        enrol_in_cohort(people[key], lebap)
    db.session.commit()
    read_everything(people["p1"], "short")  # completes (and gets the automatic certificate below)
    read_everything(people["j1"], "short")
    pass_quiz(people["p2"], "pre-test", passed=False)  # started, not complete
    from course.certificates.services import issue_if_automatic
    from course.learn.queries import load_catalogue

    issue_if_automatic([people["p1"].id], load_catalogue())
    db.session.commit()
    return {"mary": mary, "lebap": lebap, **people}


def overview(page: str) -> dict[str, str]:
    import re

    part = page[page.index('id="overview"'):page.index("</dl>", page.index('id="overview"'))]
    return {dt.strip(): dd.strip() for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", part, re.S)}


def test_the_overview_counts_what_the_database_holds(app, population):
    page = as_user(app, "coord").get("/reports").get_data(as_text=True)
    figures = overview(page)
    assert figures["Learners enrolled"] == "5"
    assert figures["Started"] == "3"  # p1 and j1 read, p2 took the pre-test
    assert figures["Completed"] == "2"
    assert figures["Certified"] == "1"
    assert figures["Completion rate"] == "40%"
    assert figures["Cohorts held"] == "2" and figures["Trainers active"] == "2"
    # The Lebap cohort is led by a generation-1 trainer: 2 learners for 1 such trainer.
    assert figures["Reach multiplier"] == "2 learners per certified trainer"


def test_participants_are_phrased_as_donor_reports_phrase_them(app, population, make_user):
    for number in range(9):  # Mary's prosecutors: 3 women and 9 men
        person = learner(make_user, f"pm{number}", Agency.PROSECUTION, Gender.MALE if number < 7 else Gender.FEMALE,
                         Velayat.MARY)
        enrol_in_cohort(person, population["mary"])
    db.session.commit()
    page = as_user(app, "coord").get("/reports").get_data(as_text=True)
    assert "12 prosecutors (&lt;5 female, * male)" in page  # 3 women: withheld, and the men with them
    assert "Judiciary: &lt;5" in page  # Lebap's 2 judges: no breakdown at all
    assert "Prosecution: &lt;5" in page  # completed and certified in Mary: 1
    assert "fewer than 5 people, withheld so that no one can be identified" in page


def test_a_breakdown_of_five_or_more_in_every_cell_is_shown_in_full(app, population, make_user):
    for number in range(12):
        person = learner(make_user, f"pm{number}", Agency.PROSECUTION, Gender.MALE if number < 5 else Gender.FEMALE,
                         Velayat.MARY)
        enrol_in_cohort(person, population["mary"])
    db.session.commit()
    page = as_user(app, "coord").get("/reports").get_data(as_text=True)
    assert "15 prosecutors (8 female, 7 male)" in page


def test_the_filter_narrows_by_velayat_and_dates(app, population):
    coordinator = as_user(app, "coord")
    assert overview(coordinator.get("/reports?velayat=lebap").get_data(as_text=True))["Learners enrolled"] == "2"
    assert overview(coordinator.get("/reports?from=2030-01-01").get_data(as_text=True))["Learners enrolled"] == "0"
    bad = coordinator.get("/reports?from=yesterday").get_data(as_text=True)
    assert "is not a date" in bad and overview(bad)["Learners enrolled"] == "5"


def test_a_coordinator_of_one_velayat_sees_only_it(app, population):
    limited = as_user(app, "marycoord")
    page = limited.get("/reports").get_data(as_text=True)
    assert overview(page)["Learners enrolled"] == "3" and "Lebap judges" not in page
    assert limited.get("/reports?velayat=lebap").status_code == 403
    assert limited.get("/reports/export/disaggregation.csv?velayat=lebap").status_code == 403
    assert limited.get(f"/cohorts/{population['lebap'].id}").status_code == 404
    assert limited.get(f"/cohorts/{population['mary'].id}").status_code == 200
    assert "Lebap judges" not in limited.get("/cohorts").get_data(as_text=True)


@pytest.mark.parametrize("username", ["master", "p1"])
def test_trainers_and_learners_have_no_reports(app, population, username):
    client = as_user(app, username)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/export/cohorts.csv").status_code == 403


def test_exports_open_in_a_spreadsheet_with_the_same_numbers_and_no_formulas(app, population, make_user):
    population["p3"].full_name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    coordinator = as_user(app, "coord")
    response = coordinator.get("/reports/export/disaggregation.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    mary_prosecutors = next(r for r in rows if r[0] == "Mary" and r[1] == "Prosecution")
    assert mary_prosecutors[2:6] == ["<5", "*", "*", "*"]  # 3 people: withheld (test_small_cells)
    response = coordinator.get("/reports/export/cohorts.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    response.close()
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][0] == "Cohort" and {row[0] for row in table[1:]} == {"Mary prosecutors", "Lebap judges"}
    assert next(row for row in table[1:] if row[0] == "Mary prosecutors")[6:8] == (3, 1)
    response = coordinator.get("/reports/export/certificates.csv")
    body = response.get_data().decode("utf-8-sig")
    assert "P1" in body and body.count("\n") == 2  # header and one certificate
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.export")) is not None


def test_a_formula_in_a_name_is_neutralised_in_the_certificates_export(app, population):
    population["p1"].full_name = "@SUM(A1)"
    from course.models.certificate import Certificate

    db.session.scalar(select(Certificate)).holder_name = "@SUM(A1)"
    db.session.commit()
    body = as_user(app, "coord").get("/reports/export/certificates.csv").get_data().decode("utf-8-sig")
    assert "'@SUM(A1)" in body


def test_the_dashboard_query_count_does_not_grow_with_the_population(app, population, make_user, count_queries):
    coordinator = as_user(app, "coord")
    coordinator.get("/reports?velayat=ahal")  # the content and the account are read once per process
    with count_queries() as small:
        coordinator.get("/reports")  # computed: the first view of this report
    for number in range(60):
        person = learner(make_user, f"extra{number:02d}", Agency.ADVOCACY, Gender.MALE, Velayat.MARY)
        enrol_in_cohort(person, population["mary" if number % 2 else "lebap"])
        if number % 3 == 0:
            read_everything(person, "short")
            pass_quiz(person, "post-test")
    db.session.commit()
    with count_queries() as large:
        page = coordinator.get("/reports").get_data(as_text=True)  # computed again: learners have joined
    assert overview(page)["Learners enrolled"] == "65"
    assert large.count == small.count, large.statements
    with count_queries() as kept:
        coordinator.get("/reports")
    assert kept.count < small.count, "a view without a change is kept, not computed"


def test_dates_outside_every_cohort_show_an_empty_report_not_an_error(app, population):
    page = as_user(app, "coord").get(f"/reports?to={date(2000, 1, 1).isoformat()}").get_data(as_text=True)
    assert "No learners in the cohorts of this selection." in page and "No data for this selection." in page


def test_the_cohort_list_sorts_by_a_column(app, population):
    coordinator = as_user(app, "coord")
    by_name = coordinator.get("/reports?sort=name").get_data(as_text=True)
    assert by_name.index("Lebap judges") < by_name.index("Mary prosecutors")
    by_learners = coordinator.get("/reports?sort=learners").get_data(as_text=True)
    assert by_learners.index("Mary prosecutors") < by_learners.index("Lebap judges")  # 3 learners before 2
    trainers = by_learners[by_learners.index('id="trainer-list"'):]
    assert trainers.index("Master") < trainers.index("Second")


def test_on_a_generated_population_every_figure_matches_an_independent_count(app, synced):
    """The report (GROUP BY over the learner summaries) against counts made here from the raw rows.

    Completion by the learner pages' own rule, learner by learner; started from section reads and attempts;
    gains from the attempts; certificates, cohorts and generations from their tables.
    """
    from collections import Counter

    from course.cascade.completion import track_progress
    from course.demo_data import generate_demo_data
    from course.learn.queries import load_catalogue
    from course.models.attempt import AttemptState, QuizAttempt
    from course.models.certificate import Certificate
    from course.models.cohort import Cohort
    from course.models.enrolment import Enrolment
    from course.models.progress import SectionRead
    from course.models.user import User
    from course.quiz.analytics import course_gains
    from course.reports.queries import ReportFilter, build_report

    generate_demo_data(80, seed=7)
    db.session.commit()
    catalogue = load_catalogue()
    report = build_report(ReportFilter(), catalogue)
    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.cohort_id.is_not(None))).all()
    learners = {e.user_id for e in enrolments}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(learners)))}
    cohort_velayat = dict(db.session.execute(select(Cohort.id, Cohort.velayat)).all())
    complete: set[tuple[int, str]] = set()
    for track in catalogue.course["tracks"]:
        ids = [e.user_id for e in enrolments if e.track_id == track["id"]]
        complete |= {(uid, track["id"]) for uid, p in track_progress(catalogue, track, ids).items() if p.complete}
    started = set(db.session.scalars(select(SectionRead.user_id))) | set(db.session.scalars(
        select(QuizAttempt.user_id).where(QuizAttempt.state == AttemptState.SUBMITTED)))
    certified = set(db.session.scalars(select(Certificate.user_id).where(Certificate.revoked_at.is_(None))))
    expected: Counter = Counter()
    for e in enrolments:
        user = users[e.user_id]
        key = (user.velayat or cohort_velayat[e.cohort_id], user.agency, user.gender)
        expected[key, "participants"] += 1
        expected[key, "started"] += e.user_id in started
        expected[key, "completed"] += (e.user_id, e.track_id) in complete
        expected[key, "certified"] += e.user_id in certified
    got: Counter = Counter()
    for group in report.groups:
        for flag in ("participants", "started", "completed", "certified"):
            got[(group.velayat, group.agency, group.gender), flag] += getattr(group, flag)
    assert len(enrolments) == len(learners)  # one enrolment each, so per-enrolment and per-learner counts agree
    assert +got == +expected
    assert 0 < report.count("completed") < report.enrolled
    gains = [g.gain for g in course_gains(catalogue.course, catalogue.quizzes, list(learners)).values()
             if g.gain is not None]
    assert report.gain_learners == len(gains) > 0
    assert report.mean_gain == pytest.approx(sum(gains) / len(gains), abs=0.05)
    per_cohort = Counter(e.cohort_id for e in enrolments)
    done_per_cohort = Counter(e.cohort_id for e in enrolments if (e.user_id, e.track_id) in complete)
    assert {c.id: (c.learners, c.completed) for c in report.cohorts} == {
        cohort_id: (per_cohort[cohort_id], done_per_cohort[cohort_id]) for cohort_id in cohort_velayat}
    assert dict(report.by_generation()) == dict(Counter(e.generation for e in enrolments))
    assert [(row.module_id, row.mean_gain, row.learners) for row in report.module_gains] == module_gains_counted_here(
        catalogue, learners)


def module_gains_counted_here(catalogue, learners: set[int]) -> list[tuple[str, float, int]]:
    """Gain by module from the answers: first pre-test attempt, best post-test attempt (the fixture's methods)."""
    from collections import defaultdict

    from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
    from course.quiz.definition import live_definition

    def percents(quiz_id: str, pick) -> dict[tuple[int, str], float]:
        module_of = {q: spec.module for q, spec in live_definition(quiz_id).questions.items()}
        chosen: dict[int, QuizAttempt] = {}
        for attempt in db.session.scalars(select(QuizAttempt).where(
                QuizAttempt.quiz_id == quiz_id, QuizAttempt.state == AttemptState.SUBMITTED)):
            uid = attempt.user_id
            if uid in learners and (uid not in chosen or pick(attempt, chosen[uid])):
                chosen[uid] = attempt
        sums: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for answer in db.session.scalars(select(AttemptAnswer).where(
                AttemptAnswer.attempt_id.in_([a.id for a in chosen.values()]))):
            cell = sums[answer.attempt.user_id, module_of[answer.question_id]]
            cell[0] += answer.earned
            cell[1] += answer.possible
        return {key: round(earned / possible * 100, 1) for key, (earned, possible) in sums.items()}

    pre = percents("pre-test", lambda new, old: new.number < old.number)
    post = percents("post-test", lambda new, old: (new.score, -new.number) > (old.score, -old.number))
    by_module: dict[str, list[float]] = defaultdict(list)
    for (uid, module_id), value in post.items():
        if (uid, module_id) in pre:
            by_module[module_id].append(value - pre[uid, module_id])
    assert by_module, "the generated population should have taken both tests"
    return [(m, round(sum(by_module[m]) / len(by_module[m]), 1), len(by_module[m]))
            for m in catalogue.course["modules"] if m in by_module]


def test_an_unknown_velayat_in_the_filter_is_a_bad_request(app, population):
    coordinator = as_user(app, "coord")
    assert coordinator.get("/reports?velayat=atlantis").status_code == 400
    assert coordinator.get("/reports/export/cohorts.csv?velayat=atlantis").status_code == 400
    assert coordinator.get("/reports/export/cohorts.pdf").status_code == 404


def test_a_cohort_opens_read_only_from_the_reports(app, population):
    coordinator = as_user(app, "coord")
    mary = population["mary"]
    population["p2"].must_change_password = False
    read_everything(population["p2"], "short")  # p2 now meets the short track's rule
    page = coordinator.get(f"/reports/cohorts/{mary.id}").get_data(as_text=True)
    assert "A read-only view of the trainer" in page and "Mary prosecutors" in page and "P2" in page
    assert "<form" not in page.split("<main", 1)[1]  # no issuing, no status buttons
    assert f"/cohorts/{mary.id}/roster" not in page and f"/cohorts/{mary.id}/edit" not in page
    assert f'href="/reports/cohorts/{mary.id}"' in coordinator.get("/reports").get_data(as_text=True)


def test_the_read_only_view_keeps_to_the_scope_and_to_coordinators(app, population):
    assert as_user(app, "marycoord").get(f"/reports/cohorts/{population['lebap'].id}").status_code == 404
    assert as_user(app, "marycoord").get(f"/reports/cohorts/{population['mary'].id}").status_code == 200
    assert as_user(app, "master").get(f"/reports/cohorts/{population['mary'].id}").status_code == 403
    assert as_user(app, "coord").get("/reports/cohorts/9999").status_code == 404


def test_the_cohort_list_searches_by_name_or_lead_and_pages(app, population, monkeypatch):
    coordinator = as_user(app, "coord")
    found = coordinator.get("/reports?q=LEBAP").get_data(as_text=True)
    cohort_list = found[found.index('id="cohort-list"'):found.index('id="trainer-list"')]
    assert "Lebap judges" in cohort_list and "Mary prosecutors" not in cohort_list
    by_lead = coordinator.get("/reports?q=master").get_data(as_text=True)
    assert "Mary prosecutors" in by_lead[by_lead.index('id="cohort-list"'):by_lead.index('id="trainer-list"')]
    assert "No cohort of this selection matches" in coordinator.get("/reports?q=zzz").get_data(as_text=True)
    monkeypatch.setattr("course.reports.views.ROWS_PER_PAGE", 1)
    first = coordinator.get("/reports?sort=name").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Lebap judges" in first and "Mary prosecutors" not in first.split(
        'id="cohort-list"')[1].split('id="trainer-list"')[0]
    second = coordinator.get("/reports?sort=name&page=2").get_data(as_text=True)
    assert "Mary prosecutors" in second and "Page 2 of 2" in second
    assert "Page 2 of 2" in coordinator.get("/reports?sort=name&page=99").get_data(as_text=True)
    assert "Page 1 of 2" in coordinator.get("/reports?page=x").get_data(as_text=True)


def test_gain_by_module_is_charted_from_the_tests_questions(app, population):
    from course.models.summary import ModuleGain

    db.session.add(ModuleGain(user_id=population["p1"].id, course_id="sample-course", module_id="beta",
                              pre_percent=25.0, post_percent=75.0))
    db.session.commit()
    page = as_user(app, "coord").get("/reports").get_data(as_text=True)
    assert "Average gain by module, pre-test to post-test (points)" in page
    assert "50 points (1 learner)" not in page  # one learner's gain is theirs: withheld
    for other in ("p2", "p3", "j1", "j2"):
        db.session.add(ModuleGain(user_id=population[other].id, course_id="sample-course", module_id="beta",
                                  pre_percent=25.0, post_percent=75.0))
    db.session.commit()
    page = as_user(app, "coord").get("/reports").get_data(as_text=True)
    assert "50 points (5 learners)" in page


def test_the_charts_show_every_module_and_every_month_between_the_first_and_last_cohort(app, population):
    """A module without data is listed with a dash, not left out; a month without a cohort is an empty column,
    so the time axis is at its true scale."""
    from datetime import date

    from course.learn.queries import load_catalogue
    from course.models.cohort import Cohort
    from course.reports.tables import months_between

    mary, lebap = (db.session.scalar(select(Cohort).where(Cohort.name == name))
                   for name in ("Mary prosecutors", "Lebap judges"))
    mary.starts_on, lebap.starts_on = date(2027, 1, 12), date(2027, 4, 3)
    mary.ends_on, lebap.ends_on = date(2027, 1, 14), date(2027, 4, 5)
    db.session.commit()
    page = as_user(app, "coord").get("/reports").get_data(as_text=True)
    months = page.split('id="chart-months-desc">')[1].split("</desc>")[0]
    assert [part.split(":")[0] for part in months.split("; ")] == ["Jan 2027", "Feb 2027", "Mar 2027", "Apr 2027"]
    assert "Feb 2027: 0" in months and "Jan 2027: 1" in months
    modules = page.split('id="chart-modules-desc">')[1].split("</desc>")[0]
    titles = [module.data["meta"]["title"]["en"] for module in load_catalogue().modules.values()]
    assert [part.split(":")[0] for part in modules.split("; ")] == titles  # every module, none with data yet
    assert months_between(date(2026, 11, 30), date(2027, 2, 1)) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
