"""Answer sheets printed for a quiz taken on paper, and keyed in afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced
from course.models.types import UTCDateTime, utcnow


def printed_number(number: str) -> str:
    """A sheet number as printed and typed: "K7MP-3XQ9"."""
    return f"{number[:4]}-{number[4:]}"


class PaperSheet(Synced, db.Model):
    """One learner's printed answer sheet for one quiz, at the content version printed on it.

    The sheet fixes what an online attempt fixes when it starts (the questions, their order and each question's
    option order, ``layout``; the quiz version, ``quiz_hash``; the test it stands for, ``counts_as``), so the
    marks on paper are read against exactly what was printed. Keying it in makes an ordinary graded attempt
    (``attempt_id``); a sheet is keyed in once. Synced: sheets printed and keyed in on a field laptop travel
    with its attempts.
    """

    __tablename__ = "paper_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the trainer types when the QR code cannot be scanned: eight letters and digits, printed as XXXX-XXXX.
    number: Mapped[str] = mapped_column(String(16), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[str] = mapped_column(String(100))
    quiz_hash: Mapped[str] = mapped_column(String(64))
    counts_as: Mapped[str | None] = mapped_column(String(100))
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Where its last print run drew its QR codes and boxes, for reading a scan (course.paper.pdf.SheetPositions).
    print_layout: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="SET NULL"), unique=True)
    keyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    keyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def printed_number(self) -> str:
        return printed_number(self.number)
