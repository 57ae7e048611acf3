"""Home, track, module and section pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.content.localize import pick
from course.days import today as local_today
from course.extensions import db
from course.fragments import rendered
from course.learn import pace, queries
from course.learn.glossary import glossary_page
from course.learn.reviewed import reviewed_module_page
from course.learn.services import mark_section_read
from course.learn.status import Subject, page_status
from course.learn.todo import learner_todo
from course.permissions import Permission, require
from course.review.queries import verified_sources
from course.summary import refresh_learners
from course.web import after_progress, current_locale, live_catalogue

bp = Blueprint("learn", __name__)


def _readable_module(module_id: str) -> tuple[queries.Catalogue, queries.LiveModule]:
    """The live module if it exists and the user may read it; else 404 (not 403: do not confirm it exists)."""
    catalogue = live_catalogue()
    module = catalogue.modules.get(module_id)
    if module is None or not queries.may_read_module(current_user, catalogue, module_id):
        abort(404)
    return catalogue, module


@bp.route("/")
@require(Permission.READ_COURSE)
def home():
    catalogue = queries.load_catalogue()
    cards = queries.track_cards(current_user, catalogue, current_locale()) if catalogue else []
    status = page_status(Subject.PAGE, fallback_languages=queries.fallen_back_to(
        text for card in cards for text in (card.title, card.description)))
    todo = learner_todo(current_user, catalogue, local_today(), current_locale()) if catalogue else []
    return render_template("learn/home.html", cards=cards, content_missing=catalogue is None, status=status,
                           todo=todo)


@bp.route("/tracks/<track_id>")
@require(Permission.READ_COURSE)
def track(track_id: str):
    catalogue = live_catalogue()
    if track_id not in queries.readable_track_ids(current_user, catalogue):
        abort(404)
    track = catalogue.track(track_id)
    locale = current_locale()
    rows = queries.track_modules(current_user, catalogue, track, locale)
    title = pick(track["title"], locale, catalogue.fallbacks(locale))
    status = page_status(Subject.PAGE, fallback_languages=queries.fallen_back_to(
        [title, *(text for row in rows for text in (row.title, row.summary))]))
    course = catalogue.course
    return render_template(
        "learn/track.html", track_title=title, modules=rows,
        contact_hours_label=queries.contact_hours_label(track["contact_hours"]), status=status,
        before=queries.quiz_links(catalogue, [q for q in [course.get("pre_test")] if q], locale),
        after=queries.quiz_links(catalogue, [q for q in [track.get("final"), course.get("post_test")] if q], locale),
    )


@bp.route("/modules/<module_id>")
@require(Permission.READ_COURSE)
def module(module_id: str):
    catalogue, live = _readable_module(module_id)
    page = reviewed_module_page(catalogue, live, current_locale())
    return render_template("learn/module.html", page=page,
                           sources=rendered("learn/_sources.html", sources=page.sources))


@bp.route("/sources")
@require(Permission.READ_COURSE)
def sources():
    """Every source of the course, as each module's reference list, then those cited only by quizzes."""
    catalogue = live_catalogue()
    groups = queries.source_groups(catalogue, current_locale(), verified_sources(catalogue))
    return render_template("learn/sources.html", listing=rendered("learn/_source_groups.html", groups=groups))


@bp.route("/glossary")
@require(Permission.READ_COURSE)
def glossary():
    """The key legal terms of the course, in the reader's language."""
    catalogue = live_catalogue()
    locale = current_locale()
    page = glossary_page(catalogue, locale, verified_sources(catalogue))
    if page is None:
        abort(404)
    status = page_status(Subject.GLOSSARY, draft_translation_in=locale if page.draft else None,
                         fallback_languages=queries.fallen_back_to(
                             text for entry in page.entries for text in (entry.term, entry.definition)))
    return render_template("learn/glossary.html", page=page, status=status)


@bp.route("/modules/<module_id>/trainer-notes")
@require(Permission.READ_TRAINER_NOTES)
def trainer_notes(module_id: str):
    catalogue, live = _readable_module(module_id)
    locale = current_locale()
    page = reviewed_module_page(catalogue, live, locale)
    if not live.data["trainer_notes_html"]:
        abort(404)
    notes = queries.pick(live.data["trainer_notes_html"], locale, catalogue.fallbacks(locale))
    status = page_status(Subject.MODULE, fallback_languages=queries.fallen_back_to([notes]),
                         draft_translation_in=locale if page.draft_translation and not notes.fallback else None)
    return render_template("learn/trainer_notes.html", page=page, notes=notes, status=status)


@bp.route("/modules/<module_id>/<section_key>")
@require(Permission.READ_COURSE)
def section(module_id: str, section_key: str):
    catalogue, live = _readable_module(module_id)
    locale = current_locale()
    page = reviewed_module_page(catalogue, live, locale)
    view = queries.section_page(page, catalogue, live, section_key, locale)
    if view is None:
        abort(404)
    pace.section_opened(module_id, section_key)
    return render_template("learn/section.html", view=view)


@bp.route("/modules/<module_id>/<section_key>/done", methods=["POST"])
@require(Permission.READ_COURSE)
def section_done(module_id: str, section_key: str):
    """Record the section as read, then go on: the next section, or back to the module."""
    catalogue, live = _readable_module(module_id)
    if section_key not in live.section_keys:
        abort(404)
    if skim := pace.left_too_soon(current_user.id, catalogue, live, section_key, current_locale()):
        db.session.commit()
        flash(_("This section is not counted as read yet: it takes about %(needed)d seconds to read, and it has "
                "been open %(seconds)d. Read it through, then go on.", needed=skim.needed, seconds=skim.seconds),
              "warning")
        return redirect(url_for("learn.section", module_id=module_id, section_key=section_key))
    if mark_section_read(current_user.id, module_id, section_key, live.content_hash):
        refresh_learners([current_user.id], catalogue)
    db.session.commit()
    after_progress(catalogue)
    keys = live.section_keys
    index = keys.index(section_key)
    if index + 1 < len(keys):
        return redirect(url_for("learn.section", module_id=module_id, section_key=keys[index + 1]))
    return redirect(url_for("learn.module", module_id=module_id, finished=1))
