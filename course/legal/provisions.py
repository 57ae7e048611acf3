"""Provision editions as the live content cites them, and the notices readers see because of them.

What a learner is told about a legal text's status (an unofficial translation, the course's own
rendering, a superseded edition) is computed here from the edition that the section or question
cites, never copied into the text: a notice cannot be forgotten, and it goes away by itself once the
content cites an official edition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from course.content.localize import Text, pick


def split_citation(citation: str) -> tuple[str, str]:
    """``'tm-cc-129-1@2010'`` → ``('tm-cc-129-1', '2010')``."""
    provision_id, _sep, edition_id = citation.partition("@")
    return provision_id, edition_id


def edition_of(provisions: dict[str, dict[str, Any]], citation: str) -> tuple[dict, dict] | None:
    provision_id, edition_id = split_citation(citation)
    provision = provisions.get(provision_id)
    if provision is None:
        return None
    edition = next((e for e in provision["editions"] if e["id"] == edition_id), None)
    return (provision, edition) if edition else None


def is_superseded(provisions: dict[str, dict[str, Any]], citation: str) -> bool:
    """True when a newer edition of the cited provision exists (editions are listed oldest first)."""
    found = edition_of(provisions, citation)
    return bool(found) and found[1] is not found[0]["editions"][-1]


def superseded_among(provisions: dict[str, dict[str, Any]], citations: Iterable[str]) -> list[str]:
    """Those of ``citations`` that a newer edition has superseded, each once."""
    return [citation for citation in dict.fromkeys(citations) if is_superseded(provisions, citation)]


def shows_draft_notice(signed_off: bool, provisions: dict[str, dict[str, Any]], citations: Iterable[str]) -> bool:
    """The one rule for the 'not yet reviewed' notice of a module or quiz version: it goes once a legal
    reviewer has signed off that version, and comes back when law it cites is superseded."""
    return not signed_off or bool(superseded_among(provisions, citations))


def superseded_citations(provisions: dict[str, dict[str, Any]]) -> list[str]:
    """Every ``provision@edition`` that a newer edition has superseded."""
    return [f"{provision['id']}@{edition['id']}"
            for provision in provisions.values() for edition in provision["editions"][:-1]]


@dataclass(frozen=True)
class EditionNotice:
    """What a reader is told about one cited edition."""

    citation: str
    message: str
    caveat: Text | None
    superseded: bool


def _status_message(status: str, title: str, edition: str) -> str | None:
    if status == "unofficial_translation":
        return _("%(provision)s is quoted and applied here from an unofficial translation of its %(edition)s "
                 "edition, not from the official text.", provision=title, edition=edition)
    if status == "course_translation":
        return _("%(provision)s is quoted here in the course's own translation of its %(edition)s edition, "
                 "not in the official wording.", provision=title, edition=edition)
    return None


def notices_for(provisions: dict[str, dict[str, Any]], citations: Iterable[str], locale: str,
                fallbacks: Sequence[str]) -> list[EditionNotice]:
    """One notice per cited edition that readers must be told about, in the order first cited."""
    notices = []
    for citation in dict.fromkeys(citations):
        found = edition_of(provisions, citation)
        if found is None:
            continue
        provision, edition = found
        title = pick(provision["title"], locale, fallbacks).value
        current = provision["editions"][-1]
        parts = []
        if edition is not current:
            parts.append(_("A newer edition of %(provision)s, in force since %(date)s, has been added: this "
                           "page still applies the %(edition)s edition and is marked for legal review.",
                           provision=title, date=format_date(date.fromisoformat(current["in_force"])),
                           edition=edition["id"]))
        if status := _status_message(edition["status"], title, edition["id"]):
            parts.append(status)
        if not parts:
            continue
        caveat = pick(edition["caveat"], locale, fallbacks) if edition.get("caveat") else None
        notices.append(EditionNotice(citation, " ".join(parts), caveat, edition is not current))
    return notices


def module_citations(module_data: dict[str, Any]) -> dict[str, list[str]]:
    """The editions each section of a module version cites, by section key."""
    return module_data["meta"].get("section_cites", {})


def question_citations(question: dict[str, Any]) -> list[str]:
    """A question's own citations and those of its case parts, as stored in a quiz snapshot."""
    cited = list(question.get("cites", []))
    for part in question.get("parts", []):
        cited += part.get("cites", [])
    return list(dict.fromkeys(cited))
