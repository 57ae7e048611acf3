"""Forms for cohorts and joining them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from course.models.user import Agency, Velayat

REQUIRED = DataRequired(message=_l("This field is required."))

VELAYAT_LABELS = {
    Velayat.AHAL: _l("Ahal"), Velayat.BALKAN: _l("Balkan"), Velayat.DASHOGUZ: _l("Dashoguz"),
    Velayat.LEBAP: _l("Lebap"), Velayat.MARY: _l("Mary"), Velayat.ASHGABAT: _l("Ashgabat city"),
}
AGENCY_LABELS = {
    Agency.PROSECUTION: _l("Prosecution"), Agency.JUDICIARY: _l("Judiciary"), Agency.ADVOCACY: _l("Advocacy"),
    Agency.LAW_ENFORCEMENT: _l("Law enforcement"), Agency.OTHER: _l("Other"),
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[REQUIRED, Length(max=200)])
    track_id = SelectField(_l("Track"), validators=[REQUIRED])
    language = SelectField(_l("Language of instruction"), validators=[REQUIRED])
    velayat = SelectField(_l("Velayat"), choices=[SelectChoice(v.value, label) for v, label in VELAYAT_LABELS.items()])
    city = StringField(_l("City"), validators=[Length(max=100)])
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    starts_on = DateField(_l("First day"), validators=[REQUIRED])
    ends_on = DateField(_l("Last day"), validators=[REQUIRED])
    audience = CheckboxesField(_l("Audience"),
                               choices=[SelectChoice(a.value, label) for a, label in AGENCY_LABELS.items()])
    lead = SelectField(_l("Lead trainer"), coerce=int)
    co_trainers = CheckboxesField(_l("Co-trainers"), coerce=int)


class JoinForm(FlaskForm):
    code = StringField(_l("Cohort code"), validators=[REQUIRED, Length(max=32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class AddLearnerForm(FlaskForm):
    username = StringField(_l("Username"), validators=[REQUIRED, Length(max=64)])
