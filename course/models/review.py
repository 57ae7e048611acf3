"""The legal review of content: sign-offs per content version, notes per part, verified sources.

A sign-off names one immutable content snapshot, so a new version of a module or quiz is unreviewed
until a reviewer signs it off in turn; the parts that did not change since the last signed-off
version are shown as such, and only the changed ones need reading again.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.content import ContentKind
from course.models.types import UTCDateTime, str_enum, utcnow
from course.models.user import User


class ReviewDecision(enum.StrEnum):
    SIGNED_OFF = "signed_off"
    #: Sent back to the authors with comments; the version stays unreviewed.
    RETURNED = "returned"


class ContentReview(db.Model):
    """A legal reviewer's decision on one version of a module or quiz. Rows are only ever added."""

    __tablename__ = "content_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(str_enum(ContentKind, "content_kind", 16))
    content_id: Mapped[str] = mapped_column(String(100), index=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("content_snapshots.id", ondelete="RESTRICT"), index=True)
    decision: Mapped[ReviewDecision] = mapped_column(str_enum(ReviewDecision, "review_decision"))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User | None] = relationship(lazy="joined")
    notes: Mapped[list[ContentReviewNote]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ContentReviewNote.id")


class ContentReviewNote(db.Model):
    """A reviewer's comment on one part of a version: a section (by key) or a question (by id)."""

    __tablename__ = "content_review_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("content_reviews.id", ondelete="CASCADE"), index=True)
    part_key: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text)

    review: Mapped[ContentReview] = relationship(back_populates="notes")


class SourceVerification(db.Model):
    """A reviewer checked a source against its publisher's text. The newest row of a source counts."""

    __tablename__ = "source_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    #: The primary link as it was when checked: a changed link is not verified any more.
    url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text, default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    verified_by: Mapped[User | None] = relationship(lazy="joined")


class CertificateLegalBasis(db.Model):
    """A provision edition that the content of a certificate's track cited when it was issued.

    When the law changes, coordinators list the certificates issued on content whose legal basis has since
    been superseded: the record says what the holder was taught, whatever the content says today.
    """

    __tablename__ = "certificate_legal_bases"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    #: ``provision@edition``, as the content cites it.
    citation: Mapped[str] = mapped_column(String(201), primary_key=True)


class TranslationReview(db.Model):
    """A native speaker read one language of one content version and found it fit: that language's draft
    notice goes from the version. A new version is a draft again until it is read in turn."""

    __tablename__ = "translation_reviews"
    __table_args__ = (UniqueConstraint("snapshot_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(str_enum(ContentKind, "content_kind", 16))
    content_id: Mapped[str] = mapped_column(String(100), index=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("content_snapshots.id", ondelete="RESTRICT"))
    language: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User | None] = relationship(lazy="joined")
