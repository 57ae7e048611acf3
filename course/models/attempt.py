"""Quiz attempts and the answers saved in them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, UniqueConstraint, func, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.identity import Synced, learner_clock_index
from course.models.types import UTCDateTime, str_enum, utcnow


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class QuizAttempt(Synced, db.Model):
    """One attempt at one quiz, pinned to the quiz version it was started on.

    Two database rules make attempts safe under double clicks and two tabs:
    attempt numbers are unique per learner and quiz, and at most one attempt
    per learner and quiz is in progress (a partial unique index).
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        learner_clock_index("quiz_attempts"),
        Index("uq_quiz_attempts_one_open", "user_id", "quiz_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
        CheckConstraint("earned IS NULL OR (earned >= 0 AND earned <= possible)", name="earned_in_range"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[str] = mapped_column(String(100), index=True)
    #: The quiz version (content hash) the attempt was started on and is graded against.
    quiz_hash: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[AttemptState] = mapped_column(
        str_enum(AttemptState, "attempt_state"), default=AttemptState.IN_PROGRESS
    )
    #: The test this attempt stands for when it is not its own quiz: a learner who takes the course's parallel
    #: forms the other way round takes the post-test's questions as their pre-test (course.quiz.parallel).
    counts_as: Mapped[str | None] = mapped_column(String(100))
    #: Question ids in the order shown, and each choice question's option order.
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the quiz has a time limit; saving after it (plus a grace) is refused.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How the attempt ended: by the learner, by the server when time ran out, or keyed in from a paper sheet
    #: ("paper", course.paper).
    submitted_by: Mapped[str | None] = mapped_column(String(16))
    earned: Mapped[float | None] = mapped_column(Float)
    possible: Mapped[float | None] = mapped_column(Float)
    #: 0 to 100, rounded to one decimal.
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()

    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", lazy="selectin", order_by="AttemptAnswer.id"
    )

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS

    @hybrid_property
    def counted_quiz_id(self) -> str:
        """The quiz whose place the attempt takes in completion, gain and grids: its own, or the test it stands
        for."""
        return self.counts_as or self.quiz_id

    @counted_quiz_id.inplace.expression
    @classmethod
    def _counted_quiz_id_expression(cls):
        return func.coalesce(cls.counts_as, cls.quiz_id)


class AttemptAnswer(Synced, db.Model):
    """The latest saved response to one question of an attempt, and its grade once submitted."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    #: The canonical response (see course.quiz.types); null when cleared.
    response: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    earned: Mapped[float | None] = mapped_column(Float)
    possible: Mapped[float | None] = mapped_column(Float)
    #: Per-part results of grading: key, earned, possible, feedback, citations.
    parts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
