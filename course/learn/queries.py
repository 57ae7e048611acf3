"""Reads for the learner's pages: what there is to read, and how far the learner got.

Each page costs a fixed handful of queries whatever the size of the course:
the live content in one, the learner's enrolments in one, progress in one.
Everything else is computed here and handed to the templates as plain values.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from course.caching import RecentlyUsed, app_cache, once_per_request
from course.content.localize import Text, fallback_chain, fallen_back_to, pick
from course.content.repository import LiveVersion, versions_at
from course.content.state import content_state
from course.extensions import db
from course.formatting import plural_count
from course.learn.status import PageStatus, Subject, page_status
from course.legal.provisions import EditionNotice, module_citations, notices_for, shows_draft_notice
from course.models.content import ContentKind
from course.models.enrolment import Enrolment
from course.models.progress import SectionRead
from course.models.user import User
from course.permissions import Permission, can, visible_tracks
from course.review.version import VersionReview


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])

    @property
    def glyph(self) -> str:
        """A mark for dense grids; the label goes beside it for screen readers."""
        return {"complete": "●", "in_progress": "◐"}.get(self.value, "·")


_STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.COMPLETE: _l("Complete"),
}
_RESUME_LABELS = {
    Status.NOT_STARTED: _l("Start reading"),
    Status.IN_PROGRESS: _l("Continue reading"),
    Status.COMPLETE: _l("Read again"),
}


@dataclass(frozen=True)
class LiveModule:
    id: str
    content_hash: str
    data: dict[str, Any]

    @property
    def section_keys(self) -> list[str]:
        return [section["key"] for section in self.data["sections"]]


@dataclass(frozen=True)
class Catalogue:
    """The live course, its modules and its sources."""

    course: dict[str, Any]
    modules: dict[str, LiveModule]
    sources: dict[str, dict[str, Any]]
    #: Quiz settings (title, kind, module...) by id; questions stay in the quiz snapshots.
    quizzes: dict[str, dict[str, Any]]
    #: The provisions of law the content cites, by id, each with its editions (oldest first).
    provisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Which versions of the content these are (a digest of their hashes): pages computed from one catalogue
    #: may be kept while it stays live.
    fingerprint: str = ""

    @property
    def default_language(self) -> str:
        return self.course["default_language"]

    def fallbacks(self, locale: str) -> tuple[str, ...]:
        """The languages a text missing in ``locale`` is shown in instead, in order (course.yaml's
        ``fallback_languages``), always ending with the default language."""
        return fallback_chain(self.course.get("fallback_languages") or {}, locale, self.default_language)

    def track_titles(self, locale: str) -> dict[str, str]:
        """Every track's title in ``locale`` (or the first fallback that has one), by id."""
        return {track["id"]: pick(track["title"], locale, self.fallbacks(locale)).value
                for track in self.course["tracks"]}

    def module_titles(self, locale: str) -> dict[str, str]:
        """Every module's title in ``locale`` (or the first fallback that has one), by id, in course order."""
        return {module_id: pick(module.data["meta"]["title"], locale, self.fallbacks(locale)).value
                for module_id, module in self.modules.items()}

    def track(self, track_id: str) -> dict[str, Any] | None:
        return next((track for track in self.course["tracks"] if track["id"] == track_id), None)

    def quiz_belongs_to(self, quiz_id: str, track_ids: list[str]) -> bool:
        """Is the quiz part of one of these tracks: the course's pre/post-test, a track final, a module quiz?"""
        if not track_ids or quiz_id not in self.quizzes:
            return False
        if quiz_id in (self.course.get("pre_test"), self.course.get("post_test")):
            return True
        module_id = self.quizzes[quiz_id].get("module")
        return any(
            self.track(track_id).get("final") == quiz_id or module_id in self.track(track_id)["modules"]
            for track_id in track_ids
        )


def load_catalogue() -> Catalogue | None:
    """The live content; None before the first ``course sync``. Read once per request (a page, its permission
    checks and its chrome all ask for it), in one query."""
    return once_per_request("catalogue", _read_catalogue)


