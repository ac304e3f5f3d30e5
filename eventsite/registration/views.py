"""Sign-up, receipt and the personal manage page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from eventsite import limits
from eventsite.accounts.brand import use_brand, use_brand_of
from eventsite.db import utcnow
from eventsite.events.models import Visibility
from eventsite.registration import consent, holds, operations, recovery, review, self_service, verification
from eventsite.registration.capacity import waitlist_only
from eventsite.registration.forms import (
    LINK_FORM_PREFIX,
    CancelForm,
    ConfirmSignupForm,
    DetailsForm,
    ListConsentForm,
    MoveForm,
    SendLinkForm,
    SignupForm,
)
from eventsite.registration.operations import AlreadySignedUp, PersonDetails, RegistrationError, SeatWouldBeLost
from eventsite.registration.pages import render_event_page, visible_event_or_404
from eventsite.registration.signup import extra_fields, manage_context, sign_up, voucher_for
from eventsite.registration.tokens import manage_token, registration_or_abort
from eventsite.text import absolute_url
from eventsite.web import discard, keep_changes, refuse, writes

bp = Blueprint("registration", __name__)


@bp.post("/arrangementer/<int:event_id>/tilmeld")
@limits.per_client("signup")
@writes(lock="late")
def signup(event_id: int):
    event = visible_event_or_404(event_id)
    now = utcnow()
    form, extras = _signup_forms(event, now)
    if not _validate(form, extras):
        # A session id that is not one of this event's open sessions: say so plainly.
        return render_event_page(event, form, status=422, extras=extras)
    # A sign-up with a price, posted without the live total: the review step first.
    reviews = review.parts(extras)
    if review.wanted(request.form, reviews):
        answered = _reviewed(event, form, extras, reviews)
        if answered is not None:
            return answered
    # A personal or colleague invitation link vouches for the person.
    voucher = voucher_for(event, request.args.get("invitation"))
    if verification.needed(event, identified=voucher is not None):
        # Members only, and nobody vouches for this address yet: the address's owner
        # confirms by email, and only they learn whether they can sign up.
        session = next(s for s in event.active_sessions if s.id == form.session_id.data)
        # Over the per-address limit nothing is kept or sent, and the page is the same.
        if limits.recipient_allowed(form.email.data):
            verification.start(event, session, form.email.data, request.form, now)
        return redirect(url_for("registration.check_email", event_id=event.id), code=303)
    if voucher is not None and voucher.personal:
        # The person's own link identifies them: the sign-up is decided and shown now.
        return _sign_up_from(event, form, extras, now, voucher=voucher)
    return _hold_from(event, form, extras, now, voucher)


def _reviewed(event, form, extras, reviews):
    """The review step (registration.review): the review page, the form again ("Ret"),
    a refusal, or None when the reviewed sign-up is confirmed and goes ahead."""
    action = request.form.get(review.ACTION)
    if action == "edit":
        return render_event_page(event, form, extras=extras)
    if action != "confirm":
        return _review_page(event, form, reviews)
    try:
        review.check(request.form, reviews)
    except review.ReviewOutdated as outdated:
        return _review_page(event, form, reviews, notice=str(outdated.message))
    except review.ReviewTampered as tampered:
        refuse(tampered, form)
        return render_event_page(event, form, status=409, extras=extras)
    return None


def _review_page(event, form, reviews, notice=None):
    """ "Gennemse og bekræft": the answers and the total; nothing is written or held."""
    use_brand(event.organisation)
    session = next(s for s in event.active_sessions if s.id == form.session_id.data)
    counts = operations.seat_counts_for([session.id])
    return render_template(
        "registration/review.html",
        event=event,
        session=session,
        form=form,
        reviews=reviews,
        waitlist=session.id in counts and waitlist_only(counts[session.id]),
        carried=review.carried(request.form),
        review_token=review.token(request.form, reviews),
        invitation=request.args.get("invitation"),
        notice=notice,
    )


def _hold_from(event, form, extras, now, voucher):
    """An anonymous sign-up: hold the place until the address's owner confirms it by email.

    Every address gets the same answer (a 303 to the same page): known or not, signed
    up already or not, over the per-address email limit or not. See registration.holds.
    """
    email = form.email.data
    # Over the per-address limit nothing is held or sent, and the answer is the same.
    if limits.recipient_allowed(email):
        try:
            registration = sign_up(
                form.session_id.data,
                PersonDetails.from_form(form),
                comment=form.comment.data or "",
                dietary_needs=form.dietary_needs.data or "",
                answers=[fields.choices() for fields in extras],
                voucher=voucher,
                held_until=now + holds.duration(),
                now=now,
            )
            if event.participant_list and form.list_consent.data:
                # Only the address's owner can consent: it applies when they confirm.
                holds.hold_list_consent(registration, str(form.list_consent.label.text))
        except AlreadySignedUp:
            # No second place, and nothing about the person changes: the email says so.
            holds.tell_already_signed_up(event.id, event.organisation_id, email)
        except IntegrityError:
            # The same address twice at once: the database kept one, whose email is on its way.
            discard()
        except RegistrationError as error:
            # Refusals about the event, the same for every address (closed, a full add-on).
            refuse(error, form)
            return render_event_page(event, form, status=409)
        except LookupError:
            abort(404)
    # A colleague link's token comes along: an invitation-only event opens only to it.
    invitation = voucher.token if voucher is not None else None
    return redirect(url_for("registration.check_email", event_id=event.id, invitation=invitation), code=303)


def _record_list_consent(event, form, registration, now) -> None:
    """The ticked participant-list box, with the wording the form showed (registration.consent)."""
    if event.participant_list and form.list_consent.data:
        consent.record(registration, True, now, shown=str(form.list_consent.label.text))


def _signup_forms(event, now, formdata=None):
    """The sign-up form and the areas' fieldsets (days, add-ons, payer, subsidy; none for most events)."""
    kwargs = {} if formdata is None else {"formdata": formdata, "meta": {"csrf": False}}
    form = SignupForm(sessions=[s for s in event.active_sessions if s.starts_at > now], **kwargs)
    return form, extra_fields(event, formdata)


