"""Reading progress through modules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced, learner_clock_index
from course.models.types import UTCDateTime, utcnow


class SectionRead(Synced, db.Model):
    """A learner has read one section of one module (first time recorded)."""

    __tablename__ = "section_reads"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "section_id"), learner_clock_index("section_reads"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    section_id: Mapped[str] = mapped_column(String(100))
    #: The module version the learner was reading.
    module_hash: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReadingSkim(db.Model):
    """A learner pressed "Next" on a section sooner than it can be read, so it was not counted as read.

    One row a section, the latest try and how many there were, for the trainer's dashboard. Kept where it
    happened and not carried to the central server: it is a prompt for the trainer in the room, not a record.
    """

    __tablename__ = "reading_skims"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    section_id: Mapped[str] = mapped_column(String(100))
    #: Seconds the section had been open, and the seconds the reading rule asks for.
    seconds: Mapped[int] = mapped_column(Integer)
    needed: Mapped[int] = mapped_column(Integer)
    times: Mapped[int] = mapped_column(Integer, default=1)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
