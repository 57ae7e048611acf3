"""The form a trainer builds a quiz with: its options within the course's bounds, and the bank questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from course.content.schema import TrainerQuizBounds
from course.forms import TranslatedForm
from course.trainer_quizzes.compose import QuizOptions

REVIEW_SHOW_LABELS = {"answers": _l("their score, which answers were right and the right answers with feedback"),
                      "correctness": _l("their score and which answers were right"),
                      "score": _l("their score only")}
REVIEW_WHEN_LABELS = {"immediately": _l("as soon as they submit"),
                      "after_last_attempt": _l("once they have used their last attempt")}


class TrainerQuizForm(TranslatedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("As learners see it, in the cohort's language."))
    pass_mark = IntegerField(_l("Pass mark, in per cent"), default=70,
                             validators=[InputRequired(), NumberRange(0, 100)])
    attempts_allowed = IntegerField(_l("Attempts allowed"), default=1, validators=[InputRequired()])
    time_limit_minutes = IntegerField(_l("Time limit in minutes"), validators=[Optional()],
                                      description=_l("Leave empty for no time limit."))
    review_show = SelectField(_l("After submitting, learners see"),
                              choices=[SelectChoice(k, v) for k, v in REVIEW_SHOW_LABELS.items()])
    review_when = SelectField(_l("They see it"), choices=[SelectChoice(k, v) for k, v in REVIEW_WHEN_LABELS.items()])
    shuffle_questions = BooleanField(_l("Each learner gets the questions in another order"))
    shuffle_choices = BooleanField(_l("Each learner gets the options in another order"), default=True)
    #: Bank keys of the questions picked one by one (their boxes are drawn in the bank table).
    picks = SelectMultipleField(_l("Questions"), validate_choice=False)
    draw_objective = SelectField(_l("Add questions at random on"), validators=[Optional()])
    draw_count = IntegerField(_l("How many"), validators=[Optional(), NumberRange(1, 200)])

    def bound_by(self, bounds: TrainerQuizBounds, objectives: dict[str, str]) -> TrainerQuizForm:
        """Set the course's bounds on the fields, so that a value outside them is refused with its own message."""
        self.attempts_allowed.validators = [InputRequired(), NumberRange(1, bounds.max_attempts)]
        self.attempts_allowed.render_kw = {"min": 1, "max": bounds.max_attempts}
        self.time_limit_minutes.validators = [Optional(), NumberRange(1, bounds.max_time_limit_minutes)]
        self.time_limit_minutes.render_kw = {"min": 1, "max": bounds.max_time_limit_minutes}
        self.draw_objective.choices = [SelectChoice("", _l("(none)"))] + [
            SelectChoice(tag, name) for tag, name in objectives.items()]
        return self

    def options(self) -> QuizOptions:
        return QuizOptions(
            title=self.title.data or "", pass_mark=self.pass_mark.data, attempts_allowed=self.attempts_allowed.data,
            time_limit_minutes=self.time_limit_minutes.data, review_show=self.review_show.data,
            review_when=self.review_when.data, shuffle_questions=self.shuffle_questions.data,
            shuffle_choices=self.shuffle_choices.data)

    def fill(self, options: QuizOptions, picks: list[str]) -> None:
        for name in ("title", "pass_mark", "attempts_allowed", "time_limit_minutes", "review_show", "review_when",
                     "shuffle_questions", "shuffle_choices"):
            getattr(self, name).data = getattr(options, name)
        self.picks.data = picks
