"""Forms of the privacy pages: the organiser's erasure and the retention settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from eventsite.forms import BaseForm
from eventsite.privacy.erasure import REASON_MAX


class EraseForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for the erasure"),
        description=_l(
            'E.g. "the person asked to be erased". Do not write the person\'s name: it is kept in the audit trail.'
        ),
        validators=[
            DataRequired(message=_l("Give a reason for the erasure.")),
            Length(max=REASON_MAX, message=_l("The reason may be at most %(max)d characters.", max=REASON_MAX)),
        ],
    )
    #: "yes" once the organiser has seen the confirmation page.
    confirmed = HiddenField(default="")
    submit = SubmitField(_l("Erase the person's data"))


def retention_form(steps: list[tuple[str, object, int, int, int]]) -> BaseForm:
    """A form with one number field per configurable step: (name, label, value, minimum, maximum)."""

    class RetentionForm(BaseForm):
        submit = SubmitField(_l("Save the retention periods"))

    for name, label, _value, minimum, maximum in steps:
        setattr(
            RetentionForm,
            name,
            IntegerField(
                label,
                validators=[InputRequired(message=_l("Give a number."))],
                render_kw={"min": minimum, "max": maximum, "inputmode": "numeric"},
            ),
        )
    return RetentionForm(data={name: value for name, _label, value, _minimum, _maximum in steps})
