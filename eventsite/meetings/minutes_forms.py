"""Forms for afbud, the fixed list, the minutes and their approval."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from eventsite.forms import BaseForm, DanishIntegerField
from eventsite.meetings.approval import DEFAULT_DEADLINE_DAYS
from eventsite.meetings.minutes_models import COMMENT_MAX, NAME_MAX
from eventsite.meetings.participation_models import REASON_MAX


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class AfbudForm(BaseForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), _max(REASON_MAX)])
    submit = SubmitField(_l("Send afbud"))


class AcceptForm(BaseForm):
    submit = SubmitField(_l("I will attend"))


class WithdrawAfbudForm(BaseForm):
    submit = SubmitField(_l("Withdraw afbud"))


class RosterForm(BaseForm):
    tag = StringField(_l("Members with the tag"), validators=[Optional(), _max(60)])
    entries = TextAreaField(
        _l("E-mail addresses or member numbers, one per line"), validators=[Optional(), _max(20000)]
    )
    submit = SubmitField(_l("Add to the list and send the summons"))


class PhoneAfbudForm(BaseForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), _max(REASON_MAX)])
    submit = SubmitField(_l("Record afbud"))


class SendForm(BaseForm):
    recipients = RadioField(
        _l("Send to"),
        choices=[
            SelectChoice("list", _l("Everyone on the meeting's list (participants and afbud)")),
            SelectChoice("attending", _l("Only those who took part")),
        ],
        default="list",
        validators=[InputRequired()],
    )
    deadline_days = DanishIntegerField(
        _l("Days to object"), default=DEFAULT_DEADLINE_DAYS, validators=[InputRequired(), NumberRange(1, 60)]
    )
    submit = SubmitField(_l("Send for approval"))


class MinutesHeadForm(BaseForm):
    chair = StringField(_l("Chair (dirigent)"), validators=[Optional(), _max(NAME_MAX)])
    secretary = StringField(_l("Minute-taker (referent)"), validators=[Optional(), _max(NAME_MAX)])
    preamble = TextAreaField(_l("Introduction"), validators=[Optional(), _max(5000)])
    submit = SubmitField(_l("Save the draft"))


class ApprovalForm(BaseForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), _max(COMMENT_MAX)])
    answer = HiddenField()
    approve = SubmitField(_l("Approve the minutes"))
    object = SubmitField(_l("Object"))


class ConfirmActionForm(BaseForm):
    submit = SubmitField(_l("Confirm"))


class PresenceForm(BaseForm):
    arrived_item = StringField(_l("Arrived at item"), validators=[Optional()])
    arrived_during = BooleanField(_l("arrived partway through the item"))
    left_item = StringField(_l("Left at item"), validators=[Optional()])
    left_during = BooleanField(_l("left partway through the item"))
    online = BooleanField(_l("Took part online"))
    q = HiddenField()
    submit = SubmitField(_l("Save attendance"))
