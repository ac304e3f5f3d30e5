"""Back-office forms of the meetings area: agenda items, copying, bilag, series."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, InputRequired, NumberRange, Optional, ValidationError

from eventsite.forms import DanishDateField, DanishIntegerField, DanishTimeField, _max, _strip
from eventsite.meetings.models import (
    AGENDA_KIND_LABELS,
    CASE_NUMBER_MAX,
    DESCRIPTION_MAX,
    PRESENTER_MAX,
    SHOWN_TO_LABELS,
    TITLE_MAX,
    AgendaKind,
    ShownTo,
)
from eventsite.registration.forms import single_line

URL_MAX = 500


def _kind_choices() -> list[tuple[str, Any]]:
    return [(kind.value, AGENDA_KIND_LABELS[kind]) for kind in AgendaKind]


def _shown_to_choices() -> list[tuple[str, Any]]:
    return [(value.value, SHOWN_TO_LABELS[value]) for value in ShownTo]


class AgendaItemForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter a title.")), _max(TITLE_MAX), single_line],
    )
    kind = SelectField(_l("Kind of item"), choices=_kind_choices)
    case_number = StringField(
        _l("Case number (optional)"),
        description=_l("E.g. S2024-702."),
        filters=[_strip],
        validators=[Optional(), _max(CASE_NUMBER_MAX), single_line],
    )
    presenter = StringField(
        _l("Presented by (optional)"),
        description=_l("E.g. Morten Sørensen."),
        filters=[_strip],
        validators=[Optional(), _max(PRESENTER_MAX), single_line],
    )
    starts_at = DanishTimeField(_l("From (optional)"), validators=[Optional()])
    ends_at = DanishTimeField(_l("To (optional)"), validators=[Optional()])
    description = TextAreaField(
        _l("Description (optional)"),
        description=_l("Markdown: **bold**, *italics*, lists with -, links as [text](https://...)."),
        validators=[Optional(), _max(DESCRIPTION_MAX)],
    )
    proposed_decision = TextAreaField(
        _l("Proposed decision (optional)"),
        description=_l("E.g. “Sekretariatet indstiller, at …”."),
        filters=[_strip],
        validators=[Optional(), _max(4000)],
    )
    submit = SubmitField(_l("Save"))


class AgendaVisibilityForm(FlaskForm):
    shown_to = SelectField(_l("Who sees the agenda and its bilag list"), choices=_shown_to_choices)
    submit = SubmitField(_l("Save"))


class CopyAgendaForm(FlaskForm):
    source_session_id = SelectField(_l("Copy the agenda of"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Copy the agenda"))


class TemplateForm(FlaskForm):
    template = SelectField(_l("Built-in agenda"), validate_choice=True)
    submit = SubmitField(_l("Add its items"))


class UploadForm(FlaskForm):
    """Checked by hand in the view (after raising the upload limit): CSRF comes first there."""

    title = StringField(
        _l("Title (optional)"),
        description=_l("E.g. “Bilag 1. Handlerum – faglig ledelse”. Empty: the file's name."),
        filters=[_strip],
        validators=[Optional(), _max(TITLE_MAX), single_line],
    )
    agenda_item_id = SelectField(_l("Attached to"), coerce=int, validate_choice=True)
    shown_to = SelectField(_l("Who may download it"), choices=_shown_to_choices)
    file = FileField(_l("File"))
    submit = SubmitField(_l("Attach the file"))


class FileVisibilityForm(FlaskForm):
    shown_to = SelectField(_l("Who may download it"), choices=_shown_to_choices)
    submit = SubmitField(_l("Save"))


def _dates(form: FlaskForm, field: Any) -> None:
    if not field.data:
        raise ValidationError(_l("Enter at least one date."))


class SeriesForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    title = StringField(
        _l("Title"),
        description=_l("E.g. Bestyrelsesmøde. Each meeting gets this title and its date."),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter a title.")), _max(TITLE_MAX), single_line],
    )
    kind = SelectField(_l("Kind of event"))
    venue_id = SelectField(_l("Venue"), coerce=int, validate_choice=True)
    online_url = URLField(
        _l("Virtual meeting link (optional)"),
        description=_l("Only shown to participants."),
        filters=[_strip],
        validators=[Optional(), _max(URL_MAX), URL(message=_l("Enter a full link starting with https://."))],
    )
    dates = TextAreaField(
        _l("Dates"),
        description=_l("One date per line, e.g. 12.03.2027."),
        validators=[_dates],
    )
    start_time = DanishTimeField(_l("Starts at"), validators=[InputRequired(message=_l("Enter a start time."))])
    end_time = DanishTimeField(_l("Ends at"), validators=[InputRequired(message=_l("Enter an end time."))])
    capacity = DanishIntegerField(
        _l("Seats"),
        description=_l("Empty: unlimited."),
        validators=[Optional(), NumberRange(min=0, message=_l("The number of seats cannot be negative."))],
    )
    template = SelectField(_l("Agenda of each meeting"))
    submit = SubmitField(_l("Create the meetings"))


class SeriesMeetingForm(FlaskForm):
    day = DanishDateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date."))])
    start_time = DanishTimeField(_l("Starts at"), validators=[InputRequired(message=_l("Enter a start time."))])
    end_time = DanishTimeField(_l("Ends at"), validators=[InputRequired(message=_l("Enter an end time."))])
    submit = SubmitField(_l("Add the meeting"))
