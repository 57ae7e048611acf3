"""Learners report a question they think is wrong; the legal reviewer reads and closes the reports
(course.review.question_reports)."""

from __future__ import annotations

from sqlalchemy import select

from course.extensions import db
from course.models.audit import AuditEvent
from course.models.question_report import QuestionReport
from course.models.user import Role
from tests.conftest import csrf_token
from tests.test_cohort_pages import as_user


def submitted(learner) -> int:
    attempt_id = learner.start()
    learner.save(attempt_id, {"q-single": "s-wrong"})
    learner.submit(attempt_id)
    return attempt_id


def report(client, attempt_id: int, question_id: str, comment: str):
    return client.post(f"/attempts/{attempt_id}/questions/{question_id}/report",
                       data={"comment": comment, "csrf_token": csrf_token(client, "/")})


def reports() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(select(
        QuestionReport.quiz_id, QuestionReport.question_id, QuestionReport.comment).order_by(QuestionReport.id))]


def test_a_learner_reports_a_question_from_their_review_once(learner):
    attempt_id = submitted(learner)
    page = learner.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert f'action="/attempts/{attempt_id}/questions/single/report"' in page
    done = report(learner.client, attempt_id, "single", "The answer marked wrong is right under Art. 3(b).")
    assert done.status_code == 302  # noqa: PLR2004
    page = learner.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Thank you: the legal reviewer will read your comment." in page
    assert "You reported this question" in page
    again = report(learner.client, attempt_id, "single", "Same again, in case.")
    assert again.status_code == 302  # noqa: PLR2004
    assert "You have reported this question already" in learner.client.get(
        f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert reports() == [("all-types", "single", "The answer marked wrong is right under Art. 3(b).")]


def test_bad_reports_are_refused_and_record_nothing(learner, make_user, app):
    attempt_id = submitted(learner)
    for question_id, comment in (("single", "   "), ("single", "x" * 2001), ("not-in-the-quiz", "It is wrong here.")):
        report(learner.client, attempt_id, question_id, comment)
    open_attempt = learner.start("alpha-check")
    report(learner.client, open_attempt, "a1", "Not submitted yet, so not reviewable.")
    make_user("other", tracks=("full",))
    assert report(as_user(app, "other"), attempt_id, "single", "Someone else's attempt.").status_code == 404  # noqa: PLR2004
    assert reports() == []


def test_the_reviewer_reads_reports_with_the_questions_statistics_and_closes_them(learner, make_user, app):
    attempt_id = submitted(learner)
    report(learner.client, attempt_id, "single", "The right answer is marked wrong.")
    report(learner.client, attempt_id, "multi", "Choice Mc is also an act.")
    make_user("reviewer", roles={Role.LEGAL_REVIEWER})
    reviewer = as_user(app, "reviewer")
    page = reviewer.get("/review/question-reports").get_data(as_text=True)
    assert "The right answer is marked wrong." in page and "Choice Mc is also an act." in page
    assert "Single prompt" in page and "0% of the points earned over 1 answer" in page
    assert "ana" not in page  # a report is about a question, not who made it
    report_id = db.session.scalar(select(QuestionReport.id).where(QuestionReport.question_id == "single"))
    token = csrf_token(reviewer, "/review/question-reports")
    reviewer.post(f"/review/question-reports/{report_id}/close", data={"note": "", "csrf_token": token})
    assert db.session.get(QuestionReport, report_id).closed_at is None  # a note of what was done is required
    reviewer.post(f"/review/question-reports/{report_id}/close",
                  data={"note": "Checked: the key is right; explained in the feedback.", "csrf_token": token})
    db.session.expire_all()
    closed = db.session.get(QuestionReport, report_id)
    assert closed.closed_at is not None and closed.reviewer_note.startswith("Checked")
    assert "The right answer is marked wrong." not in reviewer.get("/review/question-reports").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "question_report.close"))
    assert event.target == str(report_id) and event.details["question"] == "single"
    assert learner.client.get("/review/question-reports").status_code == 403  # noqa: PLR2004
