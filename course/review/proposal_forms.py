"""The forms of a proposed case: the trainer's, and the reviewer's (the same text, corrected, with a comment)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from course.forms import TranslatedForm
from course.review.proposals import MAX_TEXT, ProposalText

REQUIRED = DataRequired()


class ProposalForm(TranslatedForm):
    module_id = SelectField(_l("Module it belongs to"))
    scenario = TextAreaField(_l("The case"), validators=[REQUIRED, Length(max=MAX_TEXT)],
                             description=_l("The facts as a learner reads them, anonymised: no names, dates, places "
                                            "or case numbers that identify anyone."),
                             render_kw={"rows": 8})
    question = TextAreaField(_l("The question to learners"), validators=[REQUIRED, Length(max=MAX_TEXT)],
                             render_kw={"rows": 3})
    answer = TextAreaField(_l("The answer you expect, and why"), validators=[REQUIRED, Length(max=MAX_TEXT)],
                           description=_l("The qualification and the provisions that apply, with your reasoning."),
                           render_kw={"rows": 6})

    def text(self) -> ProposalText:
        return ProposalText(self.module_id.data or "", self.scenario.data or "", self.question.data or "",
                            self.answer.data or "")

    def fill(self, proposal) -> None:
        self.module_id.data, self.scenario.data = proposal.module_id, proposal.scenario
        self.question.data, self.answer.data = proposal.question, proposal.answer


class TrainerProposalForm(ProposalForm):
    anonymised = BooleanField(_l("I have removed every name, date, place and number that could identify a person "
                                 "or a case."), validators=[REQUIRED])


class DecisionForm(ProposalForm):
    comment = TextAreaField(_l("Comment to the trainer"), validators=[Length(max=MAX_TEXT)],
                            description=_l("Required when you return the proposal."), render_kw={"rows": 3})
