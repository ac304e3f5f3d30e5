"""Back-office views for attendance: dashboard, participant lists, exports, printing, check-in.

Thin views on the `organiser` blueprint: every one declares who may use it through
the access layer and loads objects with its `*_for_current_user_or_404` loaders, so
another organisation's event answers 404. Check-in endpoints are named `checkin*`
(the only ones a check-in helper reaches); everything else needs an organiser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventsite.accounts.access import (
    CHECKIN_ROLES,
    STAFF_ROLES,
    bp,
    has_role,
    listed_organisation_ids,
    role_required,
)
from eventsite.accounts.brand import use_brand
from eventsite.attendance import checkin, participants
from eventsite.attendance.exports import (
    ExportKind,
    csv_chunks,
    export_rows,
    session_label,
    short_datetime_formatter,
    xlsx_chunks,
)
from eventsite.attendance.forms import (
    AbsentForm,
    AddParticipantForm,
    CancelParticipantForm,
    DoorForm,
    MoveParticipantForm,
    NoteForm,
    PromoteForm,
    ResendForm,
)
from eventsite.audit import AuditEntry, decoded, record_audit
from eventsite.db import utcnow
from eventsite.events.access import event_for_current_user_or_404, session_for_current_user_or_404
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.invitations.colleagues import inviter_of
from eventsite.payments.subsidies import subsidised_registration_ids
from eventsite.registration import notifications
from eventsite.registration.access import registration_for_current_user_or_404
from eventsite.registration.forms import DetailsForm
from eventsite.registration.models import Attendance, Registration, RegistrationStatus
from eventsite.registration.operations import DetailChanges, PersonDetails, RegistrationError
from eventsite.web import discard, id_arg, refuse, writes

# --- dashboard ------------------------------------------------------------------------


#: A number no real id reaches, replaced in URLs built once per page.
_ID_SLOT = "2147483647"


def url_for_each(endpoint: str, argument: str) -> Callable[[int], str]:
    """A URL builder for many ids: url_for once, then a string replace per id.

    url_for costs tens of microseconds; the dashboard links hundreds of sessions.
    """
    template = url_for(endpoint, **{argument: int(_ID_SLOT)})
    return lambda value: template.replace(_ID_SLOT, str(value))


# --- participant lists ------------------------------------------------------------------


def _session_or_404(event: Event, session_id: int | None) -> EventSession | None:
    """A session chosen by ?session=; it must belong to the event."""
    if session_id is None:
        return None
    found = next((s for s in event.sessions if s.id == session_id), None)
    if found is None:
        abort(404)
    return found


def _render_participants(event: Event, session: EventSession | None):
    query = participants.ListQuery.from_args(request.args)
    found = participants.participants(event.id, query, session.id if session else None)
    every_active = participants.participants(event.id, participants.ListQuery(), session.id if session else None)
    return render_template(
        "organiser/participants.html",
        event=event,
        session=session,
        registrations=found,
        positions=participants.waitlist_positions(every_active),
        query=query,
        status_filters=list(participants.STATUS_FILTERS),
        total_active=len(every_active),
        session_label=session_label,
        short_datetime=short_datetime_formatter(),
        export_kinds=list(ExportKind),
        subsidised=subsidised_registration_ids([event.id]),
    )


@bp.get("/arrangementer/<int:event_id>/deltagere")
@role_required()
def participants_event(event_id: int):
    return _render_participants(event_for_current_user_or_404(event_id), None)


@bp.get("/sessioner/<int:session_id>/deltagere")
@role_required()
def participants_session(session_id: int):
    session = session_for_current_user_or_404(session_id)
    return _render_participants(session.event, session)


def _open_sessions(event: Event) -> list[EventSession]:
    now = utcnow()
    return [s for s in event.active_sessions if s.starts_at > now]


@bp.route("/arrangementer/<int:event_id>/deltagere/tilfoej", methods=["GET", "POST"])
@writes()
@role_required()
def participant_add(event_id: int):
    event = event_for_current_user_or_404(event_id)
    sessions = _open_sessions(event)
    form = AddParticipantForm(sessions=[(s, session_label(s)) for s in sessions])
    if request.method == "GET":
        form.session_id.data = id_arg("session")
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            details = PersonDetails.from_form(form)
            try:
                registration = participants.add_by_hand(
                    form.session_id.data,
                    details,
                    comment=form.comment.data or "",
                    dietary_needs=form.dietary_needs.data or "",
                    user=current_user,
                )
            except RegistrationError as error:
                refuse(error, form)
                status = 409
            except IntegrityError:
                refuse(RegistrationError(_("This person is already signed up for this event.")), form)
                status = 409
            else:
                if registration.status is RegistrationStatus.CONFIRMED:
                    flash(_("%(name)s has been signed up.", name=registration.person.name), "success")
                else:
                    flash(_("%(name)s has been put on the waiting list.", name=registration.person.name), "success")
                return redirect(url_for("organiser.participants_session", session_id=registration.session_id), code=303)
    return render_template(
        "organiser/participants_add.html", event=event, form=form, has_sessions=bool(sessions)
    ), status


def _move_targets(registration: Registration) -> list[EventSession]:
    return [s for s in _open_sessions(registration.event) if s.id != registration.session_id]


def _render_registration(registration: Registration, status: int = 200, **forms):
    targets = _move_targets(registration)
    entries = (
        db.session.execute(
            select(AuditEntry)
            .where(
                AuditEntry.organisation_id == registration.event.organisation_id,
                AuditEntry.object_type == "registration",
                AuditEntry.object_id == registration.id,
            )
            .order_by(AuditEntry.created_at, AuditEntry.id)
        )
        .scalars()
        .all()
    )
    forms.setdefault("move_form", MoveParticipantForm(sessions=[(s, session_label(s)) for s in targets]))
    forms.setdefault("cancel_form", CancelParticipantForm())
    forms.setdefault("promote_form", PromoteForm())
    forms.setdefault("resend_form", ResendForm())
    if "details_form" not in forms:
        forms["details_form"] = DetailsForm(formdata=None)
        forms["details_form"].fill_from(registration)
    every_active = participants.participants(registration.event_id, participants.ListQuery(), registration.session_id)
    return (
        render_template(
            "organiser/participants_detail.html",
            registration=registration,
            event=registration.event,
            person=registration.person,
            session_label=session_label,
            position=participants.waitlist_positions(every_active).get(registration.id),
            has_targets=bool(targets),
            history=[(entry, *decoded(entry)) for entry in entries],
            action_labels=participants.REGISTRATION_ACTION_LABELS,
            now=utcnow(),
            invited_by=inviter_of(registration.id),
            **forms,
        ),
        status,
    )


@bp.get("/tilmeldinger/<int:registration_id>")
@role_required()
def registration_detail(registration_id: int):
    return _render_registration(registration_for_current_user_or_404(registration_id))


def _back_to(registration: Registration):
    return redirect(url_for("organiser.registration_detail", registration_id=registration.id), code=303)


@bp.post("/tilmeldinger/<int:registration_id>/flyt")
@writes()
@role_required()
def registration_move(registration_id: int):
    registration = registration_for_current_user_or_404(registration_id)
    form = MoveParticipantForm(sessions=[(s, session_label(s)) for s in _move_targets(registration)])
    if not form.validate():
        return _render_registration(registration, 422, move_form=form)
    try:
        from_session = registration.session
        promoted = participants.move_on_behalf(registration, form.session_id.data, user=current_user)
        notifications.notify_moved(registration, from_session)
        notifications.notify_promoted(promoted)
    except (RegistrationError, IntegrityError) as error:
        discard()
        flash(str(getattr(error, "message", _("The registration could not be moved."))), "error")
        return _back_to(registration)
    flash(_("The registration has been moved."), "success")
    return _back_to(registration)


@bp.post("/tilmeldinger/<int:registration_id>/oplysninger")
@writes()
@role_required()
def registration_details(registration_id: int):
    registration = registration_for_current_user_or_404(registration_id)
    form = DetailsForm()
    if not form.validate():
        return _render_registration(registration, 422, details_form=form)
    upcoming = registration.session.starts_at > utcnow()
    changes = DetailChanges.from_form(form, with_dietary=upcoming)
    if participants.correct_on_behalf(registration, changes, user=current_user):
        flash(_("The details have been saved."), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return _back_to(registration)


@bp.post("/tilmeldinger/<int:registration_id>/send-igen")
@writes()
@role_required()
def registration_resend(registration_id: int):
    registration = registration_for_current_user_or_404(registration_id)
    form = ResendForm()
    if not form.validate():
        return _render_registration(registration, 422, resend_form=form)
    if not registration.is_active:
        flash(_("A cancelled registration has no confirmation to send."), "error")
        return _back_to(registration)
    notifications.notify_resent(registration)
    participants.record_resent(registration, user=current_user)
    flash(_("The confirmation is sent again to %(email)s.", email=registration.person.email), "success")
    return _back_to(registration)


@bp.post("/tilmeldinger/<int:registration_id>/afmeld")
@writes()
@role_required()
def registration_cancel(registration_id: int):
    registration = registration_for_current_user_or_404(registration_id)
    form = CancelParticipantForm()
    if not form.validate():
        return _render_registration(registration, 422, cancel_form=form)
    if form.confirmed.data != "yes":
        # First click: say what will happen and ask; nothing changes yet.
        return render_template(
            "organiser/registration_confirm_cancel.html",
            registration=registration,
            person=registration.person,
            session_label=session_label,
            cancel_form=form,
        )
    try:
        promoted = participants.cancel_on_behalf(
            registration, fill_seat=not form.keep_seat_free.data, user=current_user
        )
        notifications.notify_cancelled(registration, by_organiser=True)
        notifications.notify_promoted(promoted)
    except RegistrationError as error:
        refuse(error)
        return _back_to(registration)
    flash(_("The registration has been cancelled."), "success")
    for other in promoted:
        flash(_("%(name)s got the seat from the waiting list.", name=other.person.name), "success")
    return _back_to(registration)


@bp.post("/tilmeldinger/<int:registration_id>/ryk-op")
@writes()
@role_required()
def registration_promote(registration_id: int):
    registration = registration_for_current_user_or_404(registration_id)
    form = PromoteForm()
    if not form.validate():
        return _render_registration(registration, 422, promote_form=form)
    try:
        participants.promote_out_of_order(registration, form.reason.data, user=current_user)
        notifications.notify_promoted([registration])
    except RegistrationError as error:
        discard()
        form.reason.errors = [str(error.message)]
        return _render_registration(registration, 409, promote_form=form)
    flash(_("%(name)s now has a seat.", name=registration.person.name), "success")
    return _back_to(registration)


# --- exports and printing -----------------------------------------------------------

_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get("/arrangementer/<int:event_id>/eksport")
@writes()
@role_required()
def export(event_id: int):
    event = event_for_current_user_or_404(event_id)
    try:
        kind = ExportKind(request.args.get("type", ExportKind.CATERING.value))
    except ValueError:
        abort(404)
    fmt = request.args.get("format", "csv")
    if fmt not in _FORMATS:
        abort(404)
    session = _session_or_404(event, id_arg("session"))
    # A participant list leaves the system: the change log says who took which, and when.
    taken = {"list": kind.value, "format": fmt} | ({"session": session.id} if session else {})
    record_audit(event.organisation_id, "event", event.id, "exported", after=taken)
    rows = export_rows(event.id, kind, session.id if session else None)
    if fmt == "csv":
        body = stream_with_context(chunk.encode("utf-8") for chunk in csv_chunks(rows))
    else:
        body = stream_with_context(xlsx_chunks(rows, event.title))
    name = f"deltagere-{event.id}{f'-{session.id}' if session else ''}-{kind.value}.{fmt}"
    return Response(body, mimetype=_FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _print_groups(event: Event, session: EventSession | None):
    """[(session, [registration, ...])] in session order, names sorted the Danish way."""
    query = participants.ListQuery(status="confirmed", sort="name")
    found = participants.participants(event.id, query, session.id if session else None)
    sessions = [session] if session else [s for s in event.sessions if not s.is_cancelled]
    return [(s, [r for r in found if r.session_id == s.id]) for s in sessions]


@bp.get("/arrangementer/<int:event_id>/udskriv")
@role_required()
def print_list(event_id: int):
    event = event_for_current_user_or_404(event_id)
    use_brand(event.organisation)
    session = _session_or_404(event, id_arg("session"))
    return render_template(
        "organiser/print_list.html", event=event, groups=_print_groups(event, session), session_label=session_label
    )


#: Badges per A4 sheet: 2 columns × 5 rows of 90 × 50 mm.
BADGES_PER_PAGE = 10


@bp.get("/arrangementer/<int:event_id>/navneskilte")
@role_required()
def badges(event_id: int):
    event = event_for_current_user_or_404(event_id)
    use_brand(event.organisation)
    session = _session_or_404(event, id_arg("session"))
    people = [(s, r) for s, group in _print_groups(event, session) for r in group]
    pages = [people[i : i + BADGES_PER_PAGE] for i in range(0, len(people), BADGES_PER_PAGE)]
    return render_template("organiser/badges.html", event=event, pages=pages, session=session)


# --- check-in -------------------------------------------------------------------------


def _at_the_door(session: EventSession, now) -> bool:
    """Whether the session is near enough in time for a check-in helper to work its door."""
    window = timedelta(hours=current_app.config["CHECKIN_WINDOW_HOURS"])
    return session.starts_at - window <= now <= session.ends_at + window


def _door_or_404(session: EventSession) -> EventSession:
    """Least privilege: a check-in helper (no staff role in the organisation) reaches a
    session's list only around its time; organisers and admins always."""
    if not has_role(session.event.organisation_id, *STAFF_ROLES) and not _at_the_door(session, utcnow()):
        abort(404)
    return session


