"""Forms for cohorts and joining them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from course.forms import DayField, TranslatedForm
from course.models.cohort import CohortStatus
from course.models.user import AgeBand, Agency, Disability, Gender, Velayat

REQUIRED = DataRequired()  # its message comes from our catalogue (course.forms.TranslatedForm)

VELAYAT_LABELS = {
    Velayat.AHAL: _l("Ahal"), Velayat.BALKAN: _l("Balkan"), Velayat.DASHOGUZ: _l("Dashoguz"),
    Velayat.LEBAP: _l("Lebap"), Velayat.MARY: _l("Mary"), Velayat.ASHGABAT: _l("Ashgabat city"),
}
AGENCY_LABELS = {
    Agency.PROSECUTION: _l("Prosecution"), Agency.JUDICIARY: _l("Judiciary"), Agency.ADVOCACY: _l("Advocacy"),
    Agency.LAW_ENFORCEMENT: _l("Law enforcement"), Agency.OTHER: _l("Other"),
}

GENDER_LABELS = {Gender.FEMALE: _l("Female"), Gender.MALE: _l("Male"), Gender.NOT_STATED: _l("Not stated")}
AGE_BAND_LABELS = {
    AgeBand.UNDER_25: _l("Under 25"), AgeBand.FROM_25_TO_34: _l("25–34"), AgeBand.FROM_35_TO_44: _l("35–44"),
    AgeBand.FROM_45_TO_54: _l("45–54"), AgeBand.FROM_55: _l("55 and over"), AgeBand.NOT_STATED: _l("Prefer not to say"),
}
DISABILITY_LABELS = {Disability.YES: _l("Yes"), Disability.NO: _l("No"), Disability.NOT_STATED: _l("Prefer not to say")}
STATUS_LABELS = {
    CohortStatus.OPEN: _l("open"), CohortStatus.CLOSED: _l("closed"), CohortStatus.ARCHIVED: _l("archived"),
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CohortForm(TranslatedForm):
    name = StringField(_l("Cohort name"), validators=[REQUIRED, Length(max=200)])
    track_id = SelectField(_l("Track"), validators=[REQUIRED])
    language = SelectField(_l("Language of instruction"), validators=[REQUIRED])
    velayat = SelectField(_l("Velayat"), choices=[SelectChoice(v.value, label) for v, label in VELAYAT_LABELS.items()])
    city = StringField(_l("City"), validators=[Length(max=100)])
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    # InputRequired, not DataRequired: the latter would replace a date's own problem with "required".
    starts_on = DayField(_l("First day"), validators=[InputRequired()])
    ends_on = DayField(_l("Last day"), validators=[InputRequired()])
    audience = CheckboxesField(_l("Audience"),
                               choices=[SelectChoice(a.value, label) for a, label in AGENCY_LABELS.items()])
    lead = SelectField(_l("Lead trainer"), coerce=int)
    co_trainers = CheckboxesField(_l("Co-trainers"), coerce=int)


class JoinForm(TranslatedForm):
    code = StringField(_l("Cohort code"), validators=[REQUIRED, Length(max=32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class RegisterForm(TranslatedForm):
    """A new learner registers into a cohort with its code (from the link or the QR code)."""

    code = StringField(_l("Cohort code"), validators=[REQUIRED, Length(max=32)])
    full_name = StringField(_l("Full name"), validators=[REQUIRED, Length(max=200)])
    username = StringField(_l("Username"), validators=[REQUIRED, Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[REQUIRED, Length(max=256)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Password again"), validators=[REQUIRED, EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    agency = SelectField(_l("Agency"), choices=[SelectChoice(a.value, label) for a, label in AGENCY_LABELS.items()])
    position = StringField(_l("Position"), validators=[Length(max=200)])
    gender = SelectField(_l("Gender"), choices=[
        SelectChoice(Gender.FEMALE.value, _l("Female")), SelectChoice(Gender.MALE.value, _l("Male")),
        SelectChoice(Gender.NOT_STATED.value, _l("Prefer not to say"))])
    velayat = SelectField(_l("Velayat"), choices=[SelectChoice(v.value, label) for v, label in VELAYAT_LABELS.items()])


class AddLearnerForm(TranslatedForm):
    username = StringField(_l("Username"), validators=[REQUIRED, Length(max=64)])


class RosterUploadForm(TranslatedForm):
    roster = FileField(_l("Roster file (CSV or Excel .xlsx)"), validators=[
        FileRequired(message=_l("Choose a file to upload.")),
    ], render_kw={"accept": ".csv,.xlsx"})
