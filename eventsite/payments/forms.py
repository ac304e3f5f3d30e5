"""Back-office forms: fee, day prices, days, add-ons, subsidy budget and decisions, invoicing marks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from eventsite.forms import DanishDateField, DanishIntegerField
from eventsite.payments.models import ADDON_KIND_LABELS, DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX, AddOnKind
from eventsite.payments.pricing import PriceError, parse_dkk
from eventsite.registration.forms import single_line


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class PriceField(StringField):
    """A price typed in Danish ("2.133" or "2.133,50"); `ore` holds it in øre once validated."""

    def __init__(self, *args, required: bool = True, **kwargs):
        kwargs.setdefault("filters", [_strip])
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.required = required
        self.ore: int | None = None

    def pre_validate(self, form) -> None:
        self.ore = None
        if not self.data:
            if self.required:
                raise ValidationError(_l("Enter a price in kroner, e.g. 2.133 or 2.133,50."))
            return
        try:
            self.ore = parse_dkk(self.data)
        except PriceError as error:
            raise ValidationError(error.message) from None


class FeeForm(FlaskForm):
    member_price = PriceField(_l("Price for members"))
    non_member_price = PriceField(_l("Price for non-members"))
    submit = SubmitField(_l("Save the fee"))


class DayPriceForm(FlaskForm):
    days = DanishIntegerField(_l("Number of days"), validators=[InputRequired(message=_l("Enter the number of days."))])
    member_price = PriceField(_l("Price for members"))
    non_member_price = PriceField(_l("Price for non-members"))
    submit = SubmitField(_l("Save the day price"))


class DayForm(FlaskForm):
    day = DanishDateField(_l("Date"), validators=[InputRequired(message=_l("Enter a valid date."))])
    label = StringField(_l("Label (optional)"), filters=[_strip], validators=[Optional(), _max(TITLE_MAX), single_line])
    capacity = DanishIntegerField(_l("Places (leave empty for as many as the session)"), validators=[Optional()])
    submit = SubmitField(_l("Add the day"))


class DayEditForm(FlaskForm):
    label = StringField(_l("Label (optional)"), filters=[_strip], validators=[Optional(), _max(TITLE_MAX), single_line])
    capacity = DanishIntegerField(_l("Places (leave empty for as many as the session)"), validators=[Optional()])
    submit = SubmitField(_l("Save the day"))


class AddOnForm(FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, ADDON_KIND_LABELS[k]) for k in AddOnKind],
        validators=[InputRequired(message=_l("Choose a kind."))],
    )
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Give the add-on a title.")), _max(TITLE_MAX), single_line],
    )
    description = TextAreaField(
        _l("Description (optional)"), filters=[_strip], validators=[Optional(), _max(DESCRIPTION_MAX)]
    )
    price = PriceField(_l("Price"))
    capacity = DanishIntegerField(_l("Places (leave empty for unlimited)"), validators=[Optional()])
    submit = SubmitField(_l("Save the add-on"))


class BudgetForm(FlaskForm):
    places = DanishIntegerField(_l("Subsidised places (optional)"), validators=[Optional()])
    amount = PriceField(_l("Amount in total (optional)"), required=False)
    description = TextAreaField(
        _l("Shown on the sign-up form (optional)"), filters=[_strip], validators=[Optional(), _max(DESCRIPTION_MAX)]
    )
    submit = SubmitField(_l("Save the subsidy budget"))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("decline", _l("Decline"))],
        validators=[InputRequired(message=_l("Choose approve or decline."))],
    )
    #: Required only when the budget is an amount (the view sets the label to say so).
    granted = PriceField(_l("Amount granted"), required=False)
    note = TextAreaField(
        _l("Note to the person (sent by e-mail)"), filters=[_strip], validators=[Optional(), _max(NOTE_MAX)]
    )
    submit = SubmitField(_l("Save the decision"))


class MarkForm(FlaskForm):
    """CSRF only: the ticked registrations and the pressed button come as plain form values."""
