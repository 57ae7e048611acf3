"""Certificates: what a holder shows their office, checkable by anyone through its code."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.identity import FieldClocks, Synced, learner_clock_index
from course.models.types import UTCDateTime, str_enum, utcnow
from course.models.user import User


class CertificateKind(enum.StrEnum):
    #: A learner completed a track.
    COMPLETION = "completion"
    #: A trainee completed the training of trainers: it entitles them to teach.
    TRAINER = "trainer"


class Certificate(Synced, FieldClocks, db.Model):
    """One certificate. At most one valid per person, track and kind (a partial unique index):
    a re-issue revokes the old one and adds a new row, so an old paper copy verifies as revoked.
    """

    __tablename__ = "certificates"
    editable_fields = ("revoked_at", "revoked_by_id", "revocation_reason", "valid_until", "renewed_at")
    __table_args__ = (
        Index("uq_certificates_one_valid", "user_id", "course_id", "track_id", "kind", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        learner_clock_index("certificates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    track_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[CertificateKind] = mapped_column(str_enum(CertificateKind, "certificate_kind"))
    #: For people: "TOT-2026-000123". Made from the row's id, so unique across workers without a counter.
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    #: For machines: the verification code in the QR code; 192 random bits.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    #: The name as printed, kept as issued even if the profile changes later.
    holder_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    contact_hours: Mapped[float] = mapped_column(Float)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None when issued automatically on completion.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    #: When it lapses, for a track whose certificate must be kept up (course.certificates.validity); None: never.
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its holder last renewed it with the track's refresher.
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    holder: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def lapsed(self) -> bool:
        """Past its validity period (course.certificates.validity) and not renewed."""
        return self.valid_until is not None and self.valid_until <= utcnow()
