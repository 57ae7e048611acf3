"""Participant evaluations, kept so that no answer can be traced to the learner who gave it.

Two tables that share nothing but the cohort: ``EvaluationSubmission`` says that
a learner has answered (so they cannot answer twice), ``EvaluationResponse``
holds the answers. A response has a random key and no time, so neither its id
nor a timestamp joins it back to a submission. Its answers are rows of
``EvaluationAnswer``, one per item, so the database counts ratings itself.

This holds for everyone who uses the application. Someone who reads the database
itself could still line responses up with submissions by the order the rows were
written in (SQLite's rowid, PostgreSQL's physical order), since both are written in
one transaction.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.identity import SyncKey, random_uid


def response_key() -> str:
    """A response's key: random, so it says nothing about when or in which order the response came."""
    return secrets.token_hex(16)


class EvaluationSubmission(SyncKey, db.Model):
    """That a learner has evaluated a cohort: no answers here."""

    __tablename__ = "evaluation_submissions"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The day only: a time would let someone match it against a response.
    submitted_on: Mapped[date] = mapped_column(Date)
    #: Its sync key is random (UUIDv4), not time-ordered like the others: it must not carry a time either.
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=random_uid)


class EvaluationResponse(db.Model):
    """One learner's answers, with nothing that names them."""

    __tablename__ = "evaluation_responses"

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=response_key)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    #: The evaluation form's id in the content (answers are keyed by its item ids).
    form_id: Mapped[str] = mapped_column(String(100))

    rows: Mapped[list[EvaluationAnswer]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def answers(self) -> dict[str, int | str]:
        """Item id → a Likert value (int) or a written answer (str); items left blank are absent."""
        return {row.item_id: row.value if row.value is not None else row.text for row in self.rows}

    @classmethod
    def of(cls, cohort_id: int, form_id: str, answers: dict[str, int | str]) -> EvaluationResponse:
        """A response with a row per answered item."""
        return cls(cohort_id=cohort_id, form_id=form_id, rows=[
            EvaluationAnswer(cohort_id=cohort_id, item_id=item_id, **answer_columns(value))
            for item_id, value in answers.items()])


def answer_columns(value: int | str) -> dict[str, int | str | None]:
    """An answer as the row stores it: a rating in ``value``, a written answer in ``text``."""
    return {"value": value, "text": None} if isinstance(value, int) else {"value": None, "text": value}


class EvaluationAnswer(db.Model):
    """One item's answer in one response.

    The cohort is repeated here, with an index that covers (cohort, item, value), so
    counting a country's ratings reads that index alone, without a join.
    """

    __tablename__ = "evaluation_answers"
    __table_args__ = (Index("ix_evaluation_answers_counting", "cohort_id", "item_id", "value"),)

    response_key: Mapped[str] = mapped_column(ForeignKey("evaluation_responses.key", ondelete="CASCADE"),
                                              primary_key=True)
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    value: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