@bp.get("/indtjekning")
@role_required(*CHECKIN_ROLES)
def checkin_home():
    now = utcnow()
    sessions = (
        db.session.execute(
            select(EventSession)
            .join(Event, Event.id == EventSession.event_id)
            .where(
                Event.organisation_id.in_(listed_organisation_ids(*CHECKIN_ROLES)),
                Event.cancelled_at.is_(None),
                EventSession.cancelled_at.is_(None),
                # Still running or ended today, up to a week ahead.
                EventSession.ends_at > now - timedelta(hours=12),
                EventSession.starts_at < now + timedelta(days=7),
            )
            .options(selectinload(EventSession.event), selectinload(EventSession.venue))
            .order_by(EventSession.starts_at, EventSession.id)
        )
        .scalars()
        .all()
    )
    # Check-in helpers see only the sessions they may open now.
    sessions = [s for s in sessions if has_role(s.event.organisation_id, *STAFF_ROLES) or _at_the_door(s, now)]
    today = [s for s in sessions if checkin.attendance_opens_at(s) <= now]
    later = [s for s in sessions if checkin.attendance_opens_at(s) > now]
    return render_template("organiser/checkin_home.html", today=today, later=later)


@bp.get("/sessioner/<int:session_id>/indtjekning")
@writes()
@role_required(*CHECKIN_ROLES)
def checkin_session(session_id: int):
    session = _door_or_404(session_for_current_user_or_404(session_id))
    q = (request.args.get("q") or "")[:200]
    people = participants.participants(
        session.event_id, participants.ListQuery(q=q, status="confirmed", sort="name"), session.id
    )
    now = utcnow()
    return render_template(
        "organiser/checkin.html",
        session=session,
        event=session.event,
        people=people,
        q=q,
        counts=checkin.door_counts(session.id),
        is_open=checkin.attendance_opens_at(session) <= now,
        # How often the screen fetches fresh counts, so two doors see each other's taps.
        refresh_seconds=current_app.config.get("CHECKIN_REFRESH_SECONDS", 15),
        Attendance=Attendance,
    )


