"""Keying in a paper sheet: the marks a trainer taps become an ordinary graded attempt, once.

The attempt is pinned to the version printed on the sheet (not the live one), takes the sheet's layout, stands
for the test the sheet stood for, and is marked as taken on paper (``submitted_by="paper"``). What the sheet
refuses leaves nothing behind: a sheet keyed in already, a learner no longer in the cohort, a quiz with no
attempt left, a mark that does not fit its question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict

from course.audit import record_event
from course.cohorts.queries import is_learner_of
from course.domain import DomainError
from course.extensions import db
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.cohort import Cohort, CohortStatus
from course.models.paper_sheet import PaperSheet
from course.models.types import utcnow
from course.models.user import User
from course.paper.layout import sheet_definition
from course.paper.queries import sheet_numbered
from course.quiz.attempts import ON_PAPER, attempts_left, attempts_of, record_grade
from course.quiz.definition import QuizDefinition
from course.quiz.types.base import InvalidResponse
from course.sync.stamping import stamp_now


class SheetRefused(DomainError):
    """The sheet is not counted; the message says why and nothing was recorded."""


class MarksRefused(DomainError):
    """Marks that do not fit their questions, by question id with the reason; nothing was recorded."""

    def __init__(self, refused: Mapping[str, str]):
        self.refused = dict(refused)
        super().__init__(_("Some marks could not be read; check the questions marked below."))


@dataclass(frozen=True)
class KeyedSheet:
    attempt: QuizAttempt
    learner: User


def sheet_of_cohort(cohort: Cohort, typed: str) -> PaperSheet:
    """The cohort's sheet with this number.

    :raises SheetRefused: no such sheet, or another cohort's (which is not named: the trainer may not lead it).
    """
    sheet = sheet_numbered(typed)
    if sheet is None:
        raise SheetRefused(_("No sheet has the number %(number)s. Check the number printed under the QR code.",
                             number=typed.strip() or "–"))
    if sheet.cohort_id != cohort.id:
        raise SheetRefused(_("Sheet %(number)s was printed for another cohort, not for %(cohort)s: it cannot be "
                             "keyed in here.", number=sheet.printed_number, cohort=cohort.name))
    return sheet


def keyed_already(sheet: PaperSheet) -> str | None:
    """Why the sheet cannot be keyed in again, naming who keyed it in, when, and the result; None if it can."""
    if sheet.keyed_at is None:
        return None
    who = db.session.get(User, sheet.keyed_by_id) if sheet.keyed_by_id else None
    score = db.session.scalar(select(QuizAttempt.score).where(QuizAttempt.id == sheet.attempt_id))
    return _("Sheet %(number)s was keyed in already, by %(who)s on %(when)s (score %(score)s%%): it is counted "
             "once.", number=sheet.printed_number, who=who.display_name if who else "–",
             when=format_datetime(sheet.keyed_at, "short"), score="–" if score is None else f"{score:g}")


def keyed_responses(sheet: PaperSheet) -> dict[str, object]:
    """What was recorded from a sheet keyed in already, by question."""
    return dict(db.session.execute(select(AttemptAnswer.question_id, AttemptAnswer.response)
                                   .where(AttemptAnswer.attempt_id == sheet.attempt_id)).tuples().all())


def _refuse_archived(cohort: Cohort) -> None:
    if cohort.status == CohortStatus.ARCHIVED:
        raise SheetRefused(_("This cohort is archived: its sheets can no longer be keyed in."))


def check_sheet(cohort: Cohort, sheet: PaperSheet) -> None:
    """Refuse a sheet that cannot count: keyed in already, its learner out of the cohort, an archived cohort.

    :raises SheetRefused:
    """
    if (why := keyed_already(sheet)) is not None:
        raise SheetRefused(why)
    _refuse_archived(cohort)
    if not is_learner_of(cohort.id, sheet.user_id):
        learner = db.session.get(User, sheet.user_id)
        raise SheetRefused(_("%(name)s is no longer a learner of this cohort: their sheet %(number)s is not "
                             "counted.", name=learner.display_name if learner else "–", number=sheet.printed_number))


def _responses(sheet: PaperSheet, definition: QuizDefinition, marks: MultiDict) -> dict[str, object]:
    """The marks as clean responses by question, or every refusal at once."""
    responses, refused = {}, {}
    for qid in sheet.layout["questions"]:
        question_type = definition.question_type(qid)
        spec = definition.questions[qid]
        try:
            responses[qid] = question_type.clean(spec, question_type.from_form(spec, marks))
        except InvalidResponse as exc:
            refused[qid] = str(exc)
    if refused:
        raise MarksRefused(refused)
    return responses


def key_in(cohort: Cohort, sheet: PaperSheet, marks: MultiDict, actor: User) -> KeyedSheet:
    """Record the sheet's marks as a submitted, graded attempt of its learner; audited. The caller commits.

    :raises SheetRefused: the sheet cannot count (see ``check_sheet``), or no attempt is left.
    :raises MarksRefused: a mark does not fit its question.
    """
    check_sheet(cohort, sheet)
    now = utcnow()
    definition = sheet_definition(sheet)
    responses = _responses(sheet, definition, marks)
    learner = db.session.get(User, sheet.user_id)
    if attempts_left(definition, attempts_of(sheet.user_id, sheet.quiz_id)) == 0:
        raise SheetRefused(_("%(name)s has used every attempt this quiz allows: sheet %(number)s is not counted.",
                             name=learner.display_name, number=sheet.printed_number))
    claimed = db.session.execute(
        update(PaperSheet).where(PaperSheet.id == sheet.id, PaperSheet.keyed_at.is_(None))
        .values(keyed_at=now, keyed_by_id=actor.id, clock=stamp_now(db.session()))
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:  # another request keyed it in between the check and now
        db.session.refresh(sheet)
        raise SheetRefused(keyed_already(sheet) or _("This sheet was keyed in already."))
    attempt = QuizAttempt(
        user_id=sheet.user_id, quiz_id=sheet.quiz_id, quiz_hash=sheet.quiz_hash, counts_as=sheet.counts_as,
        number=(db.session.scalar(select(func.max(QuizAttempt.number)).where(
            QuizAttempt.user_id == sheet.user_id, QuizAttempt.quiz_id == sheet.quiz_id)) or 0) + 1,
        state=AttemptState.SUBMITTED, layout=sheet.layout, started_at=now, submitted_at=now, submitted_by=ON_PAPER,
        answers=[AttemptAnswer(question_id=qid, response=response, saved_at=now)
                 for qid, response in responses.items()],
    )
    db.session.add(attempt)
    db.session.flush()
    record_grade(attempt)
    db.session.refresh(sheet)
    sheet.attempt_id = attempt.id
    db.session.flush()
    record_event("paper_sheet.key_in", f"user:{sheet.user_id}", actor_id=actor.id, sheet=sheet.printed_number,
                 quiz=sheet.counts_as or sheet.quiz_id, attempt=attempt.number, score=attempt.score)
    return KeyedSheet(attempt, learner)


def correct(cohort: Cohort, sheet: PaperSheet, marks: MultiDict, actor: User) -> KeyedSheet:
    """Replace what was keyed in from the sheet with ``marks`` and grade its attempt again; audited with the score
    before and after. The caller commits. A certificate already issued on the earlier result stays: revoking it
    is a coordinator's decision.

    :raises SheetRefused: the sheet is not keyed in yet, or its cohort is archived.
    :raises MarksRefused: a mark does not fit its question.
    """
    if sheet.attempt_id is None:
        raise SheetRefused(_("Sheet %(number)s has not been keyed in yet.", number=sheet.printed_number))
    _refuse_archived(cohort)
    responses = _responses(sheet, sheet_definition(sheet), marks)
    attempt = db.session.get(QuizAttempt, sheet.attempt_id)
    before, now = attempt.score, utcnow()
    answers = {answer.question_id: answer for answer in attempt.answers}
    for qid, response in responses.items():
        if (answer := answers.get(qid)) is None:
            attempt.answers.append(AttemptAnswer(question_id=qid, response=response, saved_at=now))
        elif answer.response != response:
            answer.response, answer.saved_at = response, now
    db.session.flush()
    record_grade(attempt)
    record_event("paper_sheet.correct", f"user:{sheet.user_id}", actor_id=actor.id, sheet=sheet.printed_number,
                 quiz=sheet.counts_as or sheet.quiz_id, attempt=attempt.number, before=before, after=attempt.score)
    return KeyedSheet(attempt, db.session.get(User, sheet.user_id))
