"""The registry of question types, keyed by the ``type:`` string used in quiz files."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the types import this module to register themselves
    from course.quiz.types.base import QuestionType

T = TypeVar("T", bound="type[QuestionType]")


class UnknownQuestionType(KeyError):
    """A quiz names a question type that no class implements."""


class QuestionTypeRegistry:
    """Maps type names to classes and refuses empty or duplicate names.

    All checks run before anything is stored, so a failed registration leaves
    the registry as it was.
    """

    def __init__(self) -> None:
        self._types: dict[str, type[QuestionType]] = {}

    def register(self, cls: T) -> T:
        name = getattr(cls, "type_name", "")
        if not name:
            raise ValueError(f"{cls.__name__} has no type_name")
        if name in self._types and self._types[name] is not cls:
            raise ValueError(f"question type '{name}' is already registered by {self._types[name].__name__}")
        self._types[name] = cls
        return cls

    def get(self, name: str) -> type[QuestionType]:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownQuestionType(name) from None

    def names(self) -> list[str]:
        return sorted(self._types)

    def __contains__(self, name: object) -> bool:
        return name in self._types


question_types = QuestionTypeRegistry()


def load_question_types() -> QuestionTypeRegistry:
    """Import every type module (which registers it) and return the registry."""
    import course.quiz.types  # noqa: F401, PLC0415  (import registers the types)

    return question_types
