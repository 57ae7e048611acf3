"""Reads for the paper pages: a cohort's sheets, in one query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from course.extensions import db
from course.models.attempt import QuizAttempt
from course.models.paper_sheet import PaperSheet, printed_number
from course.models.user import User
from course.paper.sheets import typed_sheet_number
from course.sql import plain_rows

#: The sheets listed on a cohort's paper page, newest first; the rest are reached by their number.
SHEETS_LISTED = 300


@dataclass(frozen=True)
class SheetRow:
    number: str
    learner: str
    quiz_title: str
    printed_at: datetime
    keyed_at: datetime | None
    keyed_by: str | None
    score: float | None

    @property
    def printed_number(self) -> str:
        return printed_number(self.number)


def sheet_numbered(typed: str) -> PaperSheet | None:
    """The sheet with this number as typed or scanned ("k7mp-3xq9", "K7MP3XQ9"), whichever cohort's."""
    number = typed_sheet_number(typed)
    return db.session.scalar(select(PaperSheet).where(PaperSheet.number == number)) if number else None


def cohort_sheets(cohort_id: int, titles: Mapping[str, str]) -> list[SheetRow]:
    """``titles``: quiz titles by id in the reader's language (a sheet names the test it stands for)."""
    learner, keyer = aliased(User), aliased(User)
    rows = plain_rows(
        select(PaperSheet.number, learner.full_name, learner.username, PaperSheet.counts_as, PaperSheet.quiz_id,
               PaperSheet.printed_at, PaperSheet.keyed_at, keyer.full_name, keyer.username, QuizAttempt.score)
        .join(learner, learner.id == PaperSheet.user_id)
        .outerjoin(keyer, keyer.id == PaperSheet.keyed_by_id)
        .outerjoin(QuizAttempt, QuizAttempt.id == PaperSheet.attempt_id)
        .where(PaperSheet.cohort_id == cohort_id)
        .order_by(PaperSheet.printed_at.desc(), PaperSheet.id.desc()).limit(SHEETS_LISTED))
    return [SheetRow(number, (name or "").strip() or username, titles.get(counts_as or quiz_id, counts_as or quiz_id),
                     printed_at, keyed_at,
                     ((keyer_name or "").strip() or keyer_username) if keyer_username else None, score)
            for number, name, username, counts_as, quiz_id, printed_at, keyed_at, keyer_name, keyer_username, score
            in rows]
