"""The Open Badges credential issued for a certificate (course.credentials), kept as it was signed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.types import UTCDateTime, utcnow


class BadgeCredential(db.Model):
    """One signed credential per certificate: signed once, then served as signed, so what a holder downloads
    twice is the same document, and a key rotation leaves it verifiable under the key that signed it. Central
    server only: laptops do not sign (their certificates get credentials once synced)."""

    __tablename__ = "badge_credentials"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(100), unique=True)
    key_name: Mapped[str] = mapped_column(String(32))
    token: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