#: The catalogue built from one set of live versions: every request asks which versions are live (one light
#: query, course.content.state), and while the answer is the same the catalogue built from it last time is the
#: same too. Two entries: the live set and, for a moment after a sync, the one before it.
_BUILT = RecentlyUsed(size=2)


def _read_catalogue() -> Catalogue | None:
    pointers = content_state().pointers
    fingerprint = hashlib.sha256("".join(
        f"{pointer.kind}:{pointer.content_id}:{pointer.content_hash};" for pointer in pointers).encode()).hexdigest()
    # Built from the very pointers the fingerprint was made of: read again, they could be a sync later.
    return _BUILT.get_or_make(fingerprint, lambda: _build_catalogue(versions_at(pointers), fingerprint))


def _build_catalogue(items: list[LiveVersion], fingerprint: str) -> Catalogue | None:
    course = None
    modules: dict[str, LiveModule] = {}
    sources: dict[str, dict[str, Any]] = {}
    quizzes: dict[str, dict[str, Any]] = {}
    provisions: dict[str, dict[str, Any]] = {}
    for item in items:
        if item.kind == ContentKind.COURSE:
            course = item.data
        elif item.kind == ContentKind.MODULE:
            modules[item.content_id] = LiveModule(item.content_id, item.content_hash, item.data)
        elif item.kind == ContentKind.QUIZ:
            quizzes[item.content_id] = item.data["meta"]
        elif item.kind == ContentKind.PROVISIONS:
            provisions = {provision["id"]: provision for provision in item.data["provisions"]}
        else:
            sources = {source["id"]: source for source in item.data["sources"]}
    if course is None:
        return None
    return Catalogue(course=course, modules=modules, sources=sources, quizzes=quizzes, provisions=provisions,
                     fingerprint=fingerprint)


#: Asked on every page a learner reads, so built once (building a statement cost more than running it).
_SECTIONS_READ = select(SectionRead.module_id, SectionRead.section_id).where(SectionRead.user_id == bindparam("user"))
_ENROLLED_TRACKS = (select(Enrolment.track_id)
                    .where(Enrolment.user_id == bindparam("user"), Enrolment.course_id == bindparam("course"))
                    .order_by(Enrolment.enrolled_at))


def sections_read(user_id: int) -> dict[str, set[str]]:
    """Section keys the user has read, by module id (one query)."""
    read: dict[str, set[str]] = {}
    for module_id, section_id in db.session.execute(_SECTIONS_READ, {"user": user_id}):
        read.setdefault(module_id, set()).add(section_id)
    return read


def enrolled_track_ids(user_id: int, course_id: str) -> list[str]:
    return list(db.session.scalars(_ENROLLED_TRACKS, {"user": user_id, "course": course_id}))


def readable_track_ids(user: User, catalogue: Catalogue) -> list[str]:
    """Tracks the user may open, as course.permissions decides."""
    all_tracks = [track["id"] for track in catalogue.course["tracks"]]
    return visible_tracks(user, all_tracks, set(enrolled_track_ids(user.id, catalogue.course["id"])))


def may_read_module(user: User, catalogue: Catalogue, module_id: str) -> bool:
    return any(
        module_id in catalogue.track(track_id)["modules"] for track_id in readable_track_ids(user, catalogue)
    )


def module_status(module: LiveModule, read: set[str]) -> tuple[Status, int, int]:
    """Status, sections read and sections in the live version of ``module``."""
    keys = module.section_keys
    done = sum(1 for key in keys if key in read)
    if done == 0:
        return Status.NOT_STARTED, 0, len(keys)
    return (Status.COMPLETE if done == len(keys) else Status.IN_PROGRESS), done, len(keys)


# -- view models -------------------------------------------------------------


