"""Field devices: the laptops that run cohorts offline and send what they record to the central server.

On the central server, ``Device`` is the register of laptops (their public keys, whether revoked) and
``SyncBundle`` the log of every bundle received, in an unbroken sequence per device. On a laptop,
``ThisDevice`` is the one row that makes it a device: its keys and the centre's, and the sequences of the
bundles it wrote. ``SyncConflict`` keeps what an import did not take as it came, for coordinators to read.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.identity import SyncKey
from course.models.types import UTCDateTime, str_enum, utcnow


class Device(SyncKey, db.Model):
    """A laptop registered on the central server. Its bundles are accepted while it is not revoked."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Short name in the serials of the certificates it issues (COURSE_DEVICE_PREFIX on the laptop).
    prefix: Mapped[str] = mapped_column(String(8), unique=True)
    #: Ed25519 public key that checks the signature of its bundles (hex).
    verify_key: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The sequence number of the last bundle applied: the next must be one more.
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: X25519 public key that bundles to the laptop are sealed to (hex).
    box_public_key: Mapped[str | None] = mapped_column(String(64))
    #: The number of the last bundle written for the laptop.
    down_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: The latest clock stamp its bundles brought: an edit of its stamped before is not news (no new conflict).
    seen_clock: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: The content versions the laptop said it holds (``kind:id`` -> hash), so bundles to it carry only the rest.
    content_versions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")

    bundles: Mapped[list[SyncBundle]] = relationship(back_populates="device", order_by="SyncBundle.sequence")

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class SyncBundle(db.Model):
    """A bundle the central server applied: which device, which number, what it brought."""

    __tablename__ = "sync_bundles"
    __table_args__ = (UniqueConstraint("device_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    #: SHA-256 of the file as received (hex), to tell a re-sent bundle from a different one.
    digest: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Records added, by table; the Devices page shows them.
    added: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)

    device: Mapped[Device] = relationship(back_populates="bundles")


class ThisDevice(db.Model):
    """On a laptop: what makes it a device of the programme. At most one row."""

    __tablename__ = "this_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The uid of the Device row on the central server.
    device_uid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(8))
    #: Ed25519 private key that signs its bundles (hex); readable by whoever can read the database file.
    signing_key: Mapped[str] = mapped_column(String(64))
    #: The central server's X25519 public key: bundles are sealed to it (hex).
    centre_public_key: Mapped[str] = mapped_column(String(64))
    centre_url: Mapped[str] = mapped_column(String(500), default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The number of the last bundle written (0: none yet).
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: X25519 private key that opens the centre's bundles to this laptop (hex).
    box_private_key: Mapped[str | None] = mapped_column(String(64))
    #: The central server's Ed25519 verify key: its bundles must carry its signature (hex).
    centre_verify_key: Mapped[str | None] = mapped_column(String(64))
    #: The last of this laptop's bundles the centre says it has applied.
    acknowledged_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: The number of the last bundle from the centre applied here.
    pulled_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: For each bundle written, by its number: the clock stamp from which it is complete. Once the centre
    #: acknowledges a bundle, the next holds only the records changed after that bundle's stamp.
    written_clocks: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")


class HybridClockFloor(db.Model):
    """The highest hybrid-clock stamp this installation has seen in a bundle (one row): its clock never falls
    below it, even after a restart on a laptop whose wall clock is wrong."""

    __tablename__ = "hybrid_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(40))


class ConflictKind(enum.StrEnum):
    #: A field the bundle carried differs from the centre's: the centre's value was kept, both are here.
    FIELD = "field"
    #: A person from the bundle looks like one already known (same username, or same name and agency).
    SUSPECTED_DUPLICATE = "suspected_duplicate"


class SyncConflict(db.Model):
    """What an import did not take as it came; coordinators read and settle these."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ConflictKind] = mapped_column(str_enum(ConflictKind, "conflict_kind", 24))
    bundle_id: Mapped[int] = mapped_column(ForeignKey("sync_bundles.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    #: The record's uid (for a suspected duplicate: the person who arrived).
    record_uid: Mapped[str] = mapped_column(String(36))
    #: For a suspected duplicate: the uid of the person already known.
    other_uid: Mapped[str | None] = mapped_column(String(36))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