def _validate(form, extras) -> bool:
    valid = form.validate()
    # Every fieldset is validated, so each shows its own errors.
    extras_valid = all([fields.validate() for fields in extras])
    if valid and not extras_valid:
        # Only the extra fields are wrong: the form's alert must still say so.
        form.form_errors.append(_("Please correct the fields marked below."))
    return valid and extras_valid


def _sign_up_from(event, form, extras, now, voucher=None, identified=False):
    """Sign up from a validated form and go to the receipt (or show why not).

    `voucher`: the invitation link used, if any (see registration.signup.sign_up).
    """
    try:
        registration = sign_up(
            form.session_id.data,
            PersonDetails.from_form(form),
            comment=form.comment.data or "",
            dietary_needs=form.dietary_needs.data or "",
            answers=[fields.choices() for fields in extras],
            voucher=voucher,
            identified=identified,
            now=now,
        )
        _record_list_consent(event, form, registration, now)
        # Sign the manage link before the commit expires the row: reading it back
        # afterwards costs a query, and on SQLite a second write transaction.
        token = manage_token(registration)
    except RegistrationError as error:
        refuse(error, form)
        return render_event_page(event, form, status=409, offer_link=True)
    except IntegrityError:
        # Two simultaneous sign-ups by the same person: the database kept one.
        refuse(RegistrationError(_("You are already signed up for this event.")), form)
        return render_event_page(event, form, status=409, offer_link=True)
    except LookupError:
        abort(404)
    return redirect(url_for("registration.receipt", token=token), code=303)


@bp.get("/arrangementer/<int:event_id>/tjek-din-email")
def check_email(event_id: int):
    """The same answer for every address: the confirmation link is in the inbox."""
    event = visible_event_or_404(event_id)
    members = event.visibility is Visibility.MEMBERS
    hours = _lifetime_hours() if members else holds.hours()
    return render_template("registration/check_email.html", event=event, hours=hours, members=members)


@bp.route("/tilmelding/bekraeft-plads/<token>", methods=["GET", "POST"])
@writes()
def confirm_hold(token: str):
    """The link in "Bekræft din plads": a button first (mail scanners follow links),
    then the held place is confirmed, the typed details applied, and the receipt shown."""
    now = utcnow()
    try:
        registration = holds.held_from_token(token, now)
    except holds.LinkExpired:
        return render_template("registration/confirm_expired.html", hours=holds.hours()), 410
    if registration is None:
        abort(404)
    use_brand_of(registration.person.organisation_id)
    confirm = ConfirmSignupForm()
    if request.method == "GET" or not confirm.validate():
        return render_template(
            "registration/confirm_signup.html",
            event=registration.event,
            session=registration.session,
            name=holds.held_name(registration),
            email=registration.person.email,
            list_consent=holds.held_list_consent(registration),
            confirm_form=confirm,
        )
    holds.confirm(registration, now)
    token = manage_token(registration)
    return redirect(url_for("registration.receipt", token=token), code=303)