@dataclass(frozen=True)
class TrackCard:
    id: str
    title: Text
    description: Text | None
    modules_complete: int
    modules_total: int
    percent: int
    contact_hours: float
    url: str

    @property
    def contact_hours_label(self) -> str:
        return contact_hours_label(self.contact_hours)

    @property
    def modules_label(self) -> str:
        return modules_label(self.modules_total)

    @property
    def progress_label(self) -> str:
        return ngettext(
            "%(done)d of %(num)d module complete (%(percent)d%%)",
            "%(done)d of %(num)d modules complete (%(percent)d%%)",
            self.modules_total, done=self.modules_complete, percent=self.percent,
        )


@dataclass(frozen=True)
class ModuleRow:
    id: str
    title: Text
    summary: Text
    minutes: int
    status: Status
    sections_read: int
    sections_total: int
    url: str

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def sections_label(self) -> str:
        return ngettext("%(read)d of %(num)d section read", "%(read)d of %(num)d sections read",
                        self.sections_total, read=self.sections_read)


@dataclass(frozen=True)
class ArchivedCopyLink:
    url: str
    note: Text | None


@dataclass(frozen=True)
class SourceEntry:
    id: str
    citation: Text
    #: The publisher's own page; copies on other hosts are only ever archived_copies.
    url: str | None
    #: A legal reviewer checked it, in the app, at the link it has today.
    verified: bool
    note: Text | None
    archived_copies: tuple[ArchivedCopyLink, ...] = ()
    #: False for a repeat on the same page, so the page has one anchor per source.
    anchor: bool = True


@dataclass(frozen=True)
class QuizLink:
    id: str
    title: Text
    url: str


@dataclass(frozen=True)
class SectionLink:
    key: str
    number: int
    title: Text
    read: bool
    url: str


@dataclass(frozen=True)
class ModulePage:
    id: str
    title: Text
    summary: Text
    objectives: list[Text]
    key_points: list[Text]
    minutes: int
    legal_basis_as_of: date | None
    #: Not signed off by a legal reviewer in this version (or citing law that has since changed).
    draft: bool
    draft_translation: bool
    #: What readers must be told about the legal texts the module's sections cite.
    legal_notices: list[EditionNotice]
    status: Status
    sections: list[SectionLink]
    sources: tuple[SourceEntry, ...]
    quizzes: list[QuizLink]
    has_trainer_notes: bool
    #: The one banner about the page's own texts.
    notice: PageStatus
    resume_url: str

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def resume_label(self) -> str:
        return str(_RESUME_LABELS[self.status])


@dataclass(frozen=True)
class SectionPage:
    module: ModulePage
    section: SectionLink
    #: The section's sanitised HTML, in the language it is shown in.
    body: Text
    previous: SectionLink | None
    next: SectionLink | None
    is_last: bool
    #: What readers must be told about the legal texts this section cites.
    legal_notices: list[EditionNotice]
    #: The one banner about this section's own texts.
    notice: PageStatus


def modules_label(count: int) -> str:
    """'7 modules' ('7 модулей', '2 модуля', '1 модуль'): the plural forms come from the catalogue."""
    return ngettext("%(num)d module", "%(num)d modules", count)


def contact_hours_label(hours: float) -> str:
    """'16 contact hours', with the number and plural of the reader's language."""
    return ngettext("%(hours)s contact hour", "%(hours)s contact hours", plural_count(hours),
                    hours=format_decimal(hours))


def source_entries(catalogue: Catalogue, source_ids: list[str], locale: str,
                   verified: frozenset[str]) -> tuple[SourceEntry, ...]:
    """``verified``: the sources a reviewer has verified (course.review.queries.verified_sources). A tuple: a
    reference list is rendered once and kept by what it holds (course.fragments)."""
    fallbacks = catalogue.fallbacks(locale)
    return tuple(
        SourceEntry(
            id=source_id,
            citation=pick(source["citation"], locale, fallbacks),
            url=source.get("url"),
            verified=source_id in verified,
            note=pick(source["note"], locale, fallbacks) if source.get("note") else None,
            archived_copies=tuple(
                ArchivedCopyLink(copy["url"], pick(copy["note"], locale, fallbacks) if copy.get("note") else None)
                for copy in source.get("archived_copies", [])),
        )
        for source_id in source_ids
        if (source := catalogue.sources.get(source_id))
    )


