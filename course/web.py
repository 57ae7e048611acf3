"""Small helpers every blueprint's views share."""

from __future__ import annotations

from flask import abort
from flask_babel import get_locale

from course.learn.queries import Catalogue, load_catalogue


def current_locale() -> str:
    """The language of this request, as a plain code ('ru')."""
    return str(get_locale())


def live_catalogue() -> Catalogue:
    """The live course, or 503 (with a page that says to run 'course sync') before any content is loaded."""
    catalogue = load_catalogue()
    if catalogue is None:
        abort(503)
    return catalogue
