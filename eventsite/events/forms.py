"""Back-office forms of the events area: events, sessions, programme items, venues."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, NumberRange, Optional

from eventsite.events.models import EVENT_KIND_LABELS, VISIBILITY_LABELS
from eventsite.forms import DanishDateField, DanishDateTimeField, DanishIntegerField, DanishTimeField, _max, _strip
from eventsite.registration.forms import municipality_choices, single_line

TITLE_MAX = 200
URL_MAX = 500


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
    participant_list = BooleanField(
        _l("Participant list for participants"),
        description=_l(
            "Confirmed participants of a session can see each other's name, job title and workplace, "
            "but only of those who have said yes (off by default for each participant)."
        ),
    )
    colleague_limit = DanishIntegerField(
        _l("Colleagues per member (optional)"),
        description=_l(
            "How many colleagues one member may sign up with the colleague link in their invitation. Empty: no limit."
        ),
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
        _l("Address"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter an address.")), _max(200), single_line],
    )
    postcode = StringField(
        _l("Postcode"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter a postcode.")), _max(10), single_line],
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
