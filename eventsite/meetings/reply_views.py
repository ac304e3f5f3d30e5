"""Public pages reached through personal links: afbud and "Jeg deltager" from the manage
link, and the minutes' approval link; plus the published minutes' PDF.

A forged, altered or revoked link answers 404; a link for a superseded version, an
answer after the deadline or afbud after the meeting started gets a Danish message
and changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventsite import limits
from eventsite.accounts.brand import use_brand_of
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.meetings import afbud, approval
from eventsite.meetings.minutes_forms import AcceptForm, AfbudForm, ApprovalForm, WithdrawAfbudForm
from eventsite.meetings.minutes_models import ApprovalResponse
from eventsite.meetings.minutes_pdf import minutes_pdf, pdf_response
from eventsite.registration.pages import visible_event_or_404
from eventsite.registration.tokens import registration_or_abort
from eventsite.web import refuse, writes

bp = Blueprint("meeting_replies", __name__)


def _back_to_manage(token: str):
    return redirect(url_for("registration.manage", token=token, _anchor="afbud-heading"), code=303)


@bp.post("/tilmelding/<token>/afbud")
@limits.per_client("invitation_answer")
@writes()
def send_afbud(token: str):
    """Afbud through the personal manage link, with an optional reason."""
    registration = registration_or_abort(token, utcnow())
    form = AfbudForm()
    if not form.validate():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return _back_to_manage(token)
    try:
        afbud.send_afbud(registration, form.reason.data or "")
    except afbud.AfbudError as error:
        refuse(error)
        return _back_to_manage(token)
    flash(_("Your afbud has been sent. Thank you for letting us know."), "success")
    return _back_to_manage(token)


def withdrawn_message(outcome: afbud.Withdrawn) -> str:
    """What the person is told when their afbud is withdrawn: a seat, or the waiting list."""
    if outcome is afbud.Withdrawn.SEAT:
        return _("Your afbud has been withdrawn: you have your place again.")
    return _("Your afbud has been withdrawn. The meeting is full, so you are on the waiting list.")


@bp.post("/tilmelding/<token>/fortryd-afbud")
@limits.per_client("invitation_answer")
@writes()
def withdraw_afbud(token: str):
    """The person takes their afbud back before the meeting, through the personal link."""
    registration = registration_or_abort(token, utcnow())
    if not WithdrawAfbudForm().validate():
        abort(400)
    try:
        outcome = afbud.withdraw_afbud(registration)
    except afbud.AfbudError as error:
        refuse(error)
        return _back_to_manage(token)
    flash(withdrawn_message(outcome), "success")
    return _back_to_manage(token)


@bp.post("/tilmelding/<token>/deltager")
@limits.per_client("invitation_answer")
@writes()
def accept(token: str):
    """A closed meeting's "Jeg deltager"."""
    registration = registration_or_abort(token, utcnow())
    if not AcceptForm().validate():
        abort(400)
    try:
        if afbud.accept(registration):
            flash(_("Thank you: you are on the list as attending."), "success")
    except afbud.AfbudError as error:
        refuse(error)
    return _back_to_manage(token)


def _approval_or_404(token: str):
    found = approval.approval_from_token(token)
    if found is None:
        abort(404)
    use_brand_of(found.person.organisation_id)
    return found


def _render_approval(found, form, status=200):
    version = found.version
    return (
        render_template(
            "meetings/approval.html",
            approval=found,
            version=version,
            minutes=version.data,
            form=form,
            current=approval.is_current(found),
            state=version.minutes.state,
            past_deadline=utcnow() > version.deadline,
            Response=ApprovalResponse,
        ),
        status,
    )


@bp.route("/referat/godkend/<token>", methods=["GET", "POST"])
@limits.per_client("invitation_answer")
@writes()
def approval_page(token: str):
    """A recipient reads the minutes and approves or objects (with a comment)."""
    found = _approval_or_404(token)
    form = ApprovalForm()
    if request.method == "GET":
        return _render_approval(found, ApprovalForm(formdata=None, comment=found.comment))
    if not form.validate():
        return _render_approval(found, form, 422)
    try:
        approval.respond(found, approve=bool(form.approve.data), comment=form.comment.data or "")
    except approval.ApprovalRefused as error:
        refuse(error, form)
        return _render_approval(found, form, 409)
    if found.response is ApprovalResponse.APPROVED:
        flash(_("Thank you: you have approved the minutes."), "success")
    else:
        flash(_("Thank you: your objection has been sent to the organiser."), "success")
    return redirect(url_for("meeting_replies.approval_page", token=token), code=303)


@bp.get("/referater/<int:session_id>.pdf")
def published_pdf(session_id: int) -> Response:
    """The published minutes as a PDF (only once published, only of a published event)."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        abort(404)
    # Seen only where the event itself may be seen (an invitation-only event needs its link).
    visible_event_or_404(session.event_id)
    version = approval.published_version(session.id)
    if version is None:
        abort(404)
    return pdf_response(minutes_pdf(version.data, session.event.organisation), f"referat-{session.id}.pdf")
