"""Course content: read from modules/ and quizzes/, validate, render, version."""
