"""Trainers propose cases from practice; the legal reviewer edits, accepts into the bank, or returns them.

A cascade lives on trainers bringing the cases their colleagues meet. A proposal is plain text in the trainer's
language (the facts, the question, the answer expected and why); the trainer confirms the facts are anonymised.
The reviewer may correct it before deciding: accepted, it waits for an author to write it into a quiz file (where
it is versioned, translated and signed off like every question); returned, it goes back with a comment, and the
trainer may change it and send it again. Every decision is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from course.audit import record_event
from course.domain import DomainError
from course.extensions import db
from course.models.question_proposal import ProposalStatus, QuestionProposal
from course.models.types import utcnow
from course.models.user import User

#: The longest text a proposal field keeps.
MAX_TEXT = 6000


@dataclass(frozen=True)
class ProposalText:
    module_id: str
    scenario: str
    question: str
    answer: str


def _apply(proposal: QuestionProposal, text: ProposalText) -> None:
    proposal.module_id = text.module_id
    proposal.scenario, proposal.question, proposal.answer = text.scenario.strip(), text.question.strip(), \
        text.answer.strip()


def propose(author: User, text: ProposalText, language: str) -> QuestionProposal:
    """:raises DomainError: the same case from the same trainer is waiting already (a second click, a resent
    form)."""
    waiting = db.session.scalar(select(QuestionProposal.id).where(
        QuestionProposal.author_id == author.id, QuestionProposal.status == ProposalStatus.SUBMITTED,
        QuestionProposal.scenario == text.scenario.strip(), QuestionProposal.question == text.question.strip()))
    if waiting is not None:
        raise DomainError(_("This case is with the legal reviewer already."))
    proposal = QuestionProposal(author_id=author.id, language=language, status=ProposalStatus.SUBMITTED)
    _apply(proposal, text)
    db.session.add(proposal)
    db.session.flush()
    record_event("proposal.submit", str(proposal.id), actor_id=author.id)
    return proposal


def resubmit(proposal: QuestionProposal, author: User, text: ProposalText) -> None:
    """:raises DomainError: not the author's, or not returned to them."""
    if proposal.author_id != author.id or proposal.status != ProposalStatus.RETURNED:
        raise DomainError(_("Only a proposal returned to you can be changed and sent again."))
    _apply(proposal, text)
    proposal.status, proposal.submitted_at = ProposalStatus.SUBMITTED, utcnow()
    record_event("proposal.submit", str(proposal.id), actor_id=author.id, again=True)


def decide(proposal: QuestionProposal, status: ProposalStatus, comment: str, text: ProposalText, *,
           actor_id: int) -> None:
    """Accept (with the reviewer's corrections) or return (a comment required).

    :raises DomainError: a proposal not waiting for a decision, or a return without a comment.
    """
    comment = comment.strip()
    if proposal.status != ProposalStatus.SUBMITTED:
        raise DomainError(_("This proposal is not waiting for a decision."))
    if status == ProposalStatus.RETURNED and not comment:
        raise DomainError(_("Say what the trainer should change."), field="comment")
    if len(comment) > MAX_TEXT:
        raise DomainError(_("Keep the comment under %(num)d characters.", num=MAX_TEXT), field="comment")
    _apply(proposal, text)
    proposal.status, proposal.reviewer_comment = status, comment
    proposal.decided_by_id, proposal.decided_at = actor_id, utcnow()
    record_event(f"proposal.{'accept' if status == ProposalStatus.ACCEPTED else 'return'}", str(proposal.id),
                 actor_id=actor_id)


def proposals_of(author_id: int) -> list[QuestionProposal]:
    return list(db.session.scalars(select(QuestionProposal).where(QuestionProposal.author_id == author_id)
                                   .order_by(QuestionProposal.submitted_at.desc())))


def proposals_with(status: ProposalStatus) -> list[QuestionProposal]:
    return list(db.session.scalars(select(QuestionProposal).where(QuestionProposal.status == status)
                                   .order_by(QuestionProposal.submitted_at)))
