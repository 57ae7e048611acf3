"""Quizzes: question types, their registry, grading and attempts."""
