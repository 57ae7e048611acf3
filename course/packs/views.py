"""Trainers' packs of a cohort: one per session day or per module of its track, as PDF or DOCX.

Downloads are reads: nothing is recorded, so they are plain links. The pack is in the cohort's language, as the
room is taught in it, whatever the trainer's own interface language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from course.cohorts.blueprint import managed_cohort
from course.downloads import private_download
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.attendance import SessionDay
from course.models.cohort import Cohort
from course.packs.assemble import PackScope, assemble
from course.packs.docx import render_pack_docx
from course.packs.pdf import render_pack
from course.permissions import Permission, require
from course.web import live_catalogue

bp = Blueprint("packs", __name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class PackChoice:
    """A pack the trainer may download: its label, and the arguments of its address."""

    label: str
    kind: str
    key: str


def cohort_days(cohort_id: int) -> list[SessionDay]:
    return list(db.session.scalars(select(SessionDay).where(SessionDay.cohort_id == cohort_id)
                                   .order_by(SessionDay.day)))


def _track_modules(catalogue: Catalogue, cohort: Cohort) -> list[str]:
    return [m for m in (catalogue.track(cohort.track_id) or {"modules": []})["modules"] if m in catalogue.modules]


def _day_title(day: SessionDay, modules: list[str], titles: dict[str, str]) -> str:
    """"3 March 2027: Definitions": the day's topic, else the titles of the modules it covers."""
    return f"{format_date(day.day, 'long')}: {day.topic or ', '.join(titles[m] for m in modules if m in titles)}"


def pack_choices(catalogue: Catalogue, cohort: Cohort, locale: str) -> list[PackChoice]:
    """Each session day that covers a module, then each module of the track."""
    titles = catalogue.module_titles(locale)
    choices = [PackChoice(_day_title(day, day.modules, titles), "day", str(day.id))
               for day in cohort_days(cohort.id) if day.modules]
    choices += [PackChoice(titles[module_id], "module", module_id) for module_id in _track_modules(catalogue, cohort)]
    return choices


def _scope(catalogue: Catalogue, cohort: Cohort, kind: str, key: str) -> PackScope:
    track_modules = _track_modules(catalogue, cohort)
    days = cohort_days(cohort.id)
    titles = catalogue.module_titles(cohort.language)
    if kind == "day":
        day = next((d for d in days if str(d.id) == key), None)
        if day is None:
            abort(404)
        modules = [m for m in track_modules if m in day.modules]
        return PackScope(_day_title(day, modules, titles), tuple(modules), (day,))
    if key not in track_modules:
        abort(404)
    return PackScope(titles[key], (key,), tuple(d for d in days if key in d.modules) or tuple(days))


@bp.route("/cohorts/<int:cohort_id>/pack/<any(day, module):kind>/<key>.<any(pdf, docx):fmt>")
@require(Permission.MANAGE_COHORTS)
def download(cohort_id: int, kind: str, key: str, fmt: str):
    cohort = managed_cohort(cohort_id)
    catalogue = live_catalogue()
    with force_locale(cohort.language):
        pack = assemble(catalogue, cohort, _scope(catalogue, cohort, kind, key), cohort.language)
        if fmt == "pdf":
            body, mimetype = render_pack(pack, _("page {page} of {pages}")), "application/pdf"
        else:
            body, mimetype = render_pack_docx(pack, _("page {page}")), DOCX_TYPE
    return private_download(body, f"pack-{cohort.id}-{kind}-{key}.{fmt}", mimetype)
