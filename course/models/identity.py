"""Identities that travel: the key a record keeps wherever it is copied.

A cohort run on a laptop in Mary and the central server in Ashgabat both number their rows 1, 2, 3...; an
integer id means nothing outside its database. Every record a laptop can create and the centre must receive
therefore carries a ``uid``, a UUID made where the record was made, and sync matches records by it; the
integer keys stay internal. UUIDv7 (RFC 9562) puts the creation time first, so new keys land at the end of
an index instead of scattering writes across it.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any, ClassVar

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

_RANDOM_B_BITS = 62


def uuid7() -> uuid.UUID:
    """A version 7 UUID: 48 bits of Unix time in milliseconds, then 74 random bits (RFC 9562, section 5.7)."""
    millis = time.time_ns() // 1_000_000
    rand_a, rand_b = secrets.randbits(12), secrets.randbits(_RANDOM_B_BITS)
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << _RANDOM_B_BITS | rand_b
    return uuid.UUID(int=value)


def new_uid() -> str:
    return str(uuid7())


def random_uid() -> str:
    """A version 4 UUID: for records that must not say when they were made (an evaluation submission)."""
    return str(uuid.uuid4())


class SyncKey:
    """Mixin: the record's ``uid``, unique everywhere it travels."""

    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)


class Synced(SyncKey):
    """Mixin for the records a laptop sends to the centre: their uid, and the hybrid-clock stamp of their last
    change (``course.sync.clock``), set on every insert and update by ``course.sync.stamping``. A laptop's bundle
    holds the records changed since the centre's last acknowledgement; the centre keeps the later of two
    versions of a record."""

    clock: Mapped[str] = mapped_column(String(40), default="", server_default="")


def clock_index(table: str) -> Index:
    """The index on a large table's stamps that the coordinator reports' signature reads its latest stamp
    from without reading the table (course.reports.kept)."""
    return Index(f"ix_{table}_clock", "clock")


def learner_clock_index(table: str) -> Index:
    """The index a learner's synced rows of ``table`` need for the cohort dashboard's freshness check (a count
    and the latest clock per learner, course.cohorts.freshness): read alone, without the rows."""
    return Index(f"ix_{table}_user_id_clock", "user_id", "clock")


class FieldClocks:
    """Mixin for the records whose fields people edit on either side (a name, a cohort's venue, a revocation):
    the stamp of each field's last change, so two edits to different fields both survive and two edits to the
    same field are settled by the later stamp."""

    #: The fields with a stamp of their own; the model names them.
    editable_fields: ClassVar[tuple[str, ...]] = ()

    field_clocks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
