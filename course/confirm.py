"""Destructive actions ask first, on a page that says what will be lost and what stays.

A view that removes or ends something calls ``confirmation`` before acting: the first POST (from a button on
a list) gets a page describing the consequences, with the same form re-posted and ``confirmed=yes``; only that
second POST acts. It works without JavaScript, and a script or a double click cannot skip it. The endpoints
that ask are listed in ``DESTRUCTIVE`` so a test can check every one of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, request
from werkzeug.wrappers import Response

#: Every endpoint that asks before it acts (a test posts to each without confirming and expects no change).
DESTRUCTIVE = {
    "attendance.delete_day",
    "cohorts.remove_learner",
    "cohorts.status",
    "certificates.change",
    "devices.revoke",
    "admin.active",
    "admin.anonymise_person",
}


def confirmation(title: str, *, lost: Sequence[str], kept: Sequence[str] = (), undo: str | None = None,
                 button: str, cancel_url: str) -> Response | str | None:
    """None when the person has confirmed; otherwise the page that asks them to."""
    if request.form.get("confirmed") == "yes":
        return None
    fields = [(name, value) for name, values in request.form.lists() if name not in ("csrf_token", "confirmed")
              for value in values]
    return render_template("confirm.html", title=title, lost=lost, kept=kept, undo=undo, button=button,
                           cancel_url=cancel_url, action=request.path, fields=fields)
