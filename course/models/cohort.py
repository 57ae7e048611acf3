"""Cohorts (one training session each), their trainers, and trainers' own standing."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.identity import FieldClocks, Synced
from course.models.types import UTCDateTime, str_enum, utcnow
from course.models.user import User, Velayat


class CohortStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Cohort(Synced, FieldClocks, db.Model):
    """One training session: a track of the course, taught by trainers to a group, somewhere, some days."""

    __tablename__ = "cohorts"
    editable_fields = ("name", "language", "velayat", "city", "venue", "starts_on", "ends_on", "audience",
                       "status", "join_open")
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(String(100))
    track_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    #: Language of instruction; new learners who join get it as their interface language.
    language: Mapped[str] = mapped_column(String(8))
    velayat: Mapped[Velayat] = mapped_column(str_enum(Velayat, "velayat"))
    city: Mapped[str] = mapped_column(String(100), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: Agencies the session is meant for (values of course.models.user.Agency).
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[CohortStatus] = mapped_column(str_enum(CohortStatus, "cohort_status"), default=CohortStatus.OPEN)
    #: Learners register themselves with this code while joining is open.
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    join_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The field laptop it was run on (its device prefix); empty for a cohort made on the central server.
    device_prefix: Mapped[str] = mapped_column(String(8), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainers: Mapped[list[CohortTrainer]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def lead(self) -> User | None:
        return next((row.user for row in self.trainers if row.lead), None)

    @property
    def trainer_ids(self) -> set[int]:
        return {row.user_id for row in self.trainers}


class CohortTrainer(Synced, db.Model):
    """A trainer of a cohort: its one lead, or a co-trainer."""

    __tablename__ = "cohort_trainers"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        Index("uq_cohort_trainers_one_lead", "cohort_id", unique=True,
              sqlite_where=text("lead"), postgresql_where=text("lead")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)

    cohort: Mapped[Cohort] = relationship(back_populates="trainers")
    user: Mapped[User] = relationship(lazy="joined")


class TrainerStanding(Synced, FieldClocks, db.Model):
    """Why someone may teach: certified in a cohort of the trainer track, or made a master trainer.

    The generation gives the cascade its depth: master trainers are 0, the
    trainers they certify 1, and so on.
    """

    __tablename__ = "trainer_standings"
    editable_fields = ("generation", "trained_in_cohort_id")
    __table_args__ = (CheckConstraint("generation >= 0", name="generation_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    generation: Mapped[int] = mapped_column(Integer)
    #: The cohort of the trainer track the trainer was trained in; none for master trainers.
    trained_in_cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
