"""Participant evaluations, kept so that no answer can be traced to the learner who gave it.

Two tables that share nothing but the cohort: ``EvaluationSubmission`` says that
a learner has answered (so they cannot answer twice), ``EvaluationResponse``
holds the answers. A response has a random key and no time, so neither its id,
its order nor a timestamp joins it back to a submission.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db


def _random_key() -> str:
    return secrets.token_hex(16)


class EvaluationSubmission(db.Model):
    """That a learner has evaluated a cohort: no answers here."""

    __tablename__ = "evaluation_submissions"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The day only: a time would let someone match it against a response.
    submitted_on: Mapped[date] = mapped_column(Date)


class EvaluationResponse(db.Model):
    """One learner's answers, with nothing that names them."""

    __tablename__ = "evaluation_responses"

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    #: The evaluation form's id in the content (answers are keyed by its item ids).
    form_id: Mapped[str] = mapped_column(String(100))
    #: Item id → a Likert value (int) or a text answer (str); items left blank are absent.
    answers: Mapped[dict[str, int | str]] = mapped_column(JSON)
