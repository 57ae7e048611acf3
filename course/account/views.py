"""The signed-in person's own settings: interface language and profile."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.account.forms import ProfileForm
from course.account.services import update_profile
from course.auth.redirects import safe_next
from course.auth.services import AccountError
from course.extensions import db
from course.i18n import SESSION_KEY
from course.permissions import Permission, require

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


@bp.route("/account/profile", methods=["GET", "POST"])
@require(Permission.READ_COURSE)
def profile():
    """Learners keep their own agency, position, gender and velayat right: the reports count them by these."""
    user = current_user._get_current_object()
    form = ProfileForm()
    if request.method == "GET":
        form.fill(user)
    if form.validate_on_submit():
        try:
            update_profile(user, **form.profile(), actor_id=user.id)
        except AccountError as problem:
            form.email.errors.append(str(problem))
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form)
