"""The course's terminology list, and the check that every translated text keeps to it.

``modules/terminology.yaml`` gives each key term in every language, with the source of the rendering
(for Turkmen, first of all the official Turkmen text of the 2016 Law). A term may also list renderings a
translator must not use, such as Turkish words that a machine or a Turkish-trained translator produces;
any text in that language that uses one is a content problem with its file and line, so a translation
cannot quietly drift from the law's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from course.content.schema import ContentModel, Slug
from course.content.yaml_source import LineMap, Loc

TERMINOLOGY_FILE = "terminology.yaml"


class ForbiddenRendering(ContentModel):
    #: The beginning of a word (or words), matched at a word boundary, ignoring case.
    text: str = Field(min_length=2)
    why: str = Field(min_length=1)


class Term(ContentModel):
    id: Slug
    en: str
    ru: str
    tk: str
    #: Key of ``sources`` the renderings come from.
    source: Slug
    note: str | None = None
    forbidden_tk: list[ForbiddenRendering] = Field(default_factory=list)


class TerminologyFile(ContentModel):
    """``modules/terminology.yaml``."""

    schema_version: Literal[1]
    terms: list[Term] = Field(min_length=1)
    sources: dict[Slug, str]

    @model_validator(mode="after")
    def _sources_known(self) -> TerminologyFile:
        for term in self.terms:
            if term.source not in self.sources:
                raise PydanticCustomError("unknown_term_source", "term '{term}' names source '{source}', which "
                                          "is not under sources", {"term": term.id, "source": term.source})
        return self

    def forbidden(self, language: str) -> list[tuple[re.Pattern[str], Term, ForbiddenRendering]]:
        """The renderings no text in ``language`` may use, as patterns anchored at the start of a word."""
        if language != "tk":
            return []
        return [(re.compile(r"(?<!\w)" + re.escape(rendering.text), re.IGNORECASE), term, rendering)
                for term in self.terms for rendering in term.forbidden_tk]


@dataclass(frozen=True)
class Misuse:
    line: int | None
    field: Loc
    message: str


def _texts_in(node: Any, language: str, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every ``language:`` string of a YAML document, with its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == language and isinstance(value, str):
                yield (*loc, key), value
            else:
                yield from _texts_in(value, language, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts_in(value, language, (*loc, index))


def _misuses(rules: list[tuple[re.Pattern[str], Term, ForbiddenRendering]], text: str) -> Iterator[str]:
    """A message for each forbidden rendering ``text`` uses."""
    for pattern, term, rendering in rules:
        if match := pattern.search(text):
            yield (f"uses '{match.group(0)}', a rendering the terminology list forbids for '{term.en}' "
                   f"({rendering.why}); the course's term is '{term.tk}' "
                   f"(modules/{TERMINOLOGY_FILE}, term '{term.id}')")


def misuses_in_yaml(terminology: TerminologyFile, data: Any, lines: LineMap, language: str) -> list[Misuse]:
    rules = terminology.forbidden(language)
    return [Misuse(lines.line_for(loc), loc, message)
            for loc, text in _texts_in(data, language) for message in _misuses(rules, text)]


def misuses_in_text(terminology: TerminologyFile, text: str, language: str) -> list[Misuse]:
    rules = terminology.forbidden(language)
    return [Misuse(number, (), message)
            for number, line in enumerate(text.splitlines(), start=1) for message in _misuses(rules, line)]


def text_language(path: Path, languages: tuple[str, ...] | list[str]) -> str | None:
    """The language of a Markdown text file: ``tk.md`` and ``trainer-notes.tk.md`` are Turkmen."""
    code = path.name.removesuffix(".md").rsplit(".", 1)[-1]
    return code if code in languages else None
