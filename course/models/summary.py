"""Each learner's standing, kept current as they learn, so reports read one row per learner.

The coordinator dashboard answers for thousands of learners at once. Counting
their section reads and attempts on every request costs about a second at
10,000 learners; these rows are refreshed when a learner reads a section or
submits an attempt (and for everyone after a content change), so a report is
a handful of GROUP BY queries over them. ``course.summary`` writes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.types import UTCDateTime, utcnow


class LearnerSummary(db.Model):
    """One learner against one track of a course: started, completed, and the counted pre/post-test scores.

    A learner with any progress has a row for every track of the course (the row says
    whether they would have completed it), so enrolling later needs no refresh.
    """

    __tablename__ = "learner_summaries"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    started: Mapped[bool] = mapped_column(default=False)
    completed: Mapped[bool] = mapped_column(default=False)
    #: Counted scores (percent) under each test's grading method; the same on every track row of the learner.
    pre_score: Mapped[float | None] = mapped_column(Float)
    post_score: Mapped[float | None] = mapped_column(Float)
    #: Which parallel form came first (course.models.enrolment.FormOrder), for the gain by form order; None for
    #: a learner without an enrolment in the course.
    form_order: Mapped[str | None] = mapped_column(String(2))
    #: Indexed: its latest value is the summaries' part of the coordinator reports' signature.
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class _TestPercents:
    """A learner's percent on one group of questions in the counted pre-test and post-test; the key starts with
    the learner (``sort_order``), as the summaries are read and rewritten learner by learner."""

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, sort_order=-2)
    course_id: Mapped[str] = mapped_column(String(100), primary_key=True, sort_order=-1)
    pre_percent: Mapped[float | None] = mapped_column(Float)
    post_percent: Mapped[float | None] = mapped_column(Float)


class ModuleGain(_TestPercents, db.Model):
    """The percents on one module's questions."""

    __tablename__ = "module_gains"

    module_id: Mapped[str] = mapped_column(String(100), primary_key=True)


class ObjectiveGain(_TestPercents, db.Model):
    """The percents on the questions of one learning objective (a question tag): the gain per objective of the
    reports."""

    __tablename__ = "objective_gains"

    objective: Mapped[str] = mapped_column(String(100), primary_key=True)
