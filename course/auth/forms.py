"""Sign-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from course.forms import TranslatedForm

REQUIRED = DataRequired()  # its message comes from our catalogue (course.forms.TranslatedForm)
TOO_LONG = Length(max=256, message=_l("This is too long."))


class LoginForm(TranslatedForm):
    username = StringField(_l("Username"), validators=[REQUIRED, Length(max=64, message=_l("This is too long."))],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[REQUIRED, TOO_LONG],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ChangePasswordForm(TranslatedForm):
    current_password = PasswordField(_l("Current password"), validators=[REQUIRED, TOO_LONG],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[REQUIRED, TOO_LONG],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("New password again"),
        validators=[REQUIRED, EqualTo("new_password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
