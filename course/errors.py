"""Error pages that tell the user what happened and what to do."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from course.extensions import db
from course.inputs import UnreadableInput
from course.observability import request_id

_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is no such page, or it is not open to you.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is too large. Upload a smaller file.")),
    429: (_l("Too many requests"), _l("Too many requests from your network in a short time. Wait a few minutes "
                                       "and try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Try again in a moment.")),
    503: (_l("Not available yet"), _l("The course content has not been loaded. Ask an administrator to run "
                                       "'course sync'.")),
}


def _render(code: int, title=None, message=None):
    default_title, default_message = _MESSAGES.get(code, _MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title or default_title,
                           message=message or default_message, request_id=request_id()), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        return _render(400, _l("The form has expired"),
                       _l("For your security the form could not be accepted. Reload the page and try again."))

    @app.errorhandler(UnreadableInput)
    def unreadable_input(exc: UnreadableInput):
        return _render(400, message=exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # Unhandled exceptions arrive here as a 500 (Flask logs them first); the
        # request's unit of work must not leak into the error page's queries.
        if (exc.code or 500) >= 500:
            db.session.rollback()
        return _render(exc.code or 500)
