"""Reading progress through modules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced
from course.models.types import UTCDateTime, utcnow


class SectionRead(Synced, db.Model):
    """A learner has read one section of one module (first time recorded)."""

    __tablename__ = "section_reads"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    section_id: Mapped[str] = mapped_column(String(100))
    #: The module version the learner was reading.
    module_hash: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
