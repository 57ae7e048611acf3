"""The trainer's quizzes of a cohort: list, build from the bank, preview, open, close, results.

Only the cohort's trainers (and coordinators who may manage it) reach these pages; the cohort's learners take an
opened quiz at its ordinary quiz address (course.quiz.views), graded by the same engine.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.cohorts.blueprint import carry_out, managed_cohort
from course.cohorts.queries import roster
from course.confirm import confirmation
from course.learn.queries import Catalogue
from course.models.cohort import Cohort
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.permissions import Permission, require
from course.quiz.definition import pinned_definition
from course.quiz.pages import quiz_notices
from course.review.bank import DIFFICULTY_LABELS, BankFilter, BankQuestion, bank_questions, objective_names
from course.trainer_quizzes import queries
from course.trainer_quizzes.compose import bounds_of, drawn, options_of
from course.trainer_quizzes.forms import TrainerQuizForm
from course.trainer_quizzes.labels import STATE_LABELS
from course.trainer_quizzes.services import change_draft, change_state, create_draft, discard_draft
from course.web import current_locale, live_catalogue

bp = Blueprint("trainer_quizzes", __name__)

#: Quizzes whose questions a trainer's quiz may not copy: learners would meet the questions that measure their
#: gain (the pre- and post-test) or certify them (the final assessment) before taking them.
SECURE_KINDS = frozenset({"pre_test", "post_test", "final"})


def offered_questions(catalogue: Catalogue, locale: str) -> list[BankQuestion]:
    """The bank questions a trainer may build a quiz from: signed off, and not from a secure test."""
    secure = {quiz_id for quiz_id, meta in catalogue.quizzes.items() if meta.get("kind") in SECURE_KINDS}
    return [q for q in bank_questions(catalogue, locale, reviewed_only=True) if q.quiz_id not in secure]


def _cohort_quiz(cohort: Cohort, quiz_row: int) -> TrainerQuiz:
    quiz = queries.quiz_of_cohort(cohort.id, quiz_row)
    if quiz is None:
        abort(404)
    return quiz


def _enabled(catalogue: Catalogue) -> None:
    if not bounds_of(catalogue.course).enabled:
        abort(404)


@bp.route("/cohorts/<int:cohort_id>/quizzes")
@require(Permission.MANAGE_COHORTS)
def index(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    _enabled(live_catalogue())
    return render_template("trainer_quizzes/index.html", cohort=cohort, quizzes=queries.cohort_quizzes(cohort.id))


def _compose_page(cohort: Cohort, form: TrainerQuizForm, quiz: TrainerQuiz | None, offered: list[BankQuestion]):
    """The form with the bank table: the questions the filter shows, each with its box, and the picks it hides
    carried along so that filtering never drops a choice. A refused post comes back with 422."""
    catalogue, locale = live_catalogue(), current_locale()
    chosen = BankFilter.from_args(request.args)
    picks = list(form.picks.data or [])
    shown = [(q, q.key in picks) for q in offered if chosen.keeps(q)]
    shown_keys = {q.key for q, _checked in shown}
    used = {q.module for q in offered}
    return render_template(
        "trainer_quizzes/form.html", cohort=cohort, form=form, quiz=quiz, rows=shown, total=len(offered),
        hidden_picks=[key for key in picks if key not in shown_keys], chosen=chosen,
        modules={m: title for m, title in catalogue.module_titles(locale).items() if m in used},
        objectives=objective_names(catalogue, locale, offered),
        difficulties=DIFFICULTY_LABELS, bounds=bounds_of(catalogue.course),
    ), 422 if request.method == "POST" else 200


def _built_form(catalogue: Catalogue, locale: str) -> tuple[TrainerQuizForm, list[BankQuestion]]:
    offered = offered_questions(catalogue, locale)
    form = TrainerQuizForm().bound_by(bounds_of(catalogue.course), objective_names(catalogue, locale, offered))
    return form, offered


def _picks(form: TrainerQuizForm, offered: list[BankQuestion]) -> list[str]:
    """The questions picked one by one, then those drawn at random on an objective."""
    picks = list(dict.fromkeys(form.picks.data or []))
    if form.draw_objective.data and form.draw_count.data:
        picks += drawn(offered, form.draw_objective.data, form.draw_count.data, picks)
    return picks


@bp.route("/cohorts/<int:cohort_id>/quizzes/new", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def create(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    catalogue, locale = live_catalogue(), current_locale()
    _enabled(catalogue)
    form, offered = _built_form(catalogue, locale)
    if form.validate_on_submit():
        made: list[TrainerQuiz] = []

        def build() -> str:
            made.append(create_draft(cohort, current_user, form.options(), _picks(form, offered), offered=offered,
                                     languages=catalogue.course["languages"], bounds=bounds_of(catalogue.course)))
            return _("Draft saved. Check it as learners will see it, then open it to the cohort.")

        if carry_out(build):
            return redirect(url_for("trainer_quizzes.show", cohort_id=cohort.id, quiz_row=made[0].id))
    return _compose_page(cohort, form, None, offered)


@bp.route("/cohorts/<int:cohort_id>/quizzes/<int:quiz_row>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def edit(cohort_id: int, quiz_row: int):
    cohort = managed_cohort(cohort_id)
    quiz = _cohort_quiz(cohort, quiz_row)
    catalogue, locale = live_catalogue(), current_locale()
    _enabled(catalogue)
    form, offered = _built_form(catalogue, locale)
    if request.method == "GET" and quiz.state != TrainerQuizState.DRAFT:
        flash(_("This quiz is open to the cohort already: its questions and options no longer change."), "info")
        return redirect(url_for("trainer_quizzes.show", cohort_id=cohort.id, quiz_row=quiz.id))
    if request.method == "GET":
        form.fill(options_of(quiz.title, quiz.data), [":".join(source) for source in quiz.sources.values()])
    elif form.validate_on_submit():
        def change() -> str:
            change_draft(quiz, cohort, current_user, form.options(), _picks(form, offered), offered=offered,
                         languages=catalogue.course["languages"], bounds=bounds_of(catalogue.course))
            return _("Draft saved.")

        if carry_out(change):
            return redirect(url_for("trainer_quizzes.show", cohort_id=cohort.id, quiz_row=quiz.id))
    return _compose_page(cohort, form, quiz, offered)


@bp.route("/cohorts/<int:cohort_id>/quizzes/<int:quiz_row>")
@require(Permission.MANAGE_COHORTS)
def show(cohort_id: int, quiz_row: int):
    """The quiz as learners see it (no answer key), its options, and once opened, the cohort's results."""
    cohort = managed_cohort(cohort_id)
    quiz = _cohort_quiz(cohort, quiz_row)
    catalogue, locale = live_catalogue(), current_locale()
    fallbacks = catalogue.fallbacks(locale)
    definition = pinned_definition(quiz.quiz_id, quiz.content_hash)
    people = roster(cohort) if quiz.state != TrainerQuizState.DRAFT else []
    return render_template(
        "trainer_quizzes/show.html", cohort=cohort, quiz=quiz, state_label=str(STATE_LABELS[quiz.state]),
        settings=definition.settings, preview=queries.preview(quiz, locale, fallbacks),
        notices=quiz_notices(definition, list(definition.questions), catalogue, locale),
        learners=queries.learner_results(quiz, people) if people else [],
        questions=queries.question_results(quiz, people, locale, fallbacks) if people else [],
        take_url=url_for("quiz.overview", quiz_id=quiz.quiz_id),
    )


