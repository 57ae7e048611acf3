"""Paper quizzes of a cohort: print the answer sheets, find a sheet, key it in.

Only the cohort's trainers (and coordinators who may manage it) reach these pages. A sheet's QR code opens its
key-in page (``/paper/<number>``) on the trainer's phone; typing the number on the cohort's paper page does the
same where a camera cannot read the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from course.cohorts.blueprint import managed_cohort
from course.content.localize import pick
from course.downloads import private_download
from course.extensions import db
from course.models.cohort import Cohort, CohortStatus
from course.models.paper_sheet import PaperSheet
from course.models.trainer_quiz import TrainerQuiz
from course.models.user import User
from course.packs.views import pack_choices
from course.paper import scan
from course.paper.keying import (
    KeyedSheet,
    MarksRefused,
    SheetRefused,
    check_sheet,
    correct,
    key_in,
    keyed_already,
    keyed_responses,
    sheet_of_cohort,
)
from course.paper.layout import sheet_definition, sheet_questions, with_no_mark
from course.paper.pdf import render_sheets
from course.paper.printing import printed_sheets
from course.paper.queries import cohort_sheets, sheet_numbered
from course.paper.sheets import PrintRefused, paper_quizzes, print_sheets
from course.permissions import Permission, require
from course.quiz.presenters import as_entered
from course.web import after_progress, current_locale, live_catalogue

bp = Blueprint("paper", __name__)


def _quiz_titles(cohort: Cohort, locale: str) -> dict[str, str]:
    """Every quiz a sheet of the cohort may name, by id: the course's and the cohort's trainers'."""
    catalogue = live_catalogue()
    fallbacks = catalogue.fallbacks(locale)
    titles = {quiz_id: pick(meta["title"], locale, fallbacks).value for quiz_id, meta in catalogue.quizzes.items()}
    titles.update(db.session.execute(select(TrainerQuiz.quiz_id, TrainerQuiz.title)
                                     .where(TrainerQuiz.cohort_id == cohort.id)).tuples().all())
    return titles


