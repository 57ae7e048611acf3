"""Canonical JSON snapshots of content, and their hashes.

A snapshot holds everything a page needs, Markdown already rendered to safe
HTML, so serving a module never parses Markdown again. The hash covers the
whole snapshot: a changed text or a changed renderer both make a new version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from course.content.loader import ContentBundle, ModuleContent, QuizContent
from course.content.markdown import RENDERER_VERSION, render_markdown
from course.models.content import ContentKind


@dataclass(frozen=True)
class Snapshot:
    kind: ContentKind
    content_id: str
    position: int
    data: dict[str, Any]
    content_hash: str


def canonical_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the data as canonical JSON (sorted keys, no spaces, UTF-8)."""
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _snapshot(kind: ContentKind, content_id: str, position: int, data: dict[str, Any]) -> Snapshot:
    return Snapshot(kind, content_id, position, data, canonical_hash(data))


def module_data(module: ModuleContent, default_language: str) -> dict[str, Any]:
    """The module's metadata plus its sections, each with a title and HTML per language."""
    reference = module.sections[default_language]
    sections = []
    for index, section in enumerate(reference):
        sections.append({
            "key": section.key,
            "title": {code: texts[index].title for code, texts in module.sections.items()},
            "html": {code: render_markdown(texts[index].body) for code, texts in module.sections.items()},
        })
    return {
        "renderer": RENDERER_VERSION,
        "meta": module.meta.model_dump(mode="json"),
        "sections": sections,
        "trainer_notes_html": {code: render_markdown(text) for code, text in module.trainer_notes.items()},
    }


def quiz_data(quiz: QuizContent) -> dict[str, Any]:
    return {
        "meta": quiz.meta.model_dump(mode="json", exclude={"questions"}),
        "questions": [question.model_dump(mode="json") for question in quiz.questions],
    }


def course_data(bundle: ContentBundle) -> dict[str, Any]:
    """The course file, with its rubric, evaluation form, follow-up questionnaire and glossary (None where it has
    none)."""
    def dump(model) -> dict[str, Any] | None:
        return model.model_dump(mode="json", by_alias=True) if model else None

    return {**bundle.course.model_dump(mode="json"), "rubric": dump(bundle.rubric),
            "evaluation": dump(bundle.evaluation), "follow_up": dump(bundle.follow_up),
            "glossary": dump(bundle.glossary)}


def provisions_data(bundle: ContentBundle) -> dict[str, Any]:
    """The provisions and their editions; an empty list for a course that cites none."""
    provisions = bundle.provisions.provisions if bundle.provisions else []
    return {"provisions": [provision.model_dump(mode="json") for provision in provisions]}


def build_snapshots(bundle: ContentBundle) -> list[Snapshot]:
    """Every item of the bundle as a snapshot, in a stable order."""
    default = bundle.course.default_language
    snapshots = [
        _snapshot(ContentKind.COURSE, bundle.course.id, 0, course_data(bundle)),
        _snapshot(ContentKind.SOURCES, "sources", 0, bundle.sources.model_dump(mode="json")),
        _snapshot(ContentKind.PROVISIONS, "provisions", 0, provisions_data(bundle)),
    ]
    snapshots += [
        _snapshot(ContentKind.MODULE, module_id, position, module_data(module, default))
        for position, (module_id, module) in enumerate(bundle.modules.items())
    ]
    snapshots += [
        _snapshot(ContentKind.QUIZ, quiz_id, position, quiz_data(quiz))
        for position, (quiz_id, quiz) in enumerate(sorted(bundle.quizzes.items()))
    ]
    return snapshots