def _lifetime_hours() -> int:
    return int(verification.LIFETIME.total_seconds() // 3600)


@bp.route("/tilmelding/bekraeft/<token>", methods=["GET", "POST"])
@writes(lock="late")
def confirm_signup(token: str):
    """The link in "Bekræft din tilmelding": a button first (mail scanners follow links),
    then the sign-up, decided now that the address's owner asks."""
    now = utcnow()
    try:
        pending = verification.pending_from_token(token, now)
    except verification.LinkExpired:
        return render_template("registration/confirm_expired.html", hours=_lifetime_hours()), 410
    if pending is None:
        abort(404)
    event = pending.event
    use_brand_of(event.organisation_id)
    formdata = verification.form_data(pending)
    form, extras = _signup_forms(event, now, formdata=formdata)
    confirm = ConfirmSignupForm()
    if request.method == "GET" or not confirm.validate():
        session = next((s for s in event.sessions if str(s.id) == formdata.get("session_id")), None)
        return render_template(
            "registration/confirm_signup.html",
            event=event,
            session=session,
            name=formdata.get("name"),
            email=pending.email,
            confirm_form=confirm,
        )
    member = verification.is_member(event.organisation_id, pending.email)
    verification.discard(pending)
    if not member:
        keep_changes()  # the used confirmation is gone either way
        return render_template("registration/members_only.html", event=event, organisation=event.organisation), 403
    if not _validate(form, extras):
        # The sign-up no longer fits (the session filled up and closed, say): show why.
        keep_changes()
        return render_event_page(event, form, status=422, extras=extras)
    # The owner of the address has confirmed it: the sign-up is theirs.
    return _sign_up_from(event, form, extras, now, identified=True)


@bp.route("/arrangementer/<int:event_id>/send-mit-link", methods=["GET", "POST"])
@limits.per_client("send_link")
@writes()
def send_link(event_id: int):
    """Ask for one's personal links by email. The answer is the same for every address."""
    event = visible_event_or_404(event_id)
    form = SendLinkForm(prefix=LINK_FORM_PREFIX)
    if request.method == "GET" or not form.validate():
        status = 422 if request.method == "POST" else 200
        return render_template("registration/send_link.html", event=event, form=form, sent=False), status
    # Over the per-address limit no email is queued; the page is the same.
    if limits.recipient_allowed(form.email.data):
        recovery.request_links(event.organisation_id, form.email.data, utcnow())
    # Known or not, signed up or not: the same page, the same words, the same status.
    return render_template(
        "registration/send_link.html", event=event, form=SendLinkForm(prefix=LINK_FORM_PREFIX, formdata=None), sent=True
    )


def _registration_or_abort(token: str):
    return registration_or_abort(token, utcnow())


def _manage_context(registration):
    now = utcnow()
    event = registration.event
    use_brand(event.organisation)
    state = self_service.changeable(registration, now)
    other_sessions = state.other_sessions
    token = manage_token(registration)
    return dict(
        registration=registration,
        event=event,
        organisation=event.organisation,
        session=registration.session,
        position=operations.waitlist_position(registration),
        manage_url=absolute_url("registration.manage", token=token),
        token=token,
        other_sessions=other_sessions,
        counts=operations.seat_counts_for([s.id for s in other_sessions]),
        cancel_form=CancelForm(),
        details_form=_details_form(registration),
        # Dietary needs are for the caterer: only before the session.
        dietary_editable=state.dietary_editable,
        move_form=MoveForm(sessions=other_sessions),
        # On a waiting list while another session has seats (it filled meanwhile): offer the move.
        free_elsewhere=self_service.free_elsewhere(registration, now),
        # Self-service changes end when the session starts or at the event's
        # cancellation deadline; after that the page says whom to contact.
        can_change=state.can_change,
        after_cancellation_deadline=state.after_cancellation_deadline,
        signup_open=not registration.is_active and operations.open_for_signup(event, now),
        list_offered=consent.offered(registration) and registration.is_active,
        list_consents=consent.offered(registration) and consent.consents(registration.id),
        may_see_list=consent.may_see_list(registration),
        consent_wording=consent.wording(),
        consent_form=ListConsentForm(),
        now=now,
        # The areas' values, e.g. the price of the place (payments).
        **manage_context(registration),
    )


def _details_form(registration) -> DetailsForm:
    form = DetailsForm(formdata=None)
    form.fill_from(registration)
    return form


@bp.get("/tilmelding/<token>/kvittering")
def receipt(token: str):
    registration = _registration_or_abort(token)
    return render_template("registration/receipt.html", **_manage_context(registration))


@bp.get("/tilmelding/<token>")
def manage(token: str):
    registration = _registration_or_abort(token)
    return render_template("registration/manage.html", **_manage_context(registration))


@bp.post("/tilmelding/<token>/oplysninger")
@writes()
def correct_details(token: str):
    """The person corrects their own name, job title, workplace, municipality, dietary needs."""
    registration = _registration_or_abort(token)
    context = _manage_context(registration)
    form = DetailsForm()
    if not registration.is_active:
        flash(_("This registration can no longer be changed."), "error")
        return _back_to_manage(token)
    if not form.validate():
        context["details_form"] = form
        return render_template("registration/manage.html", **context), 422
    changes = operations.DetailChanges.from_form(form, with_dietary=context["dietary_editable"])
    operations.correct_details(registration, changes)
    flash(_("Your details have been saved."), "success")
    return _back_to_manage(token)


def _back_to_manage(token: str):
    return redirect(url_for("registration.manage", token=token), code=303)


@bp.post("/tilmelding/<token>/samtykke")
@writes()
def list_consent(token: str):
    """Appear on the session's participant list, or no longer (at once); see registration.consent."""
    registration = _registration_or_abort(token)
    form = ListConsentForm()
    if not form.validate() or not consent.offered(registration):
        abort(400)
    given = form.given.data == "yes"
    consent.record(registration, given, utcnow())
    flash(
        _("You are now shown on the participant list.")
        if given
        else _("You are no longer shown on the participant list."),
        "success",
    )
    return _back_to_manage(token)


@bp.get("/tilmelding/<token>/deltagerliste")
def participant_list(token: str):
    """The participants who said yes, for a confirmed participant of the same session."""
    registration = _registration_or_abort(token)
    try:
        listed = consent.participant_list(registration)
    except consent.ListRefused as refused:
        return render_template("registration/participant_list_refused.html", message=refused.message), 403
    return render_template(
        "registration/participant_list.html",
        registration=registration,
        listed=listed,
        back_url=url_for("registration.manage", token=token),
        consents=consent.consents(registration.id),
    )


@bp.post("/tilmelding/<token>/afmeld")
@writes()
def cancel(token: str):
    """First POST: the confirmation page. The POST from that page cancels."""
    registration = _registration_or_abort(token)
    context = _manage_context(registration)
    form = CancelForm()
    if not form.validate():
        abort(400)
    now = context["now"]
    try:
        # The same rules as the person's own page (registration.self_service).
        self_service.check_cancel(registration, now)
        if not form.is_confirmed:
            return render_template("registration/confirm_cancel.html", **context)
        self_service.cancel_own(registration, now)
    except self_service.AlreadyCancelled as replay:
        # A replayed confirmation: nothing to do, and no second email.
        flash(str(replay.message), "info")
        return _back_to_manage(token)
    except RegistrationError as error:
        refuse(error)
        return _back_to_manage(token)
    flash(_("Your registration has been cancelled."), "success")
    return _back_to_manage(token)


@bp.post("/tilmelding/<token>/flyt")
@writes()
def move(token: str):
    registration = _registration_or_abort(token)
    context = _manage_context(registration)
    form = context["move_form"]
    try:
        self_service.check_move(registration, context["now"])
    except RegistrationError as error:
        refuse(error)
        return _back_to_manage(token)
    if not form.validate():
        return render_template("registration/manage.html", **context), 422
    try:
        position = self_service.move_own(
            registration, form.session_id.data, give_up_seat=form.give_up_seat.data == "yes", now=context["now"]
        )
    except SeatWouldBeLost as lost:
        # Nothing has changed: say plainly what the move would cost and ask.
        discard()
        target = next(s for s in context["other_sessions"] if s.id == form.session_id.data)
        return render_template("registration/confirm_move.html", **context, target=target, new_position=lost.position)
    except RegistrationError as error:
        refuse(error)
        return _back_to_manage(token)
    if position is None:
        flash(_("Your registration has been moved."), "success")
    else:
        flash(
            _("Your registration has been moved. You are number %(position)d on the waiting list.", position=position),
            "success",
        )
    return _back_to_manage(token)
