"""The small forms of the member page: buttons carrying the CSRF token and a choice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField
from wtforms.validators import AnyOf

from eventsite.forms import BaseForm


class EnterForm(BaseForm):
    """The button behind the emailed link (a link alone must not act: mail scanners follow links)."""

    submit = SubmitField(_l("Go to my registrations"))


class ButtonForm(BaseForm):
    """A button whose meaning is its URL (log out, new calendar address)."""


class ConsentForm(BaseForm):
    #: "yes" to appear on the participant list, "no" to be taken off it.
    given = HiddenField(validators=[AnyOf(["yes", "no"])])


class InvitationsForm(BaseForm):
    #: "yes" to receive invitations again, "no" to unsubscribe.
    wanted = HiddenField(validators=[AnyOf(["yes", "no"])])


class EraseForm(BaseForm):
    #: "yes" once the person has seen the confirmation page; without it nothing changes.
    confirmed = HiddenField()
    submit = SubmitField(_l("Delete my data"))
    confirm = SubmitField(_l("Yes, delete my data"))

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"
