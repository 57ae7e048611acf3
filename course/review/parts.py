"""The parts of a content version a reviewer reads and comments on, as plain text that diffs well.

A module's parts are its sections (one per key, every language), its details (title, objectives,
key points, sources, cited editions) and its trainer notes; a quiz's parts are its questions (by id)
and its settings. Text is taken from the snapshot, so an old version reads exactly as it was.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from course.models.content import ContentKind

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|tr|pre|div)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")

DETAILS_KEY = "_details"
NOTES_KEY = "_trainer-notes"
SETTINGS_KEY = "_settings"


@dataclass(frozen=True)
class Part:
    key: str
    #: A section title or a question id, for the reviewer's eye.
    label: str
    text: str


def html_to_text(fragment: str) -> str:
    """Rendered Markdown back to readable lines: one per paragraph, heading or list item."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", fragment))
    return "\n".join(line.strip() for line in html.unescape(text).splitlines() if line.strip())


def _per_language(texts: dict[str, str], transform=lambda text: text) -> str:
    return "\n".join(f"[{code}] {line}" for code in sorted(texts) for line in transform(texts[code]).splitlines())


def _dump(value: Any) -> str:
    import yaml  # noqa: PLC0415  (only the reviewers' pages show YAML: not worth every process's start)

    return yaml.safe_dump(value, allow_unicode=True, sort_keys=True, width=100).rstrip()


def module_parts(data: dict[str, Any]) -> list[Part]:
    meta = data["meta"]
    details = {key: meta.get(key) for key in ("title", "summary", "objectives", "key_points", "sources",
                                              "section_cites", "draft_languages", "quizzes")}
    parts = [Part(DETAILS_KEY, "Module details", _dump(details))]
    for section in data["sections"]:
        title = section["title"].get("en") or next(iter(section["title"].values()), section["key"])
        body = _per_language(section["title"]) + "\n" + _per_language(section["html"], html_to_text)
        parts.append(Part(section["key"], title, body))
    if data.get("trainer_notes_html"):
        parts.append(Part(NOTES_KEY, "Trainer notes", _per_language(data["trainer_notes_html"], html_to_text)))
    return parts


def quiz_parts(data: dict[str, Any]) -> list[Part]:
    parts = [Part(SETTINGS_KEY, "Quiz settings", _dump(data["meta"]))]
    for question in data["questions"]:
        # The options a case question copies from the vocabulary are long and read elsewhere: leave them out.
        shown = {**question, "parts": [{k: v for k, v in part.items() if k != "options"}
                                       for part in question.get("parts", [])]} if question.get("parts") else question
        parts.append(Part(question["id"], question["id"], _dump(shown)))
    return parts


def parts_of(kind: ContentKind, data: dict[str, Any]) -> list[Part]:
    return module_parts(data) if kind == ContentKind.MODULE else quiz_parts(data)
