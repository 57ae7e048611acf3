"""The glossary page: the course's key legal terms in the reader's language, in that language's alphabetical order."""

from __future__ import annotations

from dataclasses import dataclass

from course.content.localize import Text, pick
from course.learn.queries import Catalogue, SourceEntry, source_entries

#: Alphabets whose order differs from the order of their letters in Unicode. Turkmen puts ç after b,
#: ä after e, ž after j, ň after n, ö after o, ş after s, ü after u, ý after y.
ALPHABETS = {"tk": "abçdeäfghijžklmnňoöprsştuüwyýz", "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"}


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    term: Text
    definition: Text
    sources: tuple[SourceEntry, ...]


@dataclass(frozen=True)
class GlossaryPage:
    entries: list[GlossaryEntry]
    #: The glossary's texts in this language are a draft translation.
    draft: bool


def sort_key(text: str, locale: str) -> tuple[int, ...]:
    """A key that orders words as the language's alphabet does; other characters after its letters."""
    alphabet = ALPHABETS.get(locale)
    folded = text.casefold()
    if alphabet is None:
        return tuple(ord(char) for char in folded)
    return tuple(alphabet.index(char) if char in alphabet else len(alphabet) + ord(char) for char in folded)


def glossary_page(catalogue: Catalogue, locale: str, verified: frozenset[str]) -> GlossaryPage | None:
    """The glossary in ``locale``, or None when the course has none; ``verified``: the verified sources."""
    data = catalogue.course.get("glossary")
    if not data:
        return None
    fallbacks = catalogue.fallbacks(locale)
    entries = [GlossaryEntry(term["id"], pick(term["term"], locale, fallbacks),
                             pick(term["definition"], locale, fallbacks),
                             source_entries(catalogue, term.get("sources", []), locale, verified))
               for term in data["terms"]]
    entries.sort(key=lambda entry: sort_key(entry.term.value, entry.term.lang))
    return GlossaryPage(entries, draft=locale in data.get("draft_languages", []))
