"""Pages reached through emailed account links: answering an invitation, choosing a new password."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request
from flask_babel import gettext as _

from eventsite.accounts import links
from eventsite.accounts import logins as accounts
from eventsite.accounts.access import bp, public
from eventsite.accounts.models import LinkPurpose
from eventsite.db import utcnow
from eventsite.organiser.auth import home_url, start_login_session
from eventsite.organiser.forms import NewPasswordForm
from eventsite.web import refuse, writes


def _private(response: Response) -> Response:
    # The token is in the URL: it must not leave in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _dead_link() -> Response:
    return _private(Response(render_template("organiser/link_invalid.html"), status=404))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
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
    start_login_session(user)
    flash(_("Welcome. Your password has been saved."), "success")
    return _private(redirect(home_url(), code=303))
