"""Choosing the interface language."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from course.auth.redirects import safe_next
from course.extensions import db
from course.i18n import SESSION_KEY

bp = Blueprint("account", __name__)


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the language: on the account when signed in, else in the session."""
    code = request.form.get("language", "")
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session[SESSION_KEY] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("learn.home"))
