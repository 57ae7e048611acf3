"""What every question type has in common: the file format, the response contract, grading.

A question type is a class with class methods only; it holds no state. Its
grader is a pure function of (definition, response): it never sees the
request or the database, so every type is unit- and property-tested alone.

Responses travel in one canonical JSON shape per type (a choice id, a list of
ids, a mapping...). ``clean`` turns anything a browser or a client might send
into that shape or raises ``InvalidResponse``; ``grade`` only ever receives a
cleaned response, or ``None`` for an unanswered question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import Field
from werkzeug.datastructures import MultiDict

from course.content.schema import ContentModel, LocalizedText, ProvisionCitation, Slug


class QuestionSpec(ContentModel):
    """Fields every question has, whatever its type."""

    id: Slug
    type: str
    prompt: LocalizedText
    points: float = Field(default=1, gt=0, le=100)
    explanation: LocalizedText
    citations: list[Slug] = Field(min_length=1)
    #: The provision editions the question quotes or applies (``tm-cc-129-1@2010``).
    cites: list[ProvisionCitation] = Field(default_factory=list)
    tags: list[Slug] = Field(default_factory=list)
    #: The module a question of a course-wide test (pre-test, post-test) belongs to, for gain by module.
    module: Slug | None = None


#: Points are floats; a part split into sevenths must still count as fully right.
POINTS_TOLERANCE = 1e-6


def full_marks(earned: float, possible: float) -> bool:
    """True when ``earned`` is all of ``possible``, up to rounding."""
    return earned >= possible - POINTS_TOLERANCE


class InvalidResponse(ValueError):
    """A response that does not fit the question; the message says what is wrong."""


@dataclass(frozen=True)
class PartResult:
    """The grade of one part of a question (most questions have one part)."""

    key: str
    earned: float
    possible: float
    feedback: dict[str, str] | None = None
    citations: tuple[str, ...] = ()

    @property
    def correct(self) -> bool:
        return full_marks(self.earned, self.possible)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "earned": self.earned, "possible": self.possible,
                "feedback": self.feedback, "citations": list(self.citations)}


@dataclass(frozen=True)
class Grade:
    earned: float
    possible: float
    parts: tuple[PartResult, ...] = field(default_factory=tuple)

    @classmethod
    def of_parts(cls, parts: list[PartResult]) -> Grade:
        return cls(earned=round(sum(p.earned for p in parts), 6), possible=round(sum(p.possible for p in parts), 6),
                   parts=tuple(parts))

    @classmethod
    def single(cls, spec: QuestionSpec, fraction: float, feedback: dict[str, str] | None = None) -> Grade:
        """A one-part grade earning ``fraction`` (clamped to 0..1) of the question's points."""
        fraction = min(1.0, max(0.0, fraction))
        part = PartResult("answer", round(spec.points * fraction, 6), spec.points, feedback, tuple(spec.citations))
        return cls.of_parts([part])


def field_name(spec: QuestionSpec, *suffix: str) -> str:
    """Form field names: ``q-<question id>`` and ``q-<question id>-<part>``."""
    return "-".join(("q", spec.id, *suffix))


class QuestionType:
    """One kind of question. Subclasses set ``type_name`` and ``spec_model`` and implement the methods."""

    type_name: ClassVar[str] = ""
    spec_model: ClassVar[type[QuestionSpec]] = QuestionSpec
    #: Template under templates/quiz/questions/ that renders the question for answering.
    template: ClassVar[str] = ""

    @classmethod
    def clean(cls, spec: QuestionSpec, raw: Any) -> Any:
        """The canonical response for ``raw``; ``None`` means unanswered.

        :raises InvalidResponse: when ``raw`` cannot be an answer to this question.
        """
        raise NotImplementedError

    @classmethod
    def from_form(cls, spec: QuestionSpec, form: MultiDict) -> Any:
        """The raw response found in submitted form fields (then passed to ``clean``)."""
        raise NotImplementedError

    @classmethod
    def grade(cls, spec: QuestionSpec, response: Any) -> Grade:
        """Earned and possible points with feedback per part; pure and deterministic."""
        raise NotImplementedError

    @classmethod
    def key_view(cls, spec: QuestionSpec) -> Any:
        """The correct answer in the canonical response shape (for review, after submission only)."""
        raise NotImplementedError

    @classmethod
    def wrong_options(cls, spec: QuestionSpec, response: Any) -> list[str]:
        """Ids of the wrong options this response chose (for item statistics); none by default."""
        return []


def choice_order(ids: list[str], order: list[str] | None) -> list[str]:
    """``ids`` in the stored shuffled ``order`` when it is a permutation of them, else as authored."""
    if order and sorted(order) == sorted(ids):
        return list(order)
    return list(ids)


def as_id_list(raw: Any, allowed: set[str], what: str) -> list[str]:
    """A list of distinct known ids, sorted, from a list or a single string."""
    if raw is None or raw == "" or raw == []:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)) or not all(isinstance(item, str) for item in raw):
        raise InvalidResponse(_l("Choose from the options given."))
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise InvalidResponse(_l("Choose from the options given."))
    return sorted(set(raw))


def as_mapping(raw: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping) or not all(isinstance(key, str) for key in raw):
        raise InvalidResponse(_l("This answer could not be read. Answer the question again."))
    return raw


def selection_fraction(chosen: set[str], correct: set[str]) -> float:
    """Each right choice earns, each wrong one costs, never below 0.

    When nothing is right (a case with no means, say), choosing nothing earns
    everything and any choice earns nothing.
    """
    if not correct:
        return 0.0 if chosen else 1.0
    hits = len(chosen & correct)
    misses = len(chosen - correct)
    return max(0.0, (hits - misses) / len(correct))


# Re-exported for the type modules.
__all__ = [
    "ContentModel", "Grade", "InvalidResponse", "LocalizedText", "PartResult", "QuestionSpec", "QuestionType",
    "Slug", "as_id_list", "as_mapping", "choice_order", "field_name", "full_marks", "selection_fraction",
]
