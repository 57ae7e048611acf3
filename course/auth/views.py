"""Sign-in, sign-out and changing one's password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user, user_loaded_from_cookie

from course.auth import sessions
from course.auth.forms import ChangePasswordForm, LoginForm
from course.auth.known_device import known_usernames, remember_device
from course.auth.redirects import safe_next
from course.auth.services import AccountError, authenticate, change_own_password
from course.branding import branding
from course.chrome import home_endpoint
from course.extensions import db, login_manager
from course.models.user import User

bp = Blueprint("auth", __name__)

#: Endpoints a user who must change their password can still reach.
_OPEN_WHILE_PASSWORD_CHANGE_DUE = {"auth.change_password", "auth.logout", "auth.sign_out_everywhere",
                                   "account.set_language", "static"}

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
# "strong": a session cookie replayed from another address or browser is dropped.
login_manager.session_protection = "strong"


@user_loaded_from_cookie.connect
def _bind_restored_session(_app, user: User) -> None:
    """A session restored from "keep me signed in" is bound to this browser like one opened by signing in;
    without it, strong session protection ends the restored session on its second request."""
    session["_id"] = login_manager._session_identifier_generator()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Only a session that is still open signs a request in (``course.auth.sessions``)."""
    return sessions.load(session_id)


@bp.before_app_request
def require_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _OPEN_WHILE_PASSWORD_CHANGE_DUE
    ):
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        result = authenticate(form.username.data, form.password.data, request.remote_addr or "unknown",
                              known_usernames=known_usernames())
        db.session.commit()  # the attempt is recorded whatever the outcome
        if result.refusal:
            flash(ngettext("Too many failed sign-in attempts. Wait %(num)d minute and try again.",
                           "Too many failed sign-in attempts. Wait %(num)d minutes and try again.",
                           result.refusal.minutes_left), "error")
        elif result.user is None:
            flash(_("Wrong username or password."), "error")
        else:
            sessions.sign_in(result.user, remember=form.remember.data)
            db.session.commit()
            if result.user.must_change_password:
                flash(_("Welcome. Please choose your own password before you continue."), "info")
                target = url_for("auth.change_password", next=safe_next(form.next.data))
            else:
                target = safe_next(form.next.data) or url_for(home_endpoint(result.user))
            return remember_device(redirect(target), result.user.username)
    return render_template("auth/login.html", form=form, branding=branding())


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sessions.end_session(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # the real User, not the request-local proxy
        try:
            change_own_password(user, form.current_password.data, form.new_password.data)
        except AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "new_password").errors.append(str(exc))
        else:
            db.session.commit()
            # The session token changed; sign in again under the new one.
            login_user(user, fresh=True)
            flash(_("Your password has been changed."), "success")
            return redirect(safe_next(request.args.get("next")) or url_for(home_endpoint(user)))
    return render_template("auth/change_password.html", form=form, forced=current_user.must_change_password,
                           sessions=sessions.open_sessions(current_user._get_current_object()))


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def sign_out_everywhere():
    """A phone lost, a shared computer left signed in: every session of the account ends, this one too."""
    sessions.end_every_session(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are signed out on every device. Sign in again here."), "info")
    return redirect(url_for("auth.login"))
