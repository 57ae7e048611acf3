"""Printing answer sheets: which quizzes a cohort can take on paper, and one sheet per learner for one of them.

A learner's sheet is made once per quiz version and reused when the trainer prints again, so a second print run
gives the same sheet numbers and never two sheets that could both be counted.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from course.audit import record_event
from course.cohorts.dashboard import track_quiz_ids
from course.cohorts.queries import RosterRow, roster
from course.content.localize import pick
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.attempt import AttemptState, QuizAttempt
from course.models.cohort import Cohort, CohortStatus
from course.models.paper_sheet import PaperSheet
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.models.user import User
from course.quiz import parallel
from course.quiz.attempts import build_layout
from course.quiz.definition import TRAINER_QUIZ_PREFIX, QuizDefinition, live_definition, pinned_definition

#: Sheet numbers avoid the characters a hand or a printer confuses (0/O, 1/I/L).
SHEET_ALPHABET = "".join(c for c in string.digits + string.ascii_uppercase if c not in "01OIL")
SHEET_NUMBER_LENGTH = 8


class PrintRefused(DomainError):
    """Sheets cannot be printed for this quiz (not the cohort's, not open, an archived cohort)."""


@dataclass(frozen=True)
class PaperQuiz:
    """A quiz the cohort can take on paper: the course's quizzes of its track, and the trainers' opened quizzes."""

    quiz_id: str
    title: str


@dataclass(frozen=True)
class PrintRun:
    sheets: list[tuple[PaperSheet, RosterRow]]
    #: Learners left out: they have used every attempt the quiz allows.
    skipped: list[RosterRow]


def new_sheet_number() -> str:
    return "".join(secrets.choice(SHEET_ALPHABET) for _ in range(SHEET_NUMBER_LENGTH))


def typed_sheet_number(text: str) -> str:
    """A sheet number as typed ("k7mp-3xq9", with spaces or dashes) in its stored form ("K7MP3XQ9")."""
    return "".join(c for c in text.upper() if c.isalnum())


def paper_quizzes(catalogue: Catalogue, cohort: Cohort, locale: str) -> list[PaperQuiz]:
    track = catalogue.track(cohort.track_id) or {"modules": []}
    fallbacks = catalogue.fallbacks(locale)
    quizzes = [PaperQuiz(quiz_id, pick(catalogue.quizzes[quiz_id]["title"], locale, fallbacks).value)
               for quiz_id in track_quiz_ids(catalogue, track)]
    quizzes += [PaperQuiz(quiz_id, title) for quiz_id, title in db.session.execute(
        select(TrainerQuiz.quiz_id, TrainerQuiz.title).where(
            TrainerQuiz.cohort_id == cohort.id, TrainerQuiz.state == TrainerQuizState.OPEN)
        .order_by(TrainerQuiz.opened_at, TrainerQuiz.id))]
    return quizzes


def _definitions(catalogue: Catalogue, cohort: Cohort, quiz_id: str, user_ids: list[int]) -> dict[int, QuizDefinition]:
    """The version each learner would take now: a trainer's quiz as opened; a course quiz live, as the learner's
    parallel form where the course counterbalances its tests."""
    if quiz_id.startswith(TRAINER_QUIZ_PREFIX):
        content_hash = db.session.scalar(select(TrainerQuiz.content_hash).where(
            TrainerQuiz.quiz_id == quiz_id, TrainerQuiz.cohort_id == cohort.id,
            TrainerQuiz.state == TrainerQuizState.OPEN))
        definition = pinned_definition(quiz_id, content_hash) if content_hash else None
        if definition is None:
            raise PrintRefused(_("This quiz is not open to the cohort: open it before printing its sheets."))
        return dict.fromkeys(user_ids, definition)
    track = catalogue.track(cohort.track_id) or {"modules": []}
    definition = live_definition(quiz_id) if quiz_id in track_quiz_ids(catalogue, track) else None
    if definition is None:
        raise PrintRefused(_("This quiz is not part of the cohort's track."))
    return parallel.as_taken_by_each(user_ids, catalogue.course, definition)


def _submitted(user_ids: list[int], quiz_ids: set[str]) -> dict[tuple[int, str], int]:
    """Submitted attempts by learner and quiz, in one query."""
    return {(user_id, quiz_id): count for user_id, quiz_id, count in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, func.count()).where(
            QuizAttempt.user_id.in_(user_ids), QuizAttempt.quiz_id.in_(quiz_ids),
            QuizAttempt.state == AttemptState.SUBMITTED).group_by(QuizAttempt.user_id, QuizAttempt.quiz_id))}


def print_sheets(catalogue: Catalogue, cohort: Cohort, quiz_id: str, actor: User) -> PrintRun:
    """A sheet per learner of the cohort who may still attempt the quiz: the one already printed for the same
    version when there is one, else a new one. Audited; the caller commits.

    :raises PrintRefused:
    """
    if cohort.status == CohortStatus.ARCHIVED:
        raise PrintRefused(_("This cohort is archived: nothing can be printed for it to take."))
    learners = roster(cohort)
    definitions = _definitions(catalogue, cohort, quiz_id, [row.user_id for row in learners])
    forms = {d.quiz_id for d in definitions.values()}
    kept = {(sheet.user_id, sheet.quiz_id, sheet.quiz_hash): sheet for sheet in db.session.scalars(
        select(PaperSheet).where(PaperSheet.cohort_id == cohort.id, PaperSheet.quiz_id.in_(forms),
                                 PaperSheet.attempt_id.is_(None)).order_by(PaperSheet.id))}
    used = _submitted(list(definitions), forms)
    run = PrintRun([], [])
    made = 0
    for row in learners:
        definition = definitions[row.user_id]
        allowed = definition.settings.attempts_allowed
        if allowed is not None and used.get((row.user_id, definition.quiz_id), 0) >= allowed:
            run.skipped.append(row)
            continue
        sheet = kept.get((row.user_id, definition.quiz_id, definition.content_hash))
        if sheet is None:
            sheet = PaperSheet(
                number=new_sheet_number(), cohort_id=cohort.id, user_id=row.user_id, quiz_id=definition.quiz_id,
                quiz_hash=definition.content_hash, counts_as=definition.counts_as,
                layout=build_layout(definition, secrets.randbits(32)), printed_by_id=actor.id)
            db.session.add(sheet)
            made += 1
        run.sheets.append((sheet, row))
    db.session.flush()
    record_event("paper_sheet.print", f"cohort:{cohort.id}", actor_id=actor.id, quiz=quiz_id,
                 sheets=len(run.sheets), new=made, skipped=len(run.skipped))
    return run
