"""Learners report a question they think is wrong; the legal reviewer reads the reports beside the question's
statistics across every cohort, and closes each with what was done.

A report is made from the learner's own submitted attempt, so it names the very version of the question they
saw, and only for a question the attempt's review shows them (they can point at what they can read). The
reviewer sees comments and dates, never who wrote them: a report is about a question, not a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.audit import record_event
from course.content.localize import Text, pick
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.attempt import AttemptState, QuizAttempt
from course.models.question_report import QuestionReport
from course.models.types import utcnow
from course.quiz.analytics import ItemStatistics, grouped_statistics
from course.quiz.definition import pinned_definition
from course.quiz.presenters import wrong_options_in_words

#: Longest comment kept (a paragraph or two); shorter than this many characters says nothing.
MAX_COMMENT = 2000
MIN_COMMENT = 5


def report_question(attempt: QuizAttempt, question_id: str, comment: str, *, shown: bool) -> QuestionReport:
    """Record the learner's report on a question of their attempt (the caller checked it is theirs).

    ``shown``: whether the attempt's review shows its questions to the learner now.

    :raises DomainError: an attempt still open, a question not in it or not shown, a comment empty or too long,
        a second report on the same question of the same attempt.
    """
    comment = comment.strip()
    if attempt.state != AttemptState.SUBMITTED or not shown or question_id not in attempt.layout["questions"]:
        raise DomainError(_("This question cannot be reported from here."))
    if len(comment) < MIN_COMMENT:
        raise DomainError(_("Say what you think is wrong with the question."), field="comment")
    if len(comment) > MAX_COMMENT:
        raise DomainError(_("Keep the comment under %(num)d characters.", num=MAX_COMMENT), field="comment")
    report = QuestionReport(user_id=attempt.user_id, attempt_id=attempt.id, quiz_id=attempt.quiz_id,
                            quiz_hash=attempt.quiz_hash, question_id=question_id, comment=comment)
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:
        raise DomainError(_("You have reported this question already; the reviewer has your comment.")) from None
    return report


def reported_in(attempt_id: int) -> set[str]:
    """The questions of an attempt its learner has reported."""
    return set(db.session.scalars(select(QuestionReport.question_id).where(QuestionReport.attempt_id == attempt_id)))


def close_report(report: QuestionReport, note: str, *, actor_id: int) -> None:
    """:raises DomainError: a report closed already, or no note of what was done."""
    note = note.strip()
    if report.closed_at is not None:
        raise DomainError(_("This report is closed already."))
    if not note or len(note) > MAX_COMMENT:
        raise DomainError(_("Say what was done about the report (at most %(num)d characters).", num=MAX_COMMENT),
                          field="note")
    report.closed_at, report.closed_by_id, report.reviewer_note = utcnow(), actor_id, note
    record_event("question_report.close", str(report.id), actor_id=actor_id, quiz=report.quiz_id,
                 question=report.question_id)


@dataclass(frozen=True)
class ReportComment:
    report_id: int
    comment: str
    reported_at: datetime


@dataclass(frozen=True)
class ReportedQuestion:
    """A question with open reports, and how it has been answered in every cohort."""

    quiz_id: str
    question_id: str
    quiz_title: Text
    prompt: Text | None
    comments: list[ReportComment]
    statistics: ItemStatistics | None
    #: The wrong answers chosen most, in words, with how often.
    common_wrong: list[tuple[str, int]]

    @property
    def facility_percent(self) -> int | None:
        return self.statistics.facility_percent if self.statistics else None


def statistics_everywhere(pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], ItemStatistics]:
    """Item statistics of these questions over every submitted attempt of their quizzes (two queries)."""
    if not pairs:
        return {}
    where = (QuizAttempt.state == AttemptState.SUBMITTED, QuizAttempt.possible > 0,
             QuizAttempt.quiz_id.in_(sorted({quiz_id for quiz_id, _question in pairs})))
    return {(quiz_id, stats.question_id): stats
            for (quiz_id,), (item_stats, _hash) in grouped_statistics(where, (QuizAttempt.quiz_id,), pairs).items()
            for stats in item_stats}


def open_reports(catalogue: Catalogue, locale: str) -> list[ReportedQuestion]:
    """Questions with open reports, the most reported first, each with its comments and statistics."""
    reports = db.session.scalars(select(QuestionReport).where(QuestionReport.closed_at.is_(None))
                                 .order_by(QuestionReport.reported_at)).all()
    grouped: dict[tuple[str, str], list[QuestionReport]] = defaultdict(list)
    for report in reports:
        grouped[report.quiz_id, report.question_id].append(report)
    statistics = statistics_everywhere(list(grouped))
    fallbacks = catalogue.fallbacks(locale)
    found = []
    for (quiz_id, question_id), listed in grouped.items():
        definition = pinned_definition(quiz_id, listed[-1].quiz_hash)
        spec = definition.questions.get(question_id) if definition else None
        title = (catalogue.quizzes.get(quiz_id) or {}).get("title") or {"en": quiz_id}
        stats = statistics.get((quiz_id, question_id))
        found.append(ReportedQuestion(
            quiz_id, question_id, pick(title, locale, fallbacks),
            pick(spec.prompt, locale, fallbacks) if spec else None,
            [ReportComment(report.id, report.comment, report.reported_at) for report in listed], stats,
            wrong_options_in_words(spec, stats.common_wrong, locale, fallbacks) if stats else []))
    return sorted(found, key=lambda question: -len(question.comments))
