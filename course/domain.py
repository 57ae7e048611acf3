"""The base of errors a user can act on."""

from __future__ import annotations


class DomainError(ValueError):
    """A request that cannot be carried out; the message, already translated, says why.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
