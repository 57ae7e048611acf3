"""What every import format reads into, and the checks they share.

A parser turns a file into ``Parsed`` questions: the question as the course's quiz files write it (texts as
``{language: text}``), with the line it starts on, and notes on what the course could not carry. Ids of choices,
items and options are made from their position (``a``, ``b``...), as no exchange format names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from course.questions.texts import slug

#: Choice, item and option ids by position: a quiz shows at most twelve choices and sixteen options.
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class SourceProblem:
    """A problem of the file being imported, where it is: ``line`` in a text file, or ``sheet!row``."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Parsed:
    """One question read from a file."""

    line: int
    name: str
    data: dict[str, Any]
    #: What the file said that the course's question cannot hold (a partial weight, an image...).
    notes: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    path: str
    questions: list[Parsed] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    #: Questions of a kind the course has no type for (an essay, a drag-and-drop): left out and said so, as a bank
    #: exported from another system has them and the rest is worth importing.
    left_out: list[SourceProblem] = field(default_factory=list)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(SourceProblem(f"{self.path}:{line}", message))

    def leave_out(self, line: int, message: str) -> None:
        self.left_out.append(SourceProblem(f"{self.path}:{line}", message))

    def category(self, line: int, name: str) -> None:
        """A category of the question bank: the course has none, so what follows joins the one quiz (said)."""
        self.leave_out(line, f"category '{name.strip()}': not carried; its questions join this quiz")


def number_text(value: float) -> str:
    """A number as a question file writes it: every digit a float holds, no exponent for everyday values."""
    return format(value, ".15g")


def letter_id(index: int, prefix: str = "") -> str:
    return f"{prefix}{LETTERS[index]}" if index < len(LETTERS) else f"{prefix}{index + 1}"


def unique_ids(questions: list[Parsed]) -> None:
    """Give every question an id from its name (``q3`` when it has none), unique within the file."""
    seen: set[str] = set()
    for number, question in enumerate(questions, start=1):
        base = slug(question.data.get("id") or question.name, f"q{number}")
        made, suffix = base, 2
        while made in seen:
            made, suffix = f"{base}-{suffix}", suffix + 1
        seen.add(made)
        question.data["id"] = made


def _is_texts(value: Any) -> bool:
    return isinstance(value, dict) and value and all(isinstance(k, str) and len(k) == 2 for k in value) \
        and all(isinstance(v, str) for v in value.values())


def _union(first: list[str], second: list[str]) -> list[str]:
    """A short answer's accepted answers are in any language: the translation adds its own."""
    return list(dict.fromkeys([*first, *second]))


def merge_translation(base: Any, other: Any, where: str) -> Any:
    """``base`` with the texts of ``other`` (the same questions in another language) added; the two must have the
    same shape, answer for answer.

    :raises ValueError: they differ, with what differs.
    """
    if _is_texts(base) and _is_texts(other):
        return {**base, **other}
    if isinstance(base, dict) and isinstance(other, dict):
        if base.get("type") != other.get("type"):
            raise ValueError(f"{where}: a {other.get('type')} question where the first file has a {base.get('type')}")
        return {key: (_union(value, other[key]) if key == "accepted" else
                      merge_translation(value, other[key], f"{where}, {key}")) if key in other else value
                for key, value in base.items()}
    if isinstance(base, list) and isinstance(other, list):
        if len(base) != len(other):
            raise ValueError(f"{where}: {len(other)} entries where the first file has {len(base)}")
        return [merge_translation(a, b, f"{where} {index + 1}") for index, (a, b) in enumerate(zip(base, other,
                                                                                                   strict=True))]
    return base
