"""Reads for the review pages, the draft banner and the law-change report.

A version is reviewed when a legal reviewer signed off that very snapshot and none of the provision
editions it cites has been superseded since; everything else shows the draft banner.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from course.content.localize import Text, pick
from course.content.repository import live_versions
from course.content.state import content_state, from_reviews
from course.extensions import db
from course.i18n import language_name
from course.learn.queries import Catalogue
from course.legal.provisions import (
    edition_of,
    module_citations,
    question_citations,
    shows_draft_notice,
    superseded_among,
    superseded_citations,
)
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.content import ContentKind, ContentSnapshot
from course.models.review import (
    CertificateLegalBasis,
    ContentReview,
    ReviewDecision,
    SourceVerification,
    TranslationReview,
)
from course.models.user import Velayat
from course.review.diff import PartChange, compare
from course.review.parts import parts_of
from course.review.version import VersionReview


def verified_sources(catalogue: Catalogue) -> frozenset[str]:
    """Sources whose newest verification was made on the primary link they have today: one query when a
    verification has been added since this process last asked (course.content.state), none otherwise."""
    return from_reviews(("verified", catalogue.fingerprint), content_state().verifications,
                        lambda: _verified_sources(catalogue))


def _verified_sources(catalogue: Catalogue) -> frozenset[str]:
    newest = (select(SourceVerification.source_id, func.max(SourceVerification.id).label("id"))
              .group_by(SourceVerification.source_id).subquery())
    rows = db.session.execute(select(SourceVerification.source_id, SourceVerification.url)
                              .join(newest, newest.c.id == SourceVerification.id))
    return frozenset(source_id for source_id, url in rows
                     if source_id in catalogue.sources and catalogue.sources[source_id].get("url") == url)


def citations_of(kind: ContentKind, data: dict[str, Any]) -> list[str]:
    """Every provision edition a module or quiz version cites."""
    if kind == ContentKind.MODULE:
        return list(dict.fromkeys(c for cited in module_citations(data).values() for c in cited))
    return list(dict.fromkeys(c for question in data["questions"] for c in question_citations(question)))


KIND_LABELS = {ContentKind.MODULE: _l("Module"), ContentKind.QUIZ: _l("Quiz")}


class ReviewState(enum.StrEnum):
    """Where the review of the live version of a module or quiz stands."""

    #: The same values as ReviewDecision's, for the decisions themselves.
    SIGNED_OFF = "signed_off"
    RETURNED = "returned"
    #: An older version was signed off; this one was not yet.
    CHANGED_SINCE_SIGN_OFF = "changed_since_sign_off"
    NOT_REVIEWED = "not_reviewed"

    @property
    def label(self) -> str:
        return str(_STATE_LABELS[self])

    @property
    def settled(self) -> bool:
        return self is ReviewState.SIGNED_OFF

    @property
    def badge(self) -> str:
        """The badge's CSS class: the stylesheet's colours for done and for wanting attention."""
        return {ReviewState.SIGNED_OFF: "badge-complete", ReviewState.NOT_REVIEWED: ""}.get(self, "badge-warn")


_STATE_LABELS = {
    ReviewState.SIGNED_OFF: _l("signed off"),
    ReviewState.RETURNED: _l("returned to the authors"),
    ReviewState.CHANGED_SINCE_SIGN_OFF: _l("changed since it was signed off"),
    ReviewState.NOT_REVIEWED: _l("not yet reviewed"),
}


@dataclass(frozen=True)
class ReviewRow:
    kind: ContentKind
    content_id: str
    title: Text
    snapshot_id: int
    state: ReviewState
    #: The editions it cites that a newer edition has superseded.
    superseded: list[str]
    #: Readers see no draft notice on it (course.legal.provisions.shows_draft_notice).
    reviewed: bool

    @property
    def signed_off(self) -> bool:
        return self.state is ReviewState.SIGNED_OFF

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _state(snapshot_id: int, last_decision: dict[int, ReviewDecision], signed_items: set[tuple[str, str]],
           item_key: tuple[str, str]) -> ReviewState:
    decision = last_decision.get(snapshot_id)
    if decision == ReviewDecision.SIGNED_OFF:
        return ReviewState.SIGNED_OFF
    if decision == ReviewDecision.RETURNED:
        return ReviewState.RETURNED
    return ReviewState.CHANGED_SINCE_SIGN_OFF if item_key in signed_items else ReviewState.NOT_REVIEWED


def review_rows(catalogue: Catalogue, locale: str) -> list[ReviewRow]:
    """Every live module and quiz with its review state: two queries whatever the size of the course.

    A signed-off version takes no further decision (course.review.services.decide), so the last decision on a
    version says whether it is signed off.
    """
    items = live_versions(ContentKind.MODULE, ContentKind.QUIZ)
    last_decision: dict[int, ReviewDecision] = {}
    signed_items: set[tuple[str, str]] = set()
    for kind, content_id, snapshot_id, decision in db.session.execute(
        select(ContentReview.kind, ContentReview.content_id, ContentReview.snapshot_id, ContentReview.decision)
        .where(ContentReview.content_id.in_([item.content_id for item in items])).order_by(ContentReview.id)
    ):
        last_decision[snapshot_id] = decision
        if decision == ReviewDecision.SIGNED_OFF:
            signed_items.add((str(kind), content_id))
    fallbacks = catalogue.fallbacks(locale)
    rows = []
    for item in items:
        state = _state(item.snapshot_id, last_decision, signed_items, (str(item.kind), item.content_id))
        cited = citations_of(item.kind, item.data)
        rows.append(ReviewRow(
            kind=item.kind, content_id=item.content_id, title=pick(item.data["meta"]["title"], locale, fallbacks),
            snapshot_id=item.snapshot_id, state=state, superseded=superseded_among(catalogue.provisions, cited),
            reviewed=not shows_draft_notice(state.settled, catalogue.provisions, cited),
        ))
    return rows


@dataclass(frozen=True)
class Decision:
    """A decision in the history of an item, as the review page lists it."""

    review: ContentReview
    #: Made on the version under review now, rather than an earlier one.
    this_version: bool

    @property
    def label(self) -> str:
        return ReviewState(self.review.decision.value).label


@dataclass(frozen=True)
class TranslationState:
    """One draft translation of the version under review, and the native speaker's review of it, if any."""

    language: str
    review: TranslationReview | None

    @property
    def language_name(self) -> str:
        return language_name(self.language)


