"""The legal reviewer's pages: what needs review, a version's changes with sign-off or return, sources,
and what a new edition of the law affects (with the certificates issued on the old one, for coordinators)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course.cohorts.blueprint import carry_out
from course.extensions import db
from course.inputs import database_id
from course.learn.queries import source_entries
from course.models.content import ContentKind
from course.models.question_proposal import ProposalStatus, QuestionProposal
from course.models.question_report import QuestionReport
from course.models.review import ReviewDecision
from course.permissions import Permission, can, require, velayat_scope
from course.review import proposals, queries
from course.review.bank import DIFFICULTY_LABELS, BankFilter, bank_question, bank_questions, objective_names
from course.review.proposal_forms import DecisionForm, TrainerProposalForm
from course.review.question_reports import close_report, open_reports
from course.review.services import MAX_COMMENT, decide, review_translation, verify_source
from course.web import current_locale, live_catalogue

bp = Blueprint("review", __name__, url_prefix="/review")

PROPOSAL_STATUS_LABELS = {ProposalStatus.SUBMITTED: _l("with the legal reviewer"),
                          ProposalStatus.RETURNED: _l("returned to you"), ProposalStatus.ACCEPTED: _l("accepted")}

KINDS = {"module": ContentKind.MODULE, "quiz": ContentKind.QUIZ}


def _kind(kind: str) -> ContentKind:
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


@bp.route("/")
@require(Permission.REVIEW_CONTENT)
def index():
    catalogue = live_catalogue()
    rows = queries.review_rows(catalogue, current_locale())
    return render_template("review/index.html", pending=[row for row in rows if not row.reviewed],
                           reviewed=[row for row in rows if row.reviewed])


@bp.route("/<kind>/<content_id>", methods=["GET", "POST"])
@require(Permission.REVIEW_CONTENT)
def item(kind: str, content_id: str):
    content_kind = _kind(kind)
    catalogue = live_catalogue()
    if request.method == "POST":  # the CSRF token is checked for every POST by the app's CSRFProtect
        decision = ReviewDecision.SIGNED_OFF if request.form.get("decision") == "sign_off" else ReviewDecision.RETURNED
        notes = {key.removeprefix("note-"): value for key, value in request.form.items() if key.startswith("note-")}

        def record() -> str:
            decide(content_kind, content_id, database_id(request.form.get("snapshot_id")) or 0, decision,
                   request.form.get("comment", ""), notes, current_user)
            if decision == ReviewDecision.SIGNED_OFF:
                return _("Signed off: readers no longer see the draft notice on this version.")
            return _("Returned to the authors with your comments.")

        if carry_out(record):
            return redirect(url_for("review.item", kind=kind, content_id=content_id))
    detail = queries.review_detail(catalogue, content_kind, content_id, current_locale())
    if detail is None:
        abort(404)
    return render_template("review/item.html", detail=detail, kind=kind, max_comment=MAX_COMMENT,
                           comment=request.form.get("comment", ""))


@bp.route("/<kind>/<content_id>/translation", methods=["POST"])
@require(Permission.REVIEW_CONTENT)
def translation(kind: str, content_id: str):
    """A native speaker marks one draft translation of the version as reviewed: its draft notice goes."""
    content_kind = _kind(kind)

    def record() -> str:
        review_translation(content_kind, content_id, database_id(request.form.get("snapshot_id")) or 0,
                           request.form.get("language", ""), request.form.get("translation_comment", ""),
                           current_user)
        return _("Marked as reviewed: readers no longer see the draft translation notice on this version.")

    carry_out(record)
    return redirect(url_for("review.item", kind=kind, content_id=content_id, _anchor="translations"))


@bp.route("/sources")
@require(Permission.REVIEW_CONTENT)
def sources():
    catalogue = live_catalogue()
    verified = queries.verified_sources(catalogue)
    entries = source_entries(catalogue, list(catalogue.sources), current_locale(), verified)
    return render_template("review/sources.html", entries=entries, max_comment=MAX_COMMENT,
                           unverified=sum(1 for entry in entries if not entry.verified))


@bp.route("/sources/<source_id>/verify", methods=["POST"])
@require(Permission.REVIEW_CONTENT)
def verify(source_id: str):
    catalogue = live_catalogue()
    if source_id not in catalogue.sources:
        abort(404)

    def verify_it() -> str:
        verify_source(catalogue, source_id, request.form.get("note", ""), current_user)
        return _("Marked as verified against its publisher's text.")

    carry_out(verify_it)
    return redirect(url_for("review.sources", _anchor=f"source-{source_id}"))


@bp.route("/legal-basis")
@require(Permission.READ_COURSE)
def legal_basis():
    """What a newer edition of a provision puts under review, and (for coordinators) the certificates issued
    on content that cited the old edition: a listing, nothing is revoked by it."""
    show_certificates = can(current_user, Permission.VIEW_REPORTS)
    if not (can(current_user, Permission.REVIEW_CONTENT) or show_certificates):
        abort(403)
    catalogue = live_catalogue()
    locale = current_locale()
    certificates = (queries.certificates_on_superseded_law(catalogue, velayat_scope(current_user))
                    if show_certificates else None)
    return render_template("review/legal_basis.html", editions=queries.superseded_editions(catalogue, locale),
                           certificates=certificates, tracks=catalogue.track_titles(locale),
                           can_review=can(current_user, Permission.REVIEW_CONTENT))


@bp.route("/question-reports")
@require(Permission.REVIEW_CONTENT)
def question_reports():
    """Questions learners reported, the most reported first, with how every cohort answered them."""
    return render_template("review/question_reports.html",
                           questions=open_reports(live_catalogue(), current_locale()), max_note=MAX_COMMENT)


@bp.route("/question-reports/<int:report_id>/close", methods=["POST"])
@require(Permission.REVIEW_CONTENT)
def close_question_report(report_id: int):
    report = db.session.get(QuestionReport, report_id) or abort(404)

    def close() -> str:
        close_report(report, request.form.get("note", ""), actor_id=current_user.id)
        return _("The report is closed.")

    carry_out(close)
    return redirect(url_for("review.question_reports"))


@bp.route("/bank")
@require(Permission.PREVIEW_CONTENT)
def bank():
    """The question bank: the reviewer sees every question, those who teach from it the signed-off ones."""
    catalogue, locale = live_catalogue(), current_locale()
    reviewer = can(current_user, Permission.REVIEW_CONTENT)
    questions = bank_questions(catalogue, locale, reviewed_only=not reviewer)
    chosen = BankFilter.from_args(request.args)
    return render_template("review/bank.html", questions=[q for q in questions if chosen.keeps(q)],
                           total=len(questions), chosen=chosen, reviewer=reviewer,
                           modules=catalogue.module_titles(locale),
                           can_propose=can(current_user, Permission.MANAGE_COHORTS),
                           objectives=objective_names(catalogue, locale, questions),
                           difficulties=DIFFICULTY_LABELS)


@bp.route("/bank/<quiz_id>/<question_id>")
@require(Permission.PREVIEW_CONTENT)
def bank_question_page(quiz_id: str, question_id: str):
    """One bank question with its item statistics: discrimination, and the wrong answers learners chose most."""
    catalogue, locale = live_catalogue(), current_locale()
    detail = bank_question(catalogue, locale, quiz_id[:100], question_id[:100],
                           reviewed_only=not can(current_user, Permission.REVIEW_CONTENT))
    if detail is None:
        abort(404)
    return render_template("review/bank_question.html", detail=detail, q=detail.question,
                           objectives=objective_names(catalogue, locale, [detail.question]))


def _module_choices(form) -> None:
    form.module_id.choices = [("", _("Any module")), *live_catalogue().module_titles(current_locale()).items()]


@bp.route("/proposals/new", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def propose_case():
    """A trainer proposes a case from practice, and follows what became of their proposals."""
    form = TrainerProposalForm()
    _module_choices(form)

    def send() -> str:
        proposals.propose(current_user, form.text(), current_locale())
        return _("Your proposal is with the legal reviewer.")

    if form.validate_on_submit() and carry_out(send):
        return redirect(url_for("review.propose_case"))
    return render_template("review/propose.html", form=form, mine=proposals.proposals_of(current_user.id),
                           statuses=PROPOSAL_STATUS_LABELS)


@bp.route("/proposals/<int:proposal_id>/change", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def change_proposal(proposal_id: int):
    """The author changes a proposal returned to them and sends it again."""
    proposal = db.session.get(QuestionProposal, proposal_id)
    if proposal is None or proposal.author_id != current_user.id:
        abort(404)
    form = TrainerProposalForm()
    _module_choices(form)

    def send_again() -> str:
        proposals.resubmit(proposal, current_user, form.text())
        return _("Your proposal is with the legal reviewer again.")

    if request.method == "GET":
        form.fill(proposal)
    elif form.validate_on_submit() and carry_out(send_again):
        return redirect(url_for("review.propose_case"))
    return render_template("review/propose.html", form=form, proposal=proposal, mine=[],
                           statuses=PROPOSAL_STATUS_LABELS)


@bp.route("/proposals")
@require(Permission.REVIEW_CONTENT)
def proposal_list():
    return render_template("review/proposals.html", waiting=proposals.proposals_with(ProposalStatus.SUBMITTED),
                           accepted=proposals.proposals_with(ProposalStatus.ACCEPTED))


@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@require(Permission.REVIEW_CONTENT)
def proposal(proposal_id: int):
    """The reviewer corrects a proposal, then accepts it into the bank or returns it with a comment."""
    found = db.session.get(QuestionProposal, proposal_id) or abort(404)
    form = DecisionForm()
    _module_choices(form)
    accepting = request.form.get("decision") == "accept"

    def decided() -> str:
        proposals.decide(found, ProposalStatus.ACCEPTED if accepting else ProposalStatus.RETURNED,
                         form.comment.data or "", form.text(), actor_id=current_user.id)
        return _("The proposal is accepted into the bank.") if accepting else \
            _("The proposal is returned to the trainer.")

    if request.method == "GET":
        form.fill(found)
        form.comment.data = found.reviewer_comment
    elif form.validate_on_submit() and carry_out(decided):
        return redirect(url_for("review.proposal_list"))
    return render_template("review/proposal.html", form=form, proposal=found, statuses=PROPOSAL_STATUS_LABELS)
