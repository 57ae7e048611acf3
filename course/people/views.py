"""The list of people for coordinators."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from course.admin.forms import ROLE_LABELS
from course.cohorts.forms import AGENCY_LABELS, VELAYAT_LABELS
from course.models.user import Role, Velayat
from course.pagination import paginate_query
from course.people.queries import PER_PAGE, people_query, person_rows
from course.permissions import Permission, can, require, velayat_scope
from course.search import MAX_LENGTH

bp = Blueprint("people", __name__)


@bp.route("/people")
@require(Permission.VIEW_REPORTS, Permission.MANAGE_USERS)
def index():
    """Coordinators find learners and trainers; administrators find any account, to open and change it."""
    text = request.args.get("q", "")[:MAX_LENGTH]
    role, velayat = _choice(Role, "role"), _choice(Velayat, "velayat")
    page = paginate_query(people_query(text, velayat_scope(current_user), role=role, velayat=velayat),
                          per_page=PER_PAGE)
    return render_template("people/index.html", page=page, people=person_rows(list(page.items)), q=text,
                           role=role, velayat=velayat, agencies=AGENCY_LABELS, velayats=VELAYAT_LABELS,
                           roles=ROLE_LABELS, administers=can(current_user, Permission.MANAGE_USERS))


def _choice(kind, name: str):
    """A filter's value from the query string: one of ``kind``'s, none when empty; anything else is a 400."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        abort(400)
