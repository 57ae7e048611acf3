"""Quizzes a trainer builds for their cohort from the signed-off questions of the question bank."""
