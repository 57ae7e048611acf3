"""How a ``course`` command ends when it is refused: the message in red, exit status 1, nothing written."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from course.domain import DomainError
from course.extensions import db


def fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@contextmanager
def refusals_fail() -> Iterator[None]:
    """A refused request (DomainError) rolls back, prints its message and exits 1."""
    try:
        yield
    except DomainError as exc:
        db.session.rollback()
        fail(str(exc))