@bp.route("/cohorts/<int:cohort_id>/quizzes/<int:quiz_row>/<any(open, close, reopen):change>", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def set_state(cohort_id: int, quiz_row: int, change: str):
    cohort = managed_cohort(cohort_id)
    quiz = _cohort_quiz(cohort, quiz_row)
    back = url_for("trainer_quizzes.show", cohort_id=cohort.id, quiz_row=quiz.id)
    if change == "open" and (asked := confirmation(
            _("Open %(title)s to the cohort?", title=quiz.title),
            lost=[_("Its questions and options can no longer be changed: learners' attempts are graded against "
                    "them.")],
            kept=[_("You can close it at any time; it never counts toward a certificate.")],
            button=_("Open to the cohort"), cancel_url=back)):
        return asked
    carry_out(lambda: change_state(quiz, cohort, current_user, change))
    return redirect(back)


@bp.route("/cohorts/<int:cohort_id>/quizzes/<int:quiz_row>/discard", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def discard(cohort_id: int, quiz_row: int):
    cohort = managed_cohort(cohort_id)
    quiz = _cohort_quiz(cohort, quiz_row)
    if asked := confirmation(_("Discard the draft %(title)s?", title=quiz.title),
                             lost=[_("The draft and its choice of questions.")], button=_("Discard the draft"),
                             cancel_url=url_for("trainer_quizzes.show", cohort_id=cohort.id, quiz_row=quiz.id)):
        return asked

    def drop() -> str:
        discard_draft(quiz, current_user)
        return _("The draft was discarded.")

    if carry_out(drop):
        return redirect(url_for("trainer_quizzes.index", cohort_id=cohort.id))
    return redirect(url_for("trainer_quizzes.show", cohort_id=cohort.id, quiz_row=quiz.id))
