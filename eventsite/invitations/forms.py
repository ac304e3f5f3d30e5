"""Forms for the member directory, the import and invitation rounds."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from eventsite.forms import BaseForm
from eventsite.geo import known_regions
from eventsite.invitations.importing.checks import split_tags
from eventsite.invitations.models import (
    EMAIL_MAX,
    JOB_LEVEL_LABELS,
    MEMBER_NUMBER_MAX,
    NAME_MAX,
    TAG_MAX,
    TEXT_MAX,
    JobLevel,
)
from eventsite.registration.forms import municipality_choices, single_line


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def no_formula(form, field) -> None:
    """Refuse text a spreadsheet would run as a formula when the directory is exported."""
    if field.data and field.data[0] in "=+-@":
        raise ValidationError(_l("The text may not begin with =, +, - or @."))


def job_level_choices() -> list[tuple[str, str]]:
    return [(level.value, JOB_LEVEL_LABELS[level]) for level in JobLevel]


def region_choices() -> list[tuple[str, str]]:
    return [("", _l("– from the municipality –"))] + [(r, r) for r in known_regions()]


class MemberForm(BaseForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter the name.")), _max(NAME_MAX), single_line, no_formula],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the e-mail address.")),
            single_line,
            _max(EMAIL_MAX),
            Email(message=_l("Enter a valid e-mail address, e.g. navn@kommune.dk."), check_deliverability=False),
        ],
    )
    member_number = StringField(
        _l("Member number"), filters=[_strip], validators=[Optional(), _max(MEMBER_NUMBER_MAX), single_line, no_formula]
    )
    job_title = StringField(
        _l("Job title"), filters=[_strip], validators=[Optional(), _max(TEXT_MAX), single_line, no_formula]
    )
    job_level = SelectField(_l("Job level"), default=JobLevel.OTHER.value)
    workplace = StringField(
        _l("Workplace"), filters=[_strip], validators=[Optional(), _max(TEXT_MAX), single_line, no_formula]
    )
    municipality_code = SelectField(_l("Municipality"), validators=[Optional()])
    region = SelectField(
        _l("Region"),
        validators=[Optional()],
        description=_l("Only needed when the municipality is unknown; otherwise it follows from the municipality."),
    )
    tags = StringField(
        _l("Tags"),
        filters=[_strip],
        description=_l("Separated by commas, e.g. Kreds Hovedstaden, netværk."),
        validators=[Optional(), _max(1000), single_line],
    )
    opted_out = BooleanField(_l("Does not want invitations (unsubscribed)"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.job_level.choices = job_level_choices()
        self.municipality_code.choices = municipality_choices()
        self.region.choices = region_choices()

    def validate_tags(self, field) -> None:
        for tag in split_tags(field.data or ""):
            if len(tag) > TAG_MAX:
                raise ValidationError(_l("A tag may have at most %(max)d characters.", max=TAG_MAX))
            if tag[0] in "=+-@":
                raise ValidationError(_l("The text may not begin with =, +, - or @."))


class ImportForm(BaseForm):
    file = FileField(
        _l("Member file (CSV or XLSX)"),
        description=_l(
            "The export from the membership system: CSV (comma or semicolon, UTF-8 or Windows-1252) or XLSX. "
            "The first row must name the columns, at least “Navn” and “E-mail”."
        ),
    )
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(BaseForm):
    valid_only = BooleanField(_l("Import only the valid rows"))
    submit = SubmitField(_l("Import"))


class SendForm(BaseForm):
    """The send button under an audience preview; the criteria travel as hidden fields."""

    #: A fresh random value per rendered form: the same value twice is the same click.
    idempotency_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    submit = SubmitField(_l("Send invitations"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new key for every rendered form; a POST must bring the key it was given.
        if not self.is_submitted() and not self.idempotency_key.data:
            self.idempotency_key.data = secrets.token_urlsafe(24)


class ActionForm(BaseForm):
    """A button that changes something: only the CSRF token."""


class DeclineForm(BaseForm):
    submit = SubmitField(_l("I cannot attend"))


class UnsubscribeForm(BaseForm):
    submit = SubmitField(_l("Unsubscribe from invitations"))
