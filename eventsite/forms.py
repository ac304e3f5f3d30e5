"""Base form: WTForms' own messages translated through our Flask-Babel catalogue.

WTForms ships no Danish translation, so its built-in messages (an invalid choice,
a missing field) would reach people in English. The msgids below are WTForms'
own; listing them here lets the catalogue check see them.
"""

from __future__ import annotations

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, IntegerField, SubmitField, TimeField
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField
from wtforms.validators import Length

WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Invalid email address."),
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF tokens do not match."),
    _l("Invalid Choice: could not coerce."),
    _l("One or more data inputs could not be coerced."),
    _l("Choices cannot be None."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Invalid URL."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Not a valid week value."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("CSRF token missing."),
    _l("Invalid CSRF Token."),
    _l("File does not have an approved extension."),
)


class _BabelTranslations:
    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class _TokenOnRender(CSRFTokenField):
    """The CSRF field, signing its token only when the form is rendered.

    WTForms signs a fresh token whenever a form is built, so that a form shown
    again with errors carries one. A posted form that succeeds is never shown
    again, and signing cost a sign-up a twentieth of its time. Checking the
    posted token is unchanged (CSRFProtect, before the view).
    """

    def process(self, *args, **kwargs):
        HiddenField.process(self, *args, **kwargs)

    def _value(self):
        return self.csrf_impl.generate_csrf_token(self)


class _CSRF(FlaskForm.Meta.csrf_class):
    field_class = _TokenOnRender


class BaseForm(FlaskForm):
    """Every form of the app derives from this, so WTForms speaks Danish too."""

    class Meta:
        csrf_class = _CSRF

        def get_translations(self, form):
            return _BabelTranslations()


# --- fields and helpers shared by the areas' forms ------------------------------------


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class _DanishParseError:
    """Replace WTForms' English "Not a valid ... value." with our own message.

    An empty input is left to InputRequired/Optional, so it gets one message, not two.
    """

    parse_error = _l("Invalid value.")

    def process_formdata(self, valuelist):
        if valuelist and not " ".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.parse_error)) from error


class DanishDateField(_DanishParseError, DateField):
    parse_error = _l("Enter a valid date.")


class DanishTimeField(_DanishParseError, TimeField):
    parse_error = _l("Enter a valid time, e.g. 13:00.")


class DanishDateTimeField(_DanishParseError, DateTimeLocalField):
    parse_error = _l("Enter a valid date and time.")


class DanishIntegerField(_DanishParseError, IntegerField):
    parse_error = _l("Enter a whole number.")


class ConfirmForm(FlaskForm):
    """A bare form for POST-only buttons (publish, cancel, delete): CSRF and nothing else."""

    submit = SubmitField(_l("Confirm"))
