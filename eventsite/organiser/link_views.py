"""Pages reached through emailed account links: answering an invitation, choosing a new password."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventsite import limits
from eventsite.accounts import links
from eventsite.accounts import logins as accounts
from eventsite.accounts.access import bp, public
from eventsite.accounts.models import LinkPurpose
from eventsite.db import utcnow
from eventsite.organiser.account_email import queue_link_email
from eventsite.organiser.forms import ForgottenPasswordForm, NewPasswordForm
from eventsite.organiser.login_session import continue_login
from eventsite.web import refuse, writes


def _private(response: Response) -> Response:
    # The token is in the URL: it must not leave in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _dead_link() -> Response:
    return _private(Response(render_template("organiser/link_invalid.html"), status=404))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limits.per_client("login")
@writes()
@public
def invitation(token: str):
    """The invitee chooses their password; then they are logged in."""
    link = links.link_from_token(token, LinkPurpose.INVITATION, utcnow())
    if link is None:
        return _dead_link()
    form = NewPasswordForm()
    if request.method == "GET":
        return _private(Response(render_template("organiser/invitation.html", form=form, link=link)))
    if not form.validate():
        return _private(Response(render_template("organiser/invitation.html", form=form, link=link), status=422))
    try:
        user = links.set_password_by_link(link, form.password.data, utcnow())
    except accounts.AccountError as error:
        refuse(error, form)
        return _private(Response(render_template("organiser/invitation.html", form=form, link=link), status=422))
    flash(_("Welcome. Your password has been saved."), "success")
    # Administrators and organisers set up their second factor before they are logged in.
    return _private(continue_login(user, None))


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
@limits.per_client("send_link")
@writes()
@public
def forgotten_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgottenPasswordForm()
    if request.method == "GET":
        return render_template("organiser/forgotten_password.html", form=form, sent=False)
    if not form.validate():
        return render_template("organiser/forgotten_password.html", form=form, sent=False), 422
    # A few reset emails an hour per address at most; the page never says whether one went.
    if limits.recipient_allowed(form.email.data):
        link = links.request_password_reset(form.email.data, utcnow())
        if link is not None:
            queue_link_email(link)
    return render_template("organiser/forgotten_password.html", form=ForgottenPasswordForm(formdata=None), sent=True)


@bp.route("/ny-adgangskode/<token>", methods=["GET", "POST"])
@limits.per_client("login")
@writes()
@public
def password_reset(token: str):
    """Choose a new password through the emailed link; every session of the account ends."""
    link = links.link_from_token(token, LinkPurpose.PASSWORD_RESET, utcnow())
    if link is None:
        return _dead_link()
    form = NewPasswordForm()
    if request.method == "GET":
        return _private(Response(render_template("organiser/password_reset.html", form=form, link=link)))
    if not form.validate():
        return _private(Response(render_template("organiser/password_reset.html", form=form, link=link), status=422))
    try:
        links.set_password_by_link(link, form.password.data, utcnow())
    except accounts.AccountError as error:
        refuse(error, form)
        return _private(Response(render_template("organiser/password_reset.html", form=form, link=link), status=422))
    # Not logged in here: the person logs in with the new password (and, where required, the second factor).
    flash(
        _("Your password has been changed, and every browser has been logged out. Log in with the new password."),
        "success",
    )
    return _private(redirect(url_for("organiser.login"), code=303))
