"""The one banner a page shows about its own texts.

A Turkmen reader could see three notices stacked above a module: a draft translation, texts shown in
another language, and content not yet legally reviewed. They are one banner now, each sentence saying
what exactly is a draft, and each fallback text is also marked where it stands (its ``lang`` and the
name of its language), so the banner need not repeat it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import gettext as _

from course.content.localize import Text
from course.i18n import language_name, language_names


class Subject(StrEnum):
    MODULE = "module"
    QUIZ = "quiz"
    GLOSSARY = "glossary"
    #: The evaluation form, the teaching-practice rubric.
    FORM = "form"
    PAGE = "page"


def _draft_translation(subject: Subject, language: str) -> str:
    name = language_name(language)
    if subject is Subject.MODULE:
        return _("The %(language)s text of this module is a draft translation: a native speaker has not yet "
                 "reviewed it.", language=name)
    if subject is Subject.QUIZ:
        return _("The %(language)s text of this quiz is a draft translation: a native speaker has not yet "
                 "reviewed it.", language=name)
    if subject is Subject.FORM:
        return _("The %(language)s text of this form is a draft translation: a native speaker has not yet "
                 "reviewed it.", language=name)
    return _("The %(language)s text of the glossary is a draft translation: a native speaker has not yet "
             "reviewed it.", language=name)


def _not_reviewed(subject: Subject) -> str:
    if subject is Subject.QUIZ:
        return _("This quiz is a draft: its legal content has not yet been reviewed by a national legal expert.")
    return _("This module is a draft: its legal content has not yet been reviewed by a national legal expert.")


@dataclass(frozen=True)
class PageStatus:
    """The sentences of the banner; each one is None when it does not apply."""

    draft_translation: str | None = None
    fallback: str | None = None
    not_reviewed: str | None = None

    @property
    def shown(self) -> bool:
        return any((self.draft_translation, self.fallback, self.not_reviewed))


def printed_notices(status: PageStatus, legal_notices: Sequence) -> tuple[str, ...]:
    """The banner's sentences and the legal texts' notices (``EditionNotice``) as plain sentences, for paper
    (answer sheets, trainers' packs), which must say what the screen says."""
    return (*(text for text in (status.not_reviewed, status.draft_translation, status.fallback) if text),
            *(f"{notice.message} {notice.caveat or ''}".strip() for notice in legal_notices))


def page_status(subject: Subject, *, draft_translation_in: str | None = None,
                fallback_languages: Sequence[str] = (), not_reviewed: bool = False) -> PageStatus:
    """``draft_translation_in``: the reader's language, when the page's own text in it is an unreviewed draft;
    ``fallback_languages``: the languages shown where the reader's is missing."""
    names = language_names(fallback_languages)
    return PageStatus(
        draft_translation=_draft_translation(subject, draft_translation_in) if draft_translation_in else None,
        fallback=_("Parts of this page are not yet available in your language and are shown in %(language)s, "
                   "marked with the name of their language.", language=names) if names else None,
        not_reviewed=_not_reviewed(subject) if not_reviewed and subject in (Subject.MODULE, Subject.QUIZ) else None,
    )


@dataclass(frozen=True)
class LocalizedForm:
    """What every form of the content (the evaluation, the follow-up) has: its id, title and introduction in the
    reader's language, and whether those are a draft translation or fell back to another language."""

    id: str
    title: Text
    intro: Text
    #: The reader's language when the form's text in it is a draft translation (the file's draft_languages).
    draft_translation_in: str | None = field(default=None, kw_only=True)
    fallback_languages: tuple[str, ...] = field(default=(), kw_only=True)

    @property
    def notice(self) -> PageStatus:
        return page_status(Subject.FORM, draft_translation_in=self.draft_translation_in,
                           fallback_languages=self.fallback_languages)
