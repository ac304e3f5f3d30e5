"""Back-office forms of the organiser shell: login, password, accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Optional, ValidationError

from eventsite.accounts.logins import PASSWORD_MAX, PASSWORD_MIN
from eventsite.accounts.models import EMAIL_MAX, NAME_MAX, ROLE_LABELS
from eventsite.forms import _max, _strip
from eventsite.registration.forms import single_line


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


class _NewPasswordFields(FlaskForm):
    """A new password typed twice: changing one's password, an invitation, a reset."""

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

    def validate_confirm(self, field) -> None:
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same."))


class PasswordChangeForm(_NewPasswordFields):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Change password"))


class UserCreateForm(FlaskForm):
    """Invite someone: they choose their own password through the emailed link."""

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
    submit = SubmitField(_l("Send the invitation"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]


class NewPasswordForm(_NewPasswordFields):
    """Choose a password through an emailed link (invitation or reset)."""

    submit = SubmitField(_l("Save the password"))


class ForgottenPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter your e-mail address.")), _max(EMAIL_MAX), single_line],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField(_l("Send me a link"))


class MembershipForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    role = SelectField(_l("Role"))
    submit = SubmitField(_l("Change role"))
    remove = SubmitField(_l("Remove from the organisation"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]


class AccountStatusForm(FlaskForm):
    """Close or reopen an account (the button is all there is)."""

    submit = SubmitField(_l("Close the account"))


class SecondFactorCodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter the code.")), _max(20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Continue"))


class RecoveryCodesForm(FlaskForm):
    submit = SubmitField(_l("Make new recovery codes"))


class OrganisationSwitchForm(FlaskForm):
    """The header's switcher: which of the account's organisations the back office shows."""

    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    next = StringField()
    submit = SubmitField(_l("Switch"))