def _door_change(registration_id: int, form_class, change):
    """Validate a door form, apply one attendance change, commit, and go back to the list."""
    registration = registration_for_current_user_or_404(registration_id)
    _door_or_404(registration.session)
    form = form_class()
    if form.validate():
        try:
            message = change(registration, form)
            if message:
                flash(message, "success")
        except checkin.CheckInError as error:
            refuse(error)
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(
        url_for(
            "organiser.checkin_session",
            session_id=registration.session_id,
            q=form.q.data or None,
            _anchor=f"r{registration.id}",
        ),
        code=303,
    )


@bp.post("/tilmeldinger/<int:registration_id>/indtjek")
@writes()
@role_required(*CHECKIN_ROLES)
def checkin_check_in(registration_id: int):
    def change(registration, form):
        checkin.check_in(registration, user=current_user)
        return _("%(name)s is checked in.", name=registration.person.name)

    return _door_change(registration_id, DoorForm, change)


@bp.post("/tilmeldinger/<int:registration_id>/indtjek/fortryd")
@writes()
@role_required(*CHECKIN_ROLES)
def checkin_undo(registration_id: int):
    def change(registration, form):
        if checkin.undo_attendance(registration, user=current_user):
            return _("%(name)s is no longer marked.", name=registration.person.name)
        return None

    return _door_change(registration_id, DoorForm, change)


@bp.post("/tilmeldinger/<int:registration_id>/fravaer")
@writes()
@role_required(*CHECKIN_ROLES)
def checkin_absent(registration_id: int):
    def change(registration, form):
        kind = Attendance(form.kind.data)
        checkin.mark_absent(registration, kind, user=current_user)
        return _("%(name)s: %(state)s.", name=registration.person.name, state=kind.label)

    return _door_change(registration_id, AbsentForm, change)


@bp.post("/tilmeldinger/<int:registration_id>/fremmoede-note")
@writes()
@role_required(*CHECKIN_ROLES)
def checkin_note(registration_id: int):
    def change(registration, form):
        if checkin.set_attendance_note(registration, form.note.data or "", user=current_user):
            return _("The note on %(name)s has been saved.", name=registration.person.name)
        return None

    return _door_change(registration_id, NoteForm, change)
