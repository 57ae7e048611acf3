"""Question types. Importing this package registers every type, in a fixed order."""

from course.quiz.types import choice  # noqa: F401  (registers on import)
