"""The list of people for coordinators."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from course.cohorts.forms import AGENCY_LABELS, VELAYAT_LABELS
from course.pagination import paginate_query
from course.people.queries import PER_PAGE, people_query, person_rows
from course.permissions import Permission, require, velayat_scope
from course.search import MAX_LENGTH

bp = Blueprint("people", __name__)


@bp.route("/people")
@require(Permission.VIEW_REPORTS)
def index():
    text = request.args.get("q", "")[:MAX_LENGTH]
    page = paginate_query(people_query(text, velayat_scope(current_user)), per_page=PER_PAGE)
    return render_template("people/index.html", page=page, people=person_rows(list(page.items)), q=text,
                           agencies=AGENCY_LABELS, velayats=VELAYAT_LABELS)