@dataclass(frozen=True)
class SourceGroup:
    title: Text | None  # None: sources cited only by quizzes
    sources: tuple[SourceEntry, ...]


def source_groups(catalogue: Catalogue, locale: str, verified: frozenset[str]) -> tuple[SourceGroup, ...]:
    """The course's bibliography, grouped the way readers meet it: module by module."""
    fallbacks = catalogue.fallbacks(locale)
    groups, listed = [], set()
    for module in catalogue.modules.values():
        meta = module.data["meta"]
        entries = tuple(entry if entry.id not in listed else replace(entry, anchor=False)
                        for entry in source_entries(catalogue, meta["sources"], locale, verified))
        groups.append(SourceGroup(pick(meta["title"], locale, fallbacks), entries))
        listed.update(meta["sources"])
    rest = [source_id for source_id in catalogue.sources if source_id not in listed]
    if rest:
        groups.append(SourceGroup(None, source_entries(catalogue, rest, locale, verified)))
    return tuple(group for group in groups if group.sources)


def quiz_links(catalogue: Catalogue, quiz_ids: list[str], locale: str) -> list[QuizLink]:
    return [
        QuizLink(quiz_id, pick(catalogue.quizzes[quiz_id]["title"], locale, catalogue.fallbacks(locale)),
                 url_for("quiz.overview", quiz_id=quiz_id))
        for quiz_id in quiz_ids
        if quiz_id in catalogue.quizzes
    ]


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def track_cards(user: User, catalogue: Catalogue, locale: str) -> list[TrackCard]:
    """The home page: one card per readable track with the learner's progress."""
    read = sections_read(user.id)
    fallbacks = catalogue.fallbacks(locale)
    cards = []
    for track_id in readable_track_ids(user, catalogue):
        track = catalogue.track(track_id)
        modules = [catalogue.modules[m] for m in track["modules"] if m in catalogue.modules]
        complete = sum(1 for m in modules if module_status(m, read.get(m.id, set()))[0] is Status.COMPLETE)
        cards.append(TrackCard(
            id=track_id,
            title=pick(track["title"], locale, fallbacks),
            description=pick(track["description"], locale, fallbacks) if track.get("description") else None,
            modules_complete=complete,
            modules_total=len(modules),
            percent=_percent(complete, len(modules)),
            contact_hours=track["contact_hours"],
            url=url_for("learn.track", track_id=track_id),
        ))
    return cards


def track_modules(user: User, catalogue: Catalogue, track: dict[str, Any], locale: str) -> list[ModuleRow]:
    read = sections_read(user.id)
    fallbacks = catalogue.fallbacks(locale)
    rows = []
    for module_id in track["modules"]:
        module = catalogue.modules.get(module_id)
        if module is None:
            continue
        status, done, total = module_status(module, read.get(module_id, set()))
        meta = module.data["meta"]
        rows.append(ModuleRow(
            id=module_id,
            title=pick(meta["title"], locale, fallbacks),
            summary=pick(meta["summary"], locale, fallbacks),
            minutes=meta["minutes"],
            status=status,
            sections_read=done,
            sections_total=total,
            url=url_for("learn.module", module_id=module_id),
        ))
    return rows


#: Module pages as every reader sees them in a language, before the reader's own progress is added.
MODULE_PAGES_KEPT = 64


def module_page(user: User, catalogue: Catalogue, module: LiveModule, locale: str, *, review: VersionReview,
                verified: frozenset[str]) -> ModulePage:
    """``review``: what the legal and translation reviewers said of this version; ``verified``: the sources a
    reviewer verified. The page is built once for every reader of this version in this language (its texts,
    notices, sources and quizzes); only the reader's progress and rights are added here."""
    page = app_cache("course.module_pages", MODULE_PAGES_KEPT).get_or_make(
        (catalogue.fingerprint, module.id, locale, review, verified),
        lambda: _module_page_for_everyone(catalogue, module, locale, review, verified))
    read = sections_read(user.id).get(module.id, set())
    status, _done, _total = module_status(module, read)
    sections = [replace(section, read=True) if section.key in read else section for section in page.sections]
    return replace(page, status=status, sections=sections,
                   has_trainer_notes=page.has_trainer_notes and can(user, Permission.READ_TRAINER_NOTES),
                   resume_url=next((s for s in sections if not s.read), sections[0]).url)


