"""Forms of the administrator's pages: the learner's own profile form, with what only an administrator sets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField
from wtforms.validators import InputRequired, Length

from course.account.forms import ProfileForm
from course.cohorts.forms import VELAYAT_LABELS, CheckboxesField
from course.models.user import Role

ROLE_LABELS = {
    Role.LEARNER: _l("Learner"), Role.TRAINER: _l("Trainer"), Role.COORDINATOR: _l("Coordinator"),
    Role.LEGAL_REVIEWER: _l("Legal reviewer"), Role.ADMIN: _l("Administrator"),
}


class PersonForm(ProfileForm):
    """An account's name and profile, its roles and (for a coordinator) its velayats."""

    roles = CheckboxesField(_l("Roles"), choices=[SelectChoice(key.value, label) for key, label in ROLE_LABELS.items()],
                            validators=[InputRequired(_l("Choose at least one role."))])
    scope = CheckboxesField(_l("Velayats a coordinator is responsible for (none: the whole country)"),
                            choices=[SelectChoice(key.value, label) for key, label in VELAYAT_LABELS.items()])


class NewPersonForm(PersonForm):
    username = StringField(_l("Username"), validators=[InputRequired(), Length(max=64)],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})
