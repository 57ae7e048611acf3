"""The base of every form: WTForms' own messages come from our catalogue, in all three languages.

WTForms ships its messages ("Not a valid date value.", "Field cannot be longer than 200
characters.") with a Russian catalogue but no Turkmen one, so a Turkmen page showed them in
English. ``TranslatedForm`` asks our catalogue instead; the messages WTForms can produce on our
fields are listed below so that ``pybabel extract`` puts them in it.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # named so pybabel extracts both plural forms
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.widgets import TextInput

from course.days import DAY_HINT, DAY_PLACEHOLDER, NotADay, parse_day

#: What WTForms itself says about our fields and validators (never shown from here).
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid date value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid integer value."),
    _l("Invalid input."),
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
    ngettext("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.",
             1),
)


class _CatalogueTranslations:
    """gettext/ngettext as WTForms calls them: translated, but not yet formatted (WTForms fills the values)."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


class TranslatedForm(FlaskForm):
    class Meta:
        def get_translations(self, form):  # noqa: ARG002 (WTForms' signature)
            return _CatalogueTranslations()


class DayField(Field):
    """A date typed as text, read by ``course.days`` (ISO or day.month.year, never a slash): the same on every
    browser, whatever the locale of the computer it runs on."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("description", DAY_HINT)
        render_kw = {"inputmode": "numeric", "autocomplete": "off", "placeholder": DAY_PLACEHOLDER, "maxlength": 20,
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_day(valuelist[0])
            except NotADay as problem:
                raise ValueError(str(problem)) from None
