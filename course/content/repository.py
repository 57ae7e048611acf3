"""Read the live content versions from the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.extensions import db
from course.models.content import ContentItem, ContentKind, ContentSnapshot


@dataclass(frozen=True)
class LiveVersion:
    kind: ContentKind
    content_id: str
    content_hash: str
    data: dict[str, Any]
    #: The row of that version, for what is recorded against it (a reviewer's sign-off).
    snapshot_id: int


#: Snapshot data by (kind, id, content hash), which names one version for ever: a cached
#: copy never goes stale. Each request still asks the database which versions are live.
_DATA_CACHE: dict[tuple[str, str, str], dict[str, Any]] = {}
_DATA_CACHE_LIMIT = 2000


def live_versions(*kinds: ContentKind) -> list[LiveVersion]:
    """The live version of every item of these kinds, in authoring order.

    One light query for the pointers, and one more only for snapshots this
    process has not seen yet: pages do not re-read the whole course each time.
    """
    pointers = db.session.execute(
        select(ContentItem.kind, ContentItem.content_id, ContentItem.snapshot_id, ContentSnapshot.content_hash)
        .join(ContentSnapshot, ContentSnapshot.id == ContentItem.snapshot_id)
        .where(ContentItem.kind.in_(kinds), ContentItem.retired.is_(False))
        .order_by(ContentItem.kind, ContentItem.position)
    ).all()
    return versions_at(pointers)


def versions_at(pointers: Sequence[Any]) -> list[LiveVersion]:
    """The versions these pointers name (each with ``kind``, ``content_id``, ``snapshot_id`` and
    ``content_hash``), their data read from the database only the first time this process needs it."""
    def key(row) -> tuple[str, str, str]:
        return (str(row.kind), row.content_id, row.content_hash)

    missing = {row.snapshot_id: key(row) for row in pointers if key(row) not in _DATA_CACHE}
    if missing:
        if len(_DATA_CACHE) + len(missing) > _DATA_CACHE_LIMIT:
            _DATA_CACHE.clear()
        for snapshot_id, data in db.session.execute(
            select(ContentSnapshot.id, ContentSnapshot.data).where(ContentSnapshot.id.in_(missing))
        ):
            _DATA_CACHE[missing[snapshot_id]] = data
    return [LiveVersion(row.kind, row.content_id, row.content_hash, _DATA_CACHE[key(row)], row.snapshot_id)
            for row in pointers]


def live_item(kind: ContentKind, content_id: str) -> ContentItem | None:
    return db.session.scalar(
        select(ContentItem).where(
            ContentItem.kind == kind, ContentItem.content_id == content_id, ContentItem.retired.is_(False)
        )
    )


def live_hash(kind: ContentKind, content_id: str) -> str | None:
    """The content hash of the item's live version, which names it for ever; None if it is not live."""
    return db.session.scalar(
        select(ContentSnapshot.content_hash).join(ContentItem, ContentItem.snapshot_id == ContentSnapshot.id)
        .where(ContentItem.kind == kind, ContentItem.content_id == content_id, ContentItem.retired.is_(False))
    )


def snapshot_data(kind: ContentKind, content_id: str, content_hash: str) -> dict[str, Any] | None:
    """A specific version, live or not (old attempts and progress name their version); from the copy the live
    versions were read into when there is one."""
    if (kept := _DATA_CACHE.get((str(kind), content_id, content_hash))) is not None:
        return kept
    return db.session.scalar(
        select(ContentSnapshot.data).where(
            ContentSnapshot.kind == kind,
            ContentSnapshot.content_id == content_id,
            ContentSnapshot.content_hash == content_hash,
        )
    )
