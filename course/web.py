"""Small helpers every blueprint's views share."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from course.cascade.promotion import promote_if_automatic
from course.certificates.services import issue_if_automatic
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


def after_progress(catalogue: Catalogue | None) -> None:
    """After a learner's progress is committed: what completing a track brings at once, as the track says.

    A certificate the track gives automatically, and the trainer role where the track promotes automatically.
    """
    if catalogue is None:
        return
    if issue_if_automatic(current_user.id, catalogue):
        db.session.commit()
        flash(_("You have completed the track. Your certificate is ready under My certificates."), "success")
    if promote_if_automatic(current_user.id, catalogue):
        db.session.commit()
        flash(_("You have completed the trainer track: you are now a trainer."), "success")
