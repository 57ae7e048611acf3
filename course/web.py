"""Small helpers every blueprint's views share."""

from __future__ import annotations

from collections.abc import Collection

from flask import abort, flash
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from course.cascade.promotion import promote_if_automatic
from course.certificates.services import issue_if_automatic
from course.certificates.validity import renew_if_refreshed
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


def after_progress(catalogue: Catalogue | None, user_ids: Collection[int] | None = None) -> None:
    """After progress is committed: what completing a track brings at once, as the track says.

    A certificate the track gives automatically, and the trainer role where the track promotes automatically.
    Progress is the current learner's own (``user_ids`` None: a section read, a quiz passed) or a trainer's
    doing for several learners (attendance marked, teaching practice assessed): either can complete a track.
    """
    if catalogue is None:
        return
    own = user_ids is None
    ids = [current_user.id] if own else list(user_ids)
    certificates = issue_if_automatic(ids, catalogue)
    promotions = promote_if_automatic(ids, catalogue)
    renewals = renew_if_refreshed(ids, catalogue)
    if not certificates and not promotions and not renewals:
        return
    db.session.commit()
    if own:
        if certificates:
            flash(_("You have completed the track. Your certificate is ready under My certificates."), "success")
        for renewed in renewals:
            flash(_("Your certificate %(serial)s is renewed: valid until %(day)s.", serial=renewed.serial,
                    day=format_date(renewed.valid_until, "long")), "success")
        if promotions:
            flash(_("You have completed the trainer track: you are now a trainer."), "success")
        return
    if certificates:
        flash(ngettext("%(num)d learner has completed the track: the certificate is issued.",
                       "%(num)d learners have completed the track: their certificates are issued.",
                       len(certificates)), "success")
    if promotions:
        flash(ngettext("%(num)d learner has completed the trainer track and is now a trainer.",
                       "%(num)d learners have completed the trainer track and are now trainers.",
                       len(promotions)), "success")