@dataclass(frozen=True)
class ReviewDetail:
    row: ReviewRow
    #: The version the changes are measured against: the last one signed off (None: never).
    reviewed_snapshot_id: int | None
    changes: list[PartChange]
    history: list[Decision]
    #: The version's draft translations (its ``draft_languages``), each reviewed or not.
    translations: list[TranslationState]

    @property
    def parts_to_review(self) -> list[PartChange]:
        return [change for change in self.changes if change.needs_review]


def review_detail(catalogue: Catalogue, kind: ContentKind, content_id: str, locale: str) -> ReviewDetail | None:
    row = next((r for r in review_rows(catalogue, locale) if r.kind == kind and r.content_id == content_id), None)
    if row is None:
        return None
    current = db.session.get(ContentSnapshot, row.snapshot_id)
    history = list(db.session.scalars(select(ContentReview).options(selectinload(ContentReview.notes)).where(
        ContentReview.kind == kind, ContentReview.content_id == content_id).order_by(ContentReview.id.desc())))
    reviewed_id = next((review.snapshot_id for review in history if review.decision == ReviewDecision.SIGNED_OFF),
                       None)
    reviewed = db.session.get(ContentSnapshot, reviewed_id) if reviewed_id else None
    changes = compare(parts_of(kind, reviewed.data) if reviewed else None, parts_of(kind, current.data))
    translated = {review.language: review for review in db.session.scalars(
        select(TranslationReview).where(TranslationReview.snapshot_id == row.snapshot_id))}
    return ReviewDetail(row, reviewed_id, changes,
                        [Decision(review, review.snapshot_id == row.snapshot_id) for review in history],
                        [TranslationState(language, translated.get(language))
                         for language in current.data["meta"].get("draft_languages", [])])


@dataclass(frozen=True)
class CitingPlace:
    """A section, question or case part that cites an edition."""

    kind: ContentKind
    content_id: str
    title: Text
    #: A section key or a question id (with its case part, when the part cites it).
    place: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def citing_places(catalogue: Catalogue, citations: set[str], locale: str) -> dict[str, list[CitingPlace]]:
    """Where the live content cites each of ``citations``."""
    places: dict[str, list[CitingPlace]] = {citation: [] for citation in citations}
    fallbacks = catalogue.fallbacks(locale)
    for item in live_versions(ContentKind.MODULE, ContentKind.QUIZ):
        title = pick(item.data["meta"]["title"], locale, fallbacks)
        if item.kind == ContentKind.MODULE:
            cited = [(key, c) for key, cs in module_citations(item.data).items() for c in cs]
        else:
            cited = [(question["id"], c) for question in item.data["questions"] for c in question.get("cites", [])]
            cited += [(f"{question['id']} / {part['part']}", c) for question in item.data["questions"]
                      for part in question.get("parts", []) for c in part.get("cites", [])]
        for place, citation in cited:
            if citation in places:
                places[citation].append(CitingPlace(item.kind, item.content_id, title, place))
    return places


