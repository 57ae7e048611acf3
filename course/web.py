"""Small helpers every blueprint's views share."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from course.cascade.promotion import promote_if_automatic
from course.extensions import db
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


def promote_after_progress(catalogue: Catalogue | None) -> None:
    """After a learner's progress is committed: a track with automatic promotion makes them a trainer at once."""
    if catalogue is not None and promote_if_automatic(current_user.id, catalogue):
        db.session.commit()
        flash(_("You have completed the trainer track: you are now a trainer."), "success")
