"""What the trainer's quiz states are called on pages."""

from flask_babel import lazy_gettext as _l

from course.models.trainer_quiz import TrainerQuizState

STATE_LABELS = {TrainerQuizState.DRAFT: _l("draft"), TrainerQuizState.OPEN: _l("open to the cohort"),
                TrainerQuizState.CLOSED: _l("closed to new attempts")}
