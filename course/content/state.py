"""What every content page asks first, in one round trip: which versions are live, and how far their review is.

Every page reads the live pointers (which snapshot of each item is live) to know whether the catalogue this
process built last time still holds. Module, quiz, source and glossary pages also show what the review knows
of that version (signed off? which translations a native speaker has read? which sources are verified?): two
more queries each, on the busiest pages. Reviews, translation readings and source verifications are only ever
added, never edited or removed, so their count and the time of the latest tell whether what this process
worked out from them still holds (a time, not an id: a database restored from a backup may give a new row an
id seen before); they come with the pointers, in the same statement, built once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select

from course.caching import app_cache, once_per_request
from course.extensions import db
from course.models.content import ContentItem, ContentKind, ContentSnapshot
from course.models.review import ContentReview, SourceVerification, TranslationReview

T = TypeVar("T")

#: The kinds the catalogue is built from.
LIVE_KINDS = (ContentKind.COURSE, ContentKind.MODULE, ContentKind.SOURCES, ContentKind.QUIZ, ContentKind.PROVISIONS)


def _marks(model, made_at) -> list:
    return [select(func.count()).select_from(model).scalar_subquery(), select(func.max(made_at)).scalar_subquery()]


#: Built once: asked on every page. The marks are the same on every row (PostgreSQL computes them once).
_STATE = (
    select(ContentItem.kind, ContentItem.content_id, ContentItem.snapshot_id, ContentSnapshot.content_hash,
           *_marks(ContentReview, ContentReview.decided_at), *_marks(TranslationReview, TranslationReview.reviewed_at),
           *_marks(SourceVerification, SourceVerification.verified_at))
    .join(ContentSnapshot, ContentSnapshot.id == ContentItem.snapshot_id)
    .where(ContentItem.kind.in_(LIVE_KINDS), ContentItem.retired.is_(False))
    .order_by(ContentItem.kind, ContentItem.position)
)


@dataclass(frozen=True)
class Pointer:
    """Which version of an item is live."""

    kind: ContentKind
    content_id: str
    snapshot_id: int
    content_hash: str


@dataclass(frozen=True)
class ContentState:
    pointers: list[Pointer]
    #: Count and latest time of the legal reviews and of the translation readings.
    reviews: tuple[Any, ...]
    #: Count and latest time of the source verifications.
    verifications: tuple[Any, ...]


def _read() -> ContentState:
    rows = db.session.connection().execute(_STATE).all()
    marks = tuple(rows[0][4:]) if rows else ()
    return ContentState([Pointer(ContentKind(kind), content_id, snapshot_id, content_hash)
                         for kind, content_id, snapshot_id, content_hash, *_marks in rows],
                        marks[:4], marks[4:])


def content_state() -> ContentState:
    """The live pointers and the review marks, read once per request."""
    return once_per_request("content_state", _read)


#: Entries kept of what was worked out from the reviews (a version's review, the verified sources).
FROM_REVIEWS_KEPT = 256


def from_reviews(key: Hashable, marks: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``make()``, or what it gave for ``key`` in this application while the marks were the same."""
    return app_cache("course.from_reviews", FROM_REVIEWS_KEPT).get_or_make((key, marks), make)
