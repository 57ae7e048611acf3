"""Sign off or return a content version, mark its translation reviewed, verify a source, record a
certificate's legal basis.

Services check, change and flush; the view commits once. Every decision lands in the audit log.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from course.audit import record_event
from course.content.repository import live_item
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.certificate import Certificate
from course.models.content import ContentItem, ContentKind
from course.models.review import (
    CertificateLegalBasis,
    ContentReview,
    ContentReviewNote,
    ReviewDecision,
    SourceVerification,
    TranslationReview,
)
from course.models.types import utcnow
from course.models.user import User
from course.review.parts import parts_of

MAX_COMMENT = 5000


class ReviewError(DomainError):
    """A review action that cannot be carried out; the message says why."""


def _clean(text: str | None, field: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_COMMENT:
        raise ReviewError(_("Keep each comment under %(max)d characters.", max=MAX_COMMENT), field=field)
    return text


def _live_version(kind: ContentKind, content_id: str, snapshot_id: int) -> ContentItem:
    """The live version of an item, if it is the one the reviewer read (``snapshot_id``)."""
    item = live_item(kind, content_id)
    if item is None or item.snapshot_id != snapshot_id:
        raise ReviewError(_("A newer version of this content was loaded while you were reading it: nothing was "
                            "recorded. Read what changed and decide again."))
    return item


def decide(kind: ContentKind, content_id: str, snapshot_id: int, decision: ReviewDecision, comment: str,
           notes: dict[str, str], reviewer: User) -> ContentReview:
    """Record a reviewer's decision on the live version ``snapshot_id`` of a module or quiz.

    :raises ReviewError: the version is no longer live (the content changed while the reviewer read it), it is
        already signed off, or a return gives no comment at all.
    """
    item = _live_version(kind, content_id, snapshot_id)
    already = db.session.scalar(select(ContentReview.id).where(
        ContentReview.snapshot_id == snapshot_id, ContentReview.decision == ReviewDecision.SIGNED_OFF))
    if already:
        raise ReviewError(_("This version is already signed off."))
    comment = _clean(comment, "comment")
    cleaned = {key: note for key, note in ((key, _clean(note, f"note-{key}")) for key, note in notes.items()) if note}
    parts = {part.key for part in parts_of(kind, item.snapshot.data)}
    if unknown := sorted(set(cleaned) - parts):
        raise ReviewError(_("This version has no part '%(part)s' to comment on.", part=unknown[0][:100]))
    if decision == ReviewDecision.RETURNED and not comment and not cleaned:
        raise ReviewError(_("Say what must change: write a comment, on the whole or on a part."), field="comment")
    review = ContentReview(kind=kind, content_id=content_id, snapshot_id=snapshot_id, decision=decision,
                           comment=comment, reviewer_id=reviewer.id, decided_at=utcnow(),
                           notes=[ContentReviewNote(part_key=key, note=note) for key, note in cleaned.items()])
    db.session.add(review)
    db.session.flush()
    record_event(f"content.{decision.value}", f"{kind.value}:{content_id}", actor_id=reviewer.id,
                 version=item.snapshot.content_hash[:12], notes=len(cleaned))
    return review


def review_translation(kind: ContentKind, content_id: str, snapshot_id: int, language: str, comment: str,
                       reviewer: User) -> TranslationReview:
    """Record that a native speaker has read the ``language`` text of the live version ``snapshot_id``.

    :raises ReviewError: the version is no longer live, its text in that language is not marked as a draft
        translation, or it was already reviewed.
    """
    item = _live_version(kind, content_id, snapshot_id)
    if language not in item.snapshot.data["meta"].get("draft_languages", []):
        raise ReviewError(_("This version has no draft translation in that language to review."))
    already = db.session.scalar(select(TranslationReview.id).where(
        TranslationReview.snapshot_id == snapshot_id, TranslationReview.language == language))
    if already:
        raise ReviewError(_("This translation of this version is already marked as reviewed."))
    review = TranslationReview(kind=kind, content_id=content_id, snapshot_id=snapshot_id, language=language,
                               comment=_clean(comment, "translation_comment"), reviewer_id=reviewer.id,
                               reviewed_at=utcnow())
    db.session.add(review)
    db.session.flush()
    record_event("content.translation_reviewed", f"{kind.value}:{content_id}", actor_id=reviewer.id,
                 version=item.snapshot.content_hash[:12], language=language)
    return review


def verify_source(catalogue: Catalogue, source_id: str, note: str, reviewer: User) -> SourceVerification:
    """Record that ``reviewer`` checked the source at its primary link today.

    :raises ReviewError: the source is not in the live content.
    """
    source = catalogue.sources.get(source_id)
    if source is None:
        raise ReviewError(_("There is no such source in the course."))
    verification = SourceVerification(source_id=source_id, url=source.get("url"), note=_clean(note, "note"),
                                      verified_by_id=reviewer.id, verified_at=utcnow())
    db.session.add(verification)
    db.session.flush()
    record_event("source.verify", source_id, actor_id=reviewer.id, url=source.get("url") or "")
    return verification


def record_legal_basis(certificate: Certificate, citations: list[str]) -> None:
    """Keep, with the certificate, the provision editions its track's content cited when it was issued."""
    db.session.add_all(CertificateLegalBasis(certificate_id=certificate.id, citation=citation)
                       for citation in dict.fromkeys(citations))
    db.session.flush()


def copy_legal_basis(source: Certificate, replacement: Certificate) -> None:
    """A re-issued certificate attests the same training as the one it replaces."""
    citations = db.session.scalars(select(CertificateLegalBasis.citation)
                                   .where(CertificateLegalBasis.certificate_id == source.id)).all()
    record_legal_basis(replacement, list(citations))
