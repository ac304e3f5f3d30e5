"""Sign-up, cancel and move forms."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import Select, html_params

from eventsite.forms import BaseForm
from eventsite.geo import all_municipalities, municipality_codes
from eventsite.registration.consent import WORDING
from eventsite.registration.models import (
    COMMENT_MAX,
    DIETARY_MAX,
    EMAIL_MAX,
    NAME_MAX,
    TEXT_MAX,
)


def single_line(form, field) -> None:
    """Refuse line breaks and control characters in one-line fields (header injection)."""
    if field.data and any(ch in field.data for ch in "\r\n\x00"):
        raise ValidationError(_l("Line breaks are not allowed in this field."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


@lru_cache(maxsize=1)
def _municipality_choices() -> tuple[tuple[str, str], ...]:
    # The placeholder is a lazy string: translated when rendered, in the request's locale.
    return (("", _l("– choose –")),) + tuple((m.code, m.name) for m in all_municipalities())


def municipality_choices() -> list[tuple[str, str]]:
    return list(_municipality_choices())


@lru_cache(maxsize=8)
def _options_markup(placeholder: str) -> str:
    """The municipality <option>s as WTForms renders them, none chosen (per language)."""
    labels = ((code, placeholder if code == "" else name) for code, name in _municipality_choices())
    return "".join(f'<option value="{escape(code)}">{escape(label)}</option>' for code, label in labels)


class MunicipalitySelect(Select):
    """WTForms' <select> for the municipality, with the 99 options' markup made once
    per process and language instead of on every page (it was about a quarter of the
    pre-filled invitation page's CPU). The field's choices are always
    `municipality_choices()`; the chosen one is marked as WTForms marks it."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        options = _options_markup(str(_municipality_choices()[0][1]))
        if isinstance(field.data, str):
            value = escape(field.data)
            options = options.replace(f'<option value="{value}">', f'<option selected value="{value}">', 1)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


def known_municipality(form, field) -> None:
    """The choice must be one of the 98 codes (a set lookup: WTForms' own check
    builds a Choice object per municipality on every sign-up)."""
    if field.data and field.data not in municipality_codes():
        raise ValidationError(_l("Not a valid choice."))


def email_field(label) -> EmailField:
    """A person's e-mail address: required, one line, a plausible address."""
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            single_line,
            Length(max=EMAIL_MAX, message=_l("At most %(max)d characters.", max=EMAIL_MAX)),
            Email(message=_l("Enter a valid e-mail address, e.g. navn@kommune.dk."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )


class SignupForm(BaseForm):
    session_id = RadioField(
        _l("Choose venue and date"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a venue and date."))],
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=NAME_MAX, message=_l("At most %(max)d characters.", max=NAME_MAX)),
            single_line,
        ],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(_l("E-mail"))
    job_title = StringField(
        _l("Job title"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=_l("At most %(max)d characters.", max=TEXT_MAX)),
            single_line,
        ],
        render_kw={"autocomplete": "organization-title"},
    )
    workplace = StringField(
        _l("Workplace"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=_l("At most %(max)d characters.", max=TEXT_MAX)),
            single_line,
        ],
        render_kw={"autocomplete": "organization"},
    )
    municipality_code = SelectField(
        _l("Municipality"),
        validators=[Optional(), known_municipality],
        validate_choice=False,
        widget=MunicipalitySelect(),
    )
    dietary_needs = TextAreaField(
        _l("Dietary needs (optional)"),
        description=_l("Only shared with the caterer, and deleted after the event."),
        filters=[_strip],
        validators=[Optional(), Length(max=DIETARY_MAX, message=_l("At most %(max)d characters.", max=DIETARY_MAX))],
    )
    comment = TextAreaField(
        _l("Comment for the organiser (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=COMMENT_MAX, message=_l("At most %(max)d characters.", max=COMMENT_MAX))],
    )
    #: Shown only on events offering a participant list (registration.consent); never ticked beforehand.
    list_consent = BooleanField(WORDING)
    submit = SubmitField(_l("Sign up"))

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_code.choices = municipality_choices()
        self.session_id.choices = [(s.id, s.id) for s in sessions]
        if len(self.session_id.choices) == 1 and self.session_id.data is None:
            self.session_id.data = self.session_id.choices[0][0]


class DetailsForm(BaseForm):
    """The person's own corrections on the manage page (the email stays: it is who they are)."""

    name = SignupForm.name
    job_title = SignupForm.job_title
    workplace = SignupForm.workplace
    municipality_code = SignupForm.municipality_code
    dietary_needs = SignupForm.dietary_needs
    submit = SubmitField(_l("Save my details"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_code.choices = municipality_choices()

    def fill_from(self, registration) -> None:
        person = registration.person
        self.name.data = person.name
        self.job_title.data = person.job_title
        self.workplace.data = person.workplace
        self.municipality_code.data = person.municipality_code or ""
        self.dietary_needs.data = registration.dietary_note.text if registration.dietary_note else ""


class ConfirmSignupForm(BaseForm):
    """The button behind a confirmation link (a link alone must not act: mail scanners follow links)."""

    submit = SubmitField(_l("Confirm my registration"))


#: The link form shares the event page with the sign-up form: its fields get their own ids.
LINK_FORM_PREFIX = "link"


class SendLinkForm(BaseForm):
    """ "Send mig mit link igen": just an email address."""

    email = email_field(_l("Your e-mail address"))
    submit = SubmitField(_l("Send me my link"))


class ListConsentForm(BaseForm):
    """The answer to the participant list on the manage page: "yes" or "no"."""

    given = HiddenField(validators=[AnyOf(["yes", "no"])])


class CancelForm(BaseForm):
    #: "yes" once the person has seen the confirmation page; without it nothing changes.
    confirmed = HiddenField()
    submit = SubmitField(_l("Cancel my registration"))
    confirm = SubmitField(_l("Yes, cancel my registration"))

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class MoveForm(BaseForm):
    session_id = RadioField(
        _l("Move to"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a venue and date."))],
    )
    #: "yes" once the person has agreed to give up a seat for a waiting-list place.
    give_up_seat = HiddenField()
    submit = SubmitField(_l("Move my registration"))
    confirm = SubmitField(_l("Yes, move me to the waiting list"))

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.session_id.choices = [(s.id, s.id) for s in sessions]