def _module_page_for_everyone(catalogue: Catalogue, module: LiveModule, locale: str, review: VersionReview,
                              verified: frozenset[str]) -> ModulePage:
    """The module page of a reader who has read nothing and may read the trainer notes."""
    fallbacks = catalogue.fallbacks(locale)
    meta = module.data["meta"]
    cited = [citation for citations in module_citations(module.data).values() for citation in citations]
    sections = [
        SectionLink(
            key=section["key"],
            number=number,
            title=pick(section["title"], locale, fallbacks),
            read=False,
            url=url_for("learn.section", module_id=module.id, section_key=section["key"]),
        )
        for number, section in enumerate(module.data["sections"], start=1)
    ]
    sources = source_entries(catalogue, meta["sources"], locale, verified)
    # A quiz belongs to a module when the module lists it or the quiz names the module.
    attached = [qid for qid, quiz in catalogue.quizzes.items() if quiz.get("module") == module.id]
    quizzes = quiz_links(catalogue, list(dict.fromkeys([*meta["quizzes"], *attached])), locale)
    title = pick(meta["title"], locale, fallbacks)
    summary = pick(meta["summary"], locale, fallbacks)
    objectives = [pick(text, locale, fallbacks) for text in meta["objectives"]]
    key_points = [pick(text, locale, fallbacks) for text in meta["key_points"]]
    bodies = [pick(section["html"], locale, fallbacks) for section in module.data["sections"]]
    draft = shows_draft_notice(review.signed_off, catalogue.provisions, cited)
    draft_translation = (review.draft_translation(locale, meta["draft_languages"])
                         and any(not body.fallback for body in bodies))
    return ModulePage(
        id=module.id,
        title=title,
        summary=summary,
        objectives=objectives,
        key_points=key_points,
        minutes=meta["minutes"],
        legal_basis_as_of=date.fromisoformat(meta["legal_basis_as_of"]) if meta.get("legal_basis_as_of") else None,
        draft=draft,
        draft_translation=draft_translation,
        legal_notices=notices_for(catalogue.provisions, cited, locale, fallbacks),
        status=Status.NOT_STARTED,
        sections=sections,
        sources=sources,
        quizzes=quizzes,
        has_trainer_notes=bool(module.data["trainer_notes_html"]),
        notice=page_status(
            Subject.MODULE, draft_translation_in=locale if draft_translation else None, not_reviewed=draft,
            fallback_languages=fallen_back_to([title, summary, *objectives, *key_points,
                                               *(s.title for s in sections), *bodies])),
        resume_url=sections[0].url,
    )


def section_page(page: ModulePage, catalogue: Catalogue, module: LiveModule, section_key: str,
                 locale: str) -> SectionPage | None:
    index = next((i for i, s in enumerate(page.sections) if s.key == section_key), None)
    if index is None:
        return None
    fallbacks = catalogue.fallbacks(locale)
    html = pick(module.data["sections"][index]["html"], locale, fallbacks)
    return SectionPage(
        module=page,
        section=page.sections[index],
        body=html,
        previous=page.sections[index - 1] if index > 0 else None,
        next=page.sections[index + 1] if index + 1 < len(page.sections) else None,
        is_last=index + 1 == len(page.sections),
        legal_notices=notices_for(catalogue.provisions, module_citations(module.data).get(section_key, []), locale,
                                  fallbacks),
        notice=page_status(
            Subject.MODULE, draft_translation_in=locale if page.draft_translation and not html.fallback else None,
            fallback_languages=fallen_back_to([page.sections[index].title, html]), not_reviewed=page.draft),
    )
