"""Read the live content versions from the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from course.extensions import db
from course.models.content import ContentItem, ContentKind, ContentSnapshot


def live_items(*kinds: ContentKind) -> list[ContentItem]:
    """Live items of the given kinds with their snapshots, in authoring order (one query)."""
    return list(db.session.scalars(
        select(ContentItem)
        .where(ContentItem.kind.in_(kinds), ContentItem.retired.is_(False))
        .order_by(ContentItem.kind, ContentItem.position)
    ))


def live_item(kind: ContentKind, content_id: str) -> ContentItem | None:
    return db.session.scalar(
        select(ContentItem).where(
            ContentItem.kind == kind, ContentItem.content_id == content_id, ContentItem.retired.is_(False)
        )
    )


def snapshot_data(kind: ContentKind, content_id: str, content_hash: str) -> dict[str, Any] | None:
    """A specific version, live or not (old attempts and progress name their version)."""
    return db.session.scalar(
        select(ContentSnapshot.data).where(
            ContentSnapshot.kind == kind,
            ContentSnapshot.content_id == content_id,
            ContentSnapshot.content_hash == content_hash,
        )
    )
