"""What every question type has in common."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from course.content.schema import ContentModel, LocalizedText, Slug


class QuestionSpec(ContentModel):
    """Fields every question has, whatever its type."""

    id: Slug
    type: str
    prompt: LocalizedText
    points: float = Field(default=1, gt=0, le=100)
    explanation: LocalizedText
    citations: list[Slug] = Field(min_length=1)
    tags: list[Slug] = Field(default_factory=list)


class QuestionType:
    """One kind of question: how its file entry is validated (and, later, graded).

    Subclasses set ``type_name`` (the ``type:`` in quiz files) and ``spec_model``.
    """

    type_name: ClassVar[str] = ""
    spec_model: ClassVar[type[QuestionSpec]] = QuestionSpec
