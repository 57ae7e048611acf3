"""Trainers propose cases from practice; the legal reviewer corrects, accepts or returns them
(course.review.proposals)."""

from __future__ import annotations

from sqlalchemy import select

from course.extensions import db
from course.models.audit import AuditEvent
from course.models.question_proposal import ProposalStatus, QuestionProposal
from course.models.user import Role
from tests.conftest import csrf_token
from tests.test_cohort_pages import as_user

CASE = {"module_id": "alpha", "scenario": "A recruiter in a velayat centre promised work abroad and kept passports.",
        "question": "Qualify the recruiter's acts.", "answer": "Recruitment by deception for forced labour.",
        "anonymised": "y"}


def send(client, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


def test_a_trainer_proposes_the_reviewer_returns_and_accepts_and_every_step_is_audited(app, synced, make_user):
    make_user("lead", roles={Role.TRAINER})
    make_user("reviewer", roles={Role.LEGAL_REVIEWER})
    trainer, reviewer = as_user(app, "lead"), as_user(app, "reviewer")
    assert send(trainer, "/review/proposals/new", CASE).status_code == 302  # noqa: PLR2004
    again = send(trainer, "/review/proposals/new", CASE)  # a second click sends nothing more
    assert "This case is with the legal reviewer already." in again.get_data(as_text=True)
    proposal = db.session.scalar(select(QuestionProposal))
    assert (proposal.status, proposal.module_id, proposal.language) == (ProposalStatus.SUBMITTED, "alpha", "en")
    page = reviewer.get("/review/proposals").get_data(as_text=True)
    assert "Qualify the recruiter&#39;s acts." in page
    url = f"/review/proposals/{proposal.id}"
    reviewer_case = {key: value for key, value in CASE.items() if key != "anonymised"}
    send(reviewer, url, {**reviewer_case, "decision": "return", "comment": ""})
    db.session.expire_all()
    assert db.session.get(QuestionProposal, proposal.id).status == ProposalStatus.SUBMITTED  # a comment is needed
    send(reviewer, url, {**reviewer_case, "decision": "return", "comment": "Say which means were used."})
    db.session.expire_all()
    assert db.session.get(QuestionProposal, proposal.id).status == ProposalStatus.RETURNED
    mine = trainer.get("/review/proposals/new").get_data(as_text=True)
    assert "returned to you" in mine and "Say which means were used." in mine
    changed = {**CASE, "answer": "Recruitment by deception (false job offer) for forced labour."}
    send(trainer, f"/review/proposals/{proposal.id}/change", changed)
    send(reviewer, url, {**reviewer_case, "answer": "Recruitment by deception, for forced labour.",
                         "decision": "accept", "comment": ""})
    db.session.expire_all()
    accepted = db.session.get(QuestionProposal, proposal.id)
    assert accepted.status == ProposalStatus.ACCEPTED
    assert accepted.answer == "Recruitment by deception, for forced labour."  # the reviewer's correction
    actions = [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
               if event.action.startswith("proposal.")]
    assert actions == ["proposal.submit", "proposal.return", "proposal.submit", "proposal.accept"]


def test_a_proposal_needs_every_field_and_the_anonymisation_confirmed(app, synced, make_user):
    make_user("lead", roles={Role.TRAINER})
    trainer = as_user(app, "lead")
    for missing in ("scenario", "question", "answer", "anonymised"):
        response = send(trainer, "/review/proposals/new", {key: value for key, value in CASE.items() if key != missing})
        assert response.status_code == 200  # the form again, with the problem  # noqa: PLR2004
    assert send(trainer, "/review/proposals/new", {**CASE, "module_id": "no-such-module"}).status_code == 200  # noqa: PLR2004
    assert db.session.scalar(select(QuestionProposal)) is None


def test_only_the_author_changes_a_returned_proposal_and_only_reviewers_decide(app, synced, make_user):
    make_user("lead", roles={Role.TRAINER})
    make_user("other", roles={Role.TRAINER})
    make_user("ana")
    send(as_user(app, "lead"), "/review/proposals/new", CASE)
    proposal = db.session.scalar(select(QuestionProposal))
    other = as_user(app, "other")
    assert other.get(f"/review/proposals/{proposal.id}/change").status_code == 404  # noqa: PLR2004
    assert other.get(f"/review/proposals/{proposal.id}").status_code == 403  # noqa: PLR2004
    assert as_user(app, "ana").get("/review/proposals/new").status_code == 403  # noqa: PLR2004
    lead = as_user(app, "lead")
    send(lead, f"/review/proposals/{proposal.id}/change", {**CASE, "question": "Changed while waiting."})
    db.session.expire_all()
    assert db.session.get(QuestionProposal, proposal.id).question == "Qualify the recruiter's acts."  # not returned
