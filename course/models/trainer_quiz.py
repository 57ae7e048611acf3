"""A quiz a trainer builds for one cohort from the reviewed question bank."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced
from course.models.types import UTCDateTime, str_enum, utcnow


class TrainerQuizState(enum.StrEnum):
    #: Being composed: the trainer may change it; learners do not see it.
    DRAFT = "draft"
    #: Learners of the cohort take it; its questions and settings no longer change.
    OPEN = "open"
    #: No new attempts; results stay on the dashboard.
    CLOSED = "closed"


class TrainerQuiz(Synced, db.Model):
    """The quiz version itself is kept in the row (``data``, hashed as ``content_hash``) rather than among the
    course's content snapshots: it belongs to one cohort, and a quiz built on a field laptop must reach the centre
    with the attempts pinned to it. Synced."""

    __tablename__ = "trainer_quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The quiz id its attempts name (``tq-`` and random letters: unique wherever the quiz travels).
    quiz_id: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[TrainerQuizState] = mapped_column(str_enum(TrainerQuizState, "trainer_quiz_state"),
                                                    default=TrainerQuizState.DRAFT)
    #: The quiz as the attempt service reads a content snapshot: {"meta": settings, "questions": [...]}.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: Where each question came from in the bank: {question id here: [quiz id, question id]}.
    sources: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
