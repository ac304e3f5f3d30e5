"""Back-office forms: login, password, events, sessions, programme, venues, accounts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, URL

from eventsite.events.models import EVENT_KIND_LABELS, VISIBILITY_LABELS
from eventsite.organiser.accounts import PASSWORD_MAX, PASSWORD_MIN
from eventsite.organiser.models import EMAIL_MAX, NAME_MAX, ROLE_LABELS
from eventsite.registration.forms import municipality_choices, single_line

TITLE_MAX = 200
URL_MAX = 500


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


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter your e-mail address.")), _max(EMAIL_MAX)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), _max(PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    next = StringField()
    submit = SubmitField(_l("Log in"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(num)d characters.", num=PASSWORD_MIN),
        validators=[DataRequired(message=_l("Enter a new password.")), _max(PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=_l("Repeat the new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))

    def validate_confirm(self, field) -> None:
        from wtforms.validators import ValidationError

        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same."))


class ConfirmForm(FlaskForm):
    """A bare form for POST-only buttons (publish, cancel, delete): CSRF and nothing else."""

    submit = SubmitField(_l("Confirm"))


class EventForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter a title.")), _max(TITLE_MAX), single_line],
    )
    kind = SelectField(_l("Kind of event"))
    target_group = StringField(
        _l("Target group"),
        filters=[_strip],
        description=_l("E.g. middle managers in the municipalities."),
        validators=[Optional(), _max(200), single_line],
    )
    visibility = SelectField(_l("Who can see it"))
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italics*, lists with -, links as [text](https://...)."),
        validators=[Optional(), _max(20000)],
    )
    registration_opens_at = DanishDateTimeField(
        _l("Sign-up opens"),
        description=_l("Empty: as soon as the event is published."),
        validators=[Optional()],
    )
    registration_closes_at = DanishDateTimeField(
        _l("Sign-up deadline"),
        description=_l("Empty: until the session starts."),
        validators=[Optional()],
    )
    cancellation_deadline = DanishDateTimeField(
        _l("Cancellation deadline"),
        description=_l("After this, people can no longer cancel by themselves."),
        validators=[Optional()],
    )
    allows_multiple_sessions = BooleanField(_l("A person may sign up for several sessions"))
    colleague_limit = DanishIntegerField(
        _l("Colleagues per member (optional)"),
        description=_l("How many colleagues one member may sign up with the colleague link in their invitation. Empty: no limit."),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Between 1 and 1000, or empty."))],
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.kind.choices = [(k.value, label) for k, label in EVENT_KIND_LABELS.items()]
        self.visibility.choices = [(v.value, label) for v, label in VISIBILITY_LABELS.items()]


class SessionForm(FlaskForm):
    venue_id = SelectField(_l("Venue"), coerce=int, validate_choice=True)
    day = DanishDateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date."))])
    start_time = DanishTimeField(_l("Starts at"), validators=[InputRequired(message=_l("Enter a start time."))])
    end_day = DanishDateField(
        _l("End date"),
        description=_l("Only for sessions lasting several days."),
        validators=[Optional()],
    )
    end_time = DanishTimeField(_l("Ends at"), validators=[InputRequired(message=_l("Enter an end time."))])
    capacity = DanishIntegerField(
        _l("Seats"),
        description=_l("Empty: unlimited."),
        validators=[Optional(), NumberRange(min=0, message=_l("The number of seats cannot be negative."))],
    )
    online_url = URLField(
        _l("Meeting link"),
        description=_l("Only shown to registered people."),
        filters=[_strip],
        validators=[Optional(), _max(URL_MAX), URL(message=_l("Enter a full link starting with https://."))],
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.venue_id.choices = [(0, _l("Online (no venue)"))] + [(v.id, f"{v.name}, {v.city}") for v in venues]


PROGRAMME_DESCRIPTION_MAX = 1000


class ProgrammeItemForm(FlaskForm):
    starts_at = DanishTimeField(_l("Starts"), validators=[InputRequired(message=_l("Enter a time."))])
    ends_at = DanishTimeField(_l("Ends (optional)"), validators=[Optional()])
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter a title.")), _max(TITLE_MAX), single_line],
    )
    speaker = StringField(_l("Speaker (optional)"), filters=[_strip], validators=[Optional(), _max(200), single_line])
    description = TextAreaField(
        _l("Description (optional)"), filters=[_strip], validators=[Optional(), _max(PROGRAMME_DESCRIPTION_MAX)]
    )
    submit = SubmitField(_l("Save"))


class VenueForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    name = StringField(
        _l("Name"), filters=[_strip], validators=[DataRequired(message=_l("Enter a name.")), _max(200), single_line]
    )
    address = StringField(
        _l("Address"), filters=[_strip], validators=[DataRequired(message=_l("Enter an address.")), _max(200), single_line]
    )
    postcode = StringField(
        _l("Postcode"), filters=[_strip], validators=[DataRequired(message=_l("Enter a postcode.")), _max(10), single_line]
    )
    city = StringField(
        _l("Town"), filters=[_strip], validators=[DataRequired(message=_l("Enter a town.")), _max(100), single_line]
    )
    municipality_code = SelectField(
        _l("Municipality"),
        description=_l("The region is derived from the municipality."),
        validators=[DataRequired(message=_l("Choose a municipality."))],
        validate_choice=True,
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.municipality_code.choices = municipality_choices()


class UserCreateForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    email = EmailField(
        _l("E-mail"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter an e-mail address.")),
            _max(EMAIL_MAX),
            single_line,
            Email(message=_l("Enter a valid e-mail address, e.g. navn@kommune.dk."), check_deliverability=False),
        ],
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[Optional(), _max(NAME_MAX), single_line])
    role = SelectField(_l("Role"))
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(num)d characters. Give it to the person in a safe way.", num=PASSWORD_MIN),
        validators=[DataRequired(message=_l("Enter a password.")), _max(PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]


class MembershipForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    role = SelectField(_l("Role"))
    submit = SubmitField(_l("Change role"))
    remove = SubmitField(_l("Remove from the organisation"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]
