"""Forms of the participant lists and the check-in screen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from eventsite.attendance.participants import REASON_MAX
from eventsite.forms import BaseForm
from eventsite.registration.forms import municipality_choices, single_line
from eventsite.registration.models import (
    ATTENDANCE_NOTE_MAX,
    COMMENT_MAX,
    DIETARY_MAX,
    EMAIL_MAX,
    NAME_MAX,
    TEXT_MAX,
    Attendance,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class DoorForm(BaseForm):
    """A one-button form at the door (check in, undo); carries the search to return to."""

    q = HiddenField()


class AbsentForm(DoorForm):
    kind = RadioField(
        _l("Absence"),
        choices=[
            SelectChoice(Attendance.ABSENT_NOTIFIED.value, _l("Absent, notified")),
            SelectChoice(Attendance.NO_SHOW.value, _l("No-show")),
        ],
        validators=[InputRequired(message=_l("Choose whether the person sent apologies or did not show up."))],
    )


class NoteForm(DoorForm):
    note = StringField(
        _l("Partial attendance"),
        description=_l("For example \u201cdeltog i pkt. 1\u20133\u201d. Leave empty to remove the note."),
        filters=[_strip],
        validators=[Optional(), _max(ATTENDANCE_NOTE_MAX), single_line],
    )


class AddParticipantForm(BaseForm):
    """A sign-up taken by phone; the same fields as the public form."""

    session_id = SelectField(
        _l("Venue and date"), coerce=int, validators=[InputRequired(message=_l("Choose a venue and date."))]
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter the person's name.")), _max(NAME_MAX), single_line],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the person's e-mail address.")),
            single_line,
            _max(EMAIL_MAX),
            Email(message=_l("Enter a valid e-mail address, e.g. navn@kommune.dk."), check_deliverability=False),
        ],
    )
    job_title = StringField(_l("Job title"), filters=[_strip], validators=[Optional(), _max(TEXT_MAX), single_line])
    workplace = StringField(_l("Workplace"), filters=[_strip], validators=[Optional(), _max(TEXT_MAX), single_line])
    municipality_code = SelectField(_l("Municipality"), validators=[Optional()], validate_choice=True)
    dietary_needs = TextAreaField(_l("Dietary needs"), filters=[_strip], validators=[Optional(), _max(DIETARY_MAX)])
    comment = TextAreaField(_l("Comment"), filters=[_strip], validators=[Optional(), _max(COMMENT_MAX)])
    submit = SubmitField(_l("Add participant"))

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_code.choices = [SelectChoice(value, label) for value, label in municipality_choices()]
        self.session_id.choices = [SelectChoice(s.id, label) for s, label in sessions]


class MoveParticipantForm(BaseForm):
    session_id = SelectField(
        _l("Move to"), coerce=int, validators=[InputRequired(message=_l("Choose a venue and date."))]
    )
    submit = SubmitField(_l("Move"))

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.session_id.choices = [SelectChoice(s.id, label) for s, label in sessions]


class CancelParticipantForm(BaseForm):
    keep_seat_free = BooleanField(
        _l("Keep the seat free"),
        description=_l("Do not give the seat to the first on the waiting list, so you can choose who gets it."),
    )
    #: "yes" once the organiser has seen the confirmation page; without it nothing changes.
    confirmed = HiddenField()
    submit = SubmitField(_l("Cancel registration"))
    confirm = SubmitField(_l("Yes, cancel the registration"))


class ResendForm(BaseForm):
    """CSRF only: "Send bekræftelsen igen"."""

    submit = SubmitField(_l("Send the confirmation again"))


class PromoteForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Why this person gets a seat before those ahead of them on the waiting list."),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Give a reason for letting this person skip the waiting list.")),
            _max(REASON_MAX),
        ],
    )
    submit = SubmitField(_l("Give a seat now"))
