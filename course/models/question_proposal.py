"""A case or question a trainer proposes from practice, and the legal reviewer's decision on it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced
from course.models.types import UTCDateTime, str_enum, utcnow


class ProposalStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    #: Sent back to the trainer with the reviewer's comment; the trainer may change it and send it again.
    RETURNED = "returned"
    #: Taken into the bank: an author writes it into a quiz file (the content is versioned and reviewed there).
    ACCEPTED = "accepted"


class QuestionProposal(Synced, db.Model):
    """Synced: a trainer proposes on a field laptop as well as at the centre."""

    __tablename__ = "question_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    module_id: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: The facts of the case, anonymised by the trainer (no names, dates or places that identify anyone).
    scenario: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    #: The answer the trainer expects, and why (the qualification, the provisions applied).
    answer: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus, "proposal_status"),
                                                   default=ProposalStatus.SUBMITTED)
    reviewer_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
