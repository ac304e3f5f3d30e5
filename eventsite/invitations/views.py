"""The links in an invitation e-mail: "Jeg kan ikke deltage" and unsubscribe.

The sign-up link itself goes to the event page (`?invitation=<token>`), which
fills in the form from the directory (see eventsite.registration.pages).

Following a link never changes anything: mail scanners open links to inspect
them. The decline and unsubscribe pages each show a button that POSTs. The
unsubscribe POST is also RFC 8058's one-click endpoint (List-Unsubscribe-Post), so
it takes no CSRF token: the signed token in its URL is what authorises it.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for

from eventsite import limits
from eventsite.accounts.brand import use_brand_of
from eventsite.invitations import sending
from eventsite.invitations.audience import held_place
from eventsite.invitations.forms import DeclineForm, UnsubscribeForm
from eventsite.invitations.models import Invitation
from eventsite.invitations.tokens import invitation_from_token, invitation_token, link_expired
from eventsite.registration.tokens import manage_token
from eventsite.web import writes

bp = Blueprint("invitations", __name__)


def _invitation_or_404(token: str) -> Invitation:
    invitation = invitation_from_token(token)
    if invitation is None:
        abort(404)
    use_brand_of(invitation.event.organisation_id)
    return invitation


def _signup_url(invitation: Invitation) -> str:
    return url_for("events.event_page", event_id=invitation.event_id, invitation=invitation_token(invitation))


@bp.route("/invitation/<token>/afbud", methods=["GET", "POST"])
@limits.per_client("invitation_answer")
@writes()
def decline(token: str):
    invitation = _invitation_or_404(token)
    if link_expired(invitation.event):
        abort(410)
    form = DeclineForm()
    # Someone who signed up and now cannot come has a place to give up, which a
    # decline would not do: the page leads to their registration instead.
    registration = held_place(invitation)
    if registration is not None:
        return render_template(
            "invitations/decline.html",
            invitation=invitation,
            event=invitation.event,
            form=None,
            registration=registration,
            manage_url=url_for("registration.manage", token=manage_token(registration)),
        )
    done = False
    if form.validate_on_submit():
        sending.record_decline(invitation)
        done = True
    return render_template(
        "invitations/decline.html",
        invitation=invitation,
        event=invitation.event,
        form=form,
        done=done,
        already=invitation.declined_at is not None and not done,
        signup_url=_signup_url(invitation),
    )


@bp.get("/invitation/<token>/afmeld")
def unsubscribe(token: str):
    invitation = _invitation_or_404(token)
    return render_template(
        "invitations/unsubscribe.html",
        invitation=invitation,
        organisation=invitation.event.organisation,
        form=UnsubscribeForm(),
        done=False,
    )


@bp.post("/invitation/<token>/afmeld")
@limits.per_client("invitation_answer")
@writes()
def unsubscribe_one_click(token: str):
    invitation = _invitation_or_404(token)
    sending.unsubscribe(invitation.member)
    return render_template(
        "invitations/unsubscribe.html",
        invitation=invitation,
        organisation=invitation.event.organisation,
        form=None,
        done=True,
    )