@dataclass(frozen=True)
class SupersededEdition:
    """An edition a newer one has superseded, and the places of the live content that still cite it."""

    citation: str
    provision: Text
    edition: str
    current: str
    current_in_force: date
    places: list[CitingPlace]


def superseded_editions(catalogue: Catalogue, locale: str) -> list[SupersededEdition]:
    superseded = superseded_citations(catalogue.provisions)
    places = citing_places(catalogue, set(superseded), locale)
    editions = []
    for citation in superseded:
        provision, edition = edition_of(catalogue.provisions, citation)
        current = provision["editions"][-1]
        editions.append(SupersededEdition(
            citation=citation, provision=pick(provision["title"], locale, catalogue.fallbacks(locale)),
            edition=edition["id"], current=current["id"], current_in_force=date.fromisoformat(current["in_force"]),
            places=places[citation]))
    return editions


@dataclass(frozen=True)
class OutdatedCertificate:
    certificate: Certificate
    citations: list[str]


def certificates_on_superseded_law(catalogue: Catalogue,
                                   velayats: frozenset[Velayat] | None) -> list[OutdatedCertificate]:
    """Valid certificates whose track's content cited, when issued, an edition that has since been superseded.
    A listing for coordinators: nothing is revoked by it."""
    superseded = superseded_citations(catalogue.provisions)
    if not superseded:
        return []
    query = (select(Certificate, CertificateLegalBasis.citation)
             .join(CertificateLegalBasis, CertificateLegalBasis.certificate_id == Certificate.id)
             .where(CertificateLegalBasis.citation.in_(superseded), Certificate.revoked_at.is_(None)))
    if velayats is not None:
        query = query.join(Cohort, Cohort.id == Certificate.cohort_id).where(Cohort.velayat.in_(sorted(velayats)))
    found: dict[int, OutdatedCertificate] = {}
    for certificate, citation in db.session.execute(query.order_by(Certificate.issued_at, Certificate.id)):
        found.setdefault(certificate.id, OutdatedCertificate(certificate, [])).citations.append(citation)
    return list(found.values())


def track_citations(catalogue: Catalogue, track_id: str) -> list[str]:
    """Every edition the live content of a track cites: its modules, their quizzes, the tests it requires."""
    track = catalogue.track(track_id)
    if track is None:
        return []
    modules = set(track["modules"])
    quiz_ids = {track.get("final"), catalogue.course.get("pre_test"), catalogue.course.get("post_test"),
                *track["completion"].get("pass_quizzes", [])}
    cited: list[str] = []
    for item in live_versions(ContentKind.MODULE, ContentKind.QUIZ):
        in_track = (item.content_id in modules if item.kind == ContentKind.MODULE
                    else item.content_id in quiz_ids or item.data["meta"].get("module") in modules)
        if in_track:
            cited += citations_of(item.kind, item.data)
    return list(dict.fromkeys(cited))


#: Stands for the legal sign-off among the languages in version_review's one query.
_SIGNED_OFF = "*"


def version_review(kind: ContentKind, content_id: str, content_hash: str) -> VersionReview:
    """The reviews of this exact version, legal and translation: one query when a review has been added since
    this process last asked (course.content.state), none otherwise."""
    return from_reviews((kind, content_id, content_hash), content_state().reviews,
                        lambda: _version_review(kind, content_id, content_hash))


def _version_review(kind: ContentKind, content_id: str, content_hash: str) -> VersionReview:
    snapshot = (select(ContentSnapshot.id).where(ContentSnapshot.kind == kind, ContentSnapshot.content_id == content_id,
                                                 ContentSnapshot.content_hash == content_hash).scalar_subquery())
    signed = select(literal(_SIGNED_OFF)).where(ContentReview.snapshot_id == snapshot,
                                                ContentReview.decision == ReviewDecision.SIGNED_OFF)
    translated = select(TranslationReview.language).where(TranslationReview.snapshot_id == snapshot)
    found = set(db.session.scalars(union_all(signed, translated)))
    return VersionReview(_SIGNED_OFF in found, frozenset(found - {_SIGNED_OFF}))