@bp.route("/cohorts/<int:cohort_id>/paper")
@require(Permission.MANAGE_COHORTS)
def index(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    locale = current_locale()
    catalogue = live_catalogue()
    return render_template("paper/index.html", cohort=cohort, quizzes=paper_quizzes(catalogue, cohort, locale),
                           sheets=cohort_sheets(cohort.id, _quiz_titles(cohort, locale)),
                           packs=pack_choices(catalogue, cohort, locale), scans=scan.available())


@bp.route("/cohorts/<int:cohort_id>/paper/print", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def print_run(cohort_id: int):
    """The PDF of the sheets, one per learner who may still attempt the quiz; the sheets are recorded first."""
    cohort = managed_cohort(cohort_id)
    catalogue = live_catalogue()
    quiz_id = request.form.get("quiz_id", "")
    try:
        run = print_sheets(catalogue, cohort, quiz_id, current_user._get_current_object())
    except PrintRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("paper.index", cohort_id=cohort.id))
    if not run.sheets:
        db.session.rollback()
        flash(_("No sheet to print: no learner of the cohort may attempt this quiz any more."), "error")
        return redirect(url_for("paper.index", cohort_id=cohort.id))
    rendered = render_sheets(printed_sheets(run, cohort, catalogue))
    for sheet, _learner in run.sheets:  # a scan is read against the layout last printed
        sheet.print_layout = asdict(rendered.positions[sheet.printed_number])
    db.session.commit()
    if run.skipped:  # shown on the next page the trainer opens: the download itself cannot say it
        flash(_("No sheet was printed for %(names)s: every attempt the quiz allows is used.",
                names=", ".join(row.display_name for row in run.skipped)), "info")
    return private_download(rendered.body, f"sheets-{cohort.id}-{quiz_id}.pdf", "application/pdf")


@bp.route("/paper/<number>/correct", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def correct_sheet(number: str):
    """What was keyed in from a sheet, corrected from the paper: its attempt graded again."""
    return _record(number, correct, _("Sheet %(number)s corrected: %(name)s now has %(score)s%%."))


@bp.route("/cohorts/<int:cohort_id>/paper/find")
@require(Permission.MANAGE_COHORTS)
def find(cohort_id: int):
    """A sheet by its typed number: its key-in page, or why not."""
    cohort = managed_cohort(cohort_id)
    try:
        sheet = sheet_of_cohort(cohort, request.args.get("number", ""))
    except SheetRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("paper.index", cohort_id=cohort.id))
    return redirect(url_for("paper.sheet", number=sheet.number))


def _managed_sheet(number: str) -> tuple[PaperSheet, Cohort]:
    """The sheet if the user may manage its cohort; 404 otherwise (its existence is not confirmed)."""
    sheet = sheet_numbered(number)
    if sheet is None:
        abort(404)
    return sheet, managed_cohort(sheet.cohort_id)


def _sheet_page(sheet: PaperSheet, cohort: Cohort, *, entered: MultiDict | None = None,
                refused: dict[str, str] | None = None, checks: dict[str, str] | None = None, status: int = 200):
    """The key-in page; ``entered``: marks to show instead of blank boxes (sent and refused, or read from a scan),
    with why each question was ``refused`` or what to ``checks`` on the paper. A sheet keyed in already shows
    what was recorded, to be corrected."""
    catalogue, locale = live_catalogue(), current_locale()
    definition = sheet_definition(sheet)
    keyed = sheet.attempt_id is not None
    questions = sheet_questions(sheet, definition, locale, catalogue.fallbacks(locale),
                                keyed_responses(sheet) if keyed and entered is None else None)
    if entered is not None:
        refused, checks = refused or {}, checks or {}
        questions = [replace(as_entered(q, entered, refused.get(q.id)), check=checks.get(q.id)) for q in questions]
    questions = [with_no_mark(question) for question in questions]
    action = button = None
    try:
        if keyed:
            why_not = keyed_already(sheet)
            if cohort.status != CohortStatus.ARCHIVED:
                action, button = url_for("paper.correct_sheet", number=sheet.number), _("Correct the sheet")
        else:
            check_sheet(cohort, sheet)
            why_not = None
            action, button = url_for("paper.record", number=sheet.number), _("Record this sheet")
    except SheetRefused as exc:
        why_not = str(exc)
    return render_template(
        "paper/sheet.html", cohort=cohort, sheet=sheet, learner=db.session.get(User, sheet.user_id),
        title=pick(definition.settings.title, locale, catalogue.fallbacks(locale)), questions=questions,
        why_not=why_not, action=action, button=button, scanned=entered is not None and not refused), status


@bp.route("/paper/<number>")
@require(Permission.MANAGE_COHORTS)
def sheet(number: str):
    """The key-in page the sheet's QR code opens: the sheet's questions with the letters printed on it."""
    found, cohort = _managed_sheet(number)
    return _sheet_page(found, cohort)


@bp.route("/paper/<number>", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def record(number: str):
    return _record(number, key_in, _("Sheet %(number)s keyed in: %(name)s scored %(score)s%%."))


def _record(number: str, change: Callable[..., KeyedSheet], done: str):
    """Key in (or correct) the sheet with the posted marks; the sheet's page again, with why, when refused."""
    found, cohort = _managed_sheet(number)
    try:
        keyed = change(cohort, found, request.form, current_user._get_current_object())
    except MarksRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _sheet_page(found, cohort, entered=request.form, refused=exc.refused, status=422)
    except SheetRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _sheet_page(found, cohort, status=409)
    db.session.commit()
    after_progress(live_catalogue(), [keyed.learner.id])
    flash(done % {"number": found.printed_number, "name": keyed.learner.display_name,
                  "score": f"{keyed.attempt.score:g}"}, "success")
    return redirect(url_for("paper.index", cohort_id=cohort.id))


#: Scans taken in one upload: the pages of one sheet.
MAX_SCANS = 8


@bp.route("/cohorts/<int:cohort_id>/paper/scan", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def read_scan(cohort_id: int):
    """The pages of one scanned sheet, read into its key-in page for the trainer to confirm; nothing is recorded
    until they do."""
    cohort = managed_cohort(cohort_id)
    if not scan.available():
        abort(404)
    files = [f for f in request.files.getlist("scan") if f.filename][:MAX_SCANS + 1]
    try:
        if not files or len(files) > MAX_SCANS:
            raise scan.ScanRefused(_("Upload the scanned pages of one sheet: from 1 to %(num)d images.",
                                     num=MAX_SCANS))
        pages = [scan.read_page(f.read(), _print_layout) for f in files]
        if len({page.number for page in pages}) > 1:
            raise scan.ScanRefused(_("These pages belong to different sheets: upload one sheet at a time."))
        sheet = sheet_of_cohort(cohort, pages[0].number)
    except (scan.ScanRefused, SheetRefused) as exc:
        flash(str(exc), "error")
        return redirect(url_for("paper.index", cohort_id=cohort.id))
    return _scanned_page(sheet, cohort, pages)


def _print_layout(number: str) -> dict | None:
    """Where a sheet's boxes are; read for any sheet (only its cohort's trainers then get past sheet_of_cohort)."""
    sheet = sheet_numbered(number)
    return sheet.print_layout if sheet is not None else None


def _scanned_page(sheet: PaperSheet, cohort: Cohort, pages: list[scan.PageReading]):
    """The key-in page with the marks read; every question the trainer must look at on the paper says why."""
    catalogue, locale = live_catalogue(), current_locale()
    questions = sheet_questions(sheet, sheet_definition(sheet), locale, catalogue.fallbacks(locale))
    single = {f.name for q in questions for f in q.fields if f.kind == "radio"}
    reading = scan.read_sheet(pages, single)
    boxed = {box[4]: box[0] for box in sheet.print_layout["boxes"]}  # field: its page
    checks = {}
    for q in questions:
        names = [f.name for f in q.fields]
        if any(name not in boxed for name in names):
            checks[q.id] = _("Not read from the scan: key in what is written on the paper.")
        elif any(boxed[name] not in reading.pages for name in names):
            checks[q.id] = _("Its page was not among the scans: key it in from the paper.")
        elif any(name in reading.unsure for name in names):
            checks[q.id] = _("The scan is not clear here: check the marks on the paper.")
    entered = MultiDict([(name, value) for name, values in reading.values.items() for value in values])
    return _sheet_page(sheet, cohort, entered=entered, checks=checks)
