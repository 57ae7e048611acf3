"""The learner's own profile: the fields the programme's reports are broken down by."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from course.account.services import profile_of
from course.cohorts.forms import AGE_BAND_LABELS, AGENCY_LABELS, DISABILITY_LABELS, GENDER_LABELS, VELAYAT_LABELS
from course.cohorts.roster_file import EMAIL_PATTERN
from course.forms import TranslatedForm
from course.models.user import AgeBand, Disability

NOT_GIVEN = ""


class ProfileForm(TranslatedForm):
    """The profile fields; ``fill`` shows an account's, ``profile`` gives them to ``update_profile``."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(),
                                                         Length(max=200)])
    email = EmailField(_l("Email (optional)"), validators=[
        Optional(), Regexp(EMAIL_PATTERN, message=_l("Write an email address as name@example.tm.")), Length(max=254)])
    agency = SelectField(_l("Agency"), choices=[SelectChoice(NOT_GIVEN, "—")]
                         + [SelectChoice(a.value, label) for a, label in AGENCY_LABELS.items()])
    position = StringField(_l("Position"), validators=[Length(max=200)])
    gender = SelectField(_l("Gender"), choices=[SelectChoice(g.value, label) for g, label in GENDER_LABELS.items()])
    age_band = SelectField(_l("Age (optional)"), choices=[SelectChoice(band.value, label)
                                                          for band, label in AGE_BAND_LABELS.items()],
                           default=AgeBand.NOT_STATED.value)
    disability = SelectField(_l("Disability (optional)"), choices=[SelectChoice(value.value, label)
                                                                   for value, label in DISABILITY_LABELS.items()],
                             default=Disability.NOT_STATED.value,
                             description=_l("Asked only so that the programme can show donors whom it reaches; "
                                            "reports never show a group of fewer than 5 people."))
    velayat = SelectField(_l("Velayat"), choices=[SelectChoice(NOT_GIVEN, "—")]
                          + [SelectChoice(v.value, label) for v, label in VELAYAT_LABELS.items()])

    def fill(self, user) -> None:
        """The form as the account stands (a GET)."""
        for name, value in profile_of(user).items():
            self[name].data = value

    def profile(self) -> dict[str, str]:
        """The submitted profile, as ``course.account.services.update_profile`` takes it."""
        return {"full_name": self.full_name.data, "email": self.email.data, "agency": self.agency.data,
                "position": self.position.data, "gender": self.gender.data, "age_band": self.age_band.data,
                "disability": self.disability.data, "velayat": self.velayat.data}
