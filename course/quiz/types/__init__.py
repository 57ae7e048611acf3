"""Question types. Importing this package registers every type, in a fixed order."""

from course.quiz.types import case_qualification, choice, matching, ordering, text  # noqa: F401  (registers)
