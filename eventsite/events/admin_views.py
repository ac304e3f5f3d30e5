"""Back-office pages for events, their sessions and programme items."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.accounts.access import (
    bp,
    current_organisation_id,
    current_organisations,
    listed_organisation_ids,
    role_required,
)
from eventsite.db import utcnow
from eventsite.events import editing as operations
from eventsite.events.access import (
    event_for_current_user_or_404,
    programme_item_for_current_user_or_404,
    session_for_current_user_or_404,
)
from eventsite.events.editing import ConfirmationNeeded, EditError, EventData, SessionData
from eventsite.events.forms import EventForm, ProgrammeItemForm, SessionForm
from eventsite.events.models import LOCAL_TZ, Event, EventKind, EventSession, Venue, Visibility
from eventsite.extensions import db
from eventsite.formatting import format_clock, format_span
from eventsite.forms import ConfirmForm
from eventsite.registration import notifications
from eventsite.registration.operations import seat_counts_for
from eventsite.sorting import Sort, danish_sort_key, sort_from_args, sorted_rows
from eventsite.text import render_markdown
from eventsite.web import discard, id_arg, refuse, writes


def _aware(value: datetime | None) -> datetime | None:
    """A wall-clock time typed in Denmark, as an aware datetime."""
    return value.replace(tzinfo=LOCAL_TZ) if value else None


def _local_naive(value: datetime | None) -> datetime | None:
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value else None


def _back_to_event(event_id: int):
    return redirect(url_for("organiser.event_detail", event_id=event_id), code=303)


# --- events -----------------------------------------------------------------------


@bp.get("/arrangementer")
@role_required()
def events():
    now = utcnow()
    found = list(
        db.session.execute(
            select(Event)
            .where(Event.organisation_id.in_(listed_organisation_ids()))
            .options(selectinload(Event.sessions).selectinload(EventSession.venue), selectinload(Event.organisation))
        ).scalars()
    )
    upcoming = [e for e in found if e.ends_at is None or e.ends_at >= now]
    past = [e for e in found if e not in upcoming]
    keys = {
        "title": lambda e: danish_sort_key(e.title),
        "date": lambda e: min((s.starts_at for s in e.sessions), default=now),
        "status": _status_rank,
    }
    # Without a choice: the next first, the latest past first.
    chosen = sort_from_args(request.args, keys, default="")
    upcoming_order = chosen if chosen.key else Sort("date")
    past_order = chosen if chosen.key else Sort("date", descending=True)
    return render_template(
        "organiser/events.html",
        upcoming=sorted_rows(upcoming, upcoming_order, keys, tiebreak=lambda e: e.id),
        past=sorted_rows(past, past_order, keys, tiebreak=lambda e: e.id),
        upcoming_order=upcoming_order,
        past_order=past_order,
    )


def _status_rank(event: Event) -> int:
    """Not published first, then published, then cancelled (the status column's words)."""
    return 2 if event.is_cancelled else 1 if event.published else 0


def _event_data(form: EventForm) -> EventData:
    return EventData(
        title=form.title.data or "",
        kind=EventKind(form.kind.data),
        description=form.description.data or "",
        target_group=form.target_group.data or "",
        visibility=Visibility(form.visibility.data),
        registration_opens_at=_aware(form.registration_opens_at.data),
        registration_closes_at=_aware(form.registration_closes_at.data),
        cancellation_deadline=_aware(form.cancellation_deadline.data),
        allows_multiple_sessions=bool(form.allows_multiple_sessions.data),
        colleague_limit=form.colleague_limit.data,
        participant_list=bool(form.participant_list.data),
    )


def _render_event_form(form: EventForm, event: Event | None, status: int = 200):
    preview = render_markdown(form.description.data) if form.preview.data else None
    return render_template("organiser/event_form.html", form=form, event=event, preview=preview), status


@bp.route("/arrangementer/ny", methods=["GET", "POST"])
@writes()
@role_required()
def event_new():
    form = EventForm(organisations=current_organisations())
    if request.method == "GET":
        form.kind.data = EventKind.TEMADAG.value
        form.visibility.data = Visibility.PUBLIC.value
        form.organisation_id.data = current_organisation_id()
        return _render_event_form(form, None)
    if not form.validate():
        return _render_event_form(form, None, 422)
    if form.preview.data:
        return _render_event_form(form, None)
    try:
        event = operations.create_event(form.organisation_id.data, _event_data(form))
    except EditError as error:
        refuse(error, form)
        return _render_event_form(form, None, 422)
    flash(_("The event has been created. Add its sessions, then publish it."), "success")
    return _back_to_event(event.id)


@bp.get("/arrangementer/<int:event_id>")
@role_required()
def event_detail(event_id: int):
    event = event_for_current_user_or_404(event_id)
    return render_template(
        "organiser/event.html",
        event=event,
        counts=seat_counts_for([s.id for s in event.sessions]),
        action_form=ConfirmForm(),
    )


@bp.route("/arrangementer/<int:event_id>/rediger", methods=["GET", "POST"])
@writes()
@role_required()
def event_edit(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = EventForm(organisations=[event.organisation])
    if request.method == "GET":
        form.organisation_id.data = event.organisation_id
        form.title.data = event.title
        form.kind.data = event.kind.value
        form.description.data = event.description
        form.target_group.data = event.target_group
        form.visibility.data = event.visibility.value
        form.registration_opens_at.data = _local_naive(event.registration_opens_at)
        form.registration_closes_at.data = _local_naive(event.registration_closes_at)
        form.cancellation_deadline.data = _local_naive(event.cancellation_deadline)
        form.allows_multiple_sessions.data = event.allows_multiple_sessions
        form.colleague_limit.data = event.colleague_limit
        form.participant_list.data = event.participant_list
        return _render_event_form(form, event)
    form.organisation_id.data = event.organisation_id  # not changeable after creation
    if not form.validate():
        return _render_event_form(form, event, 422)
    if form.preview.data:
        return _render_event_form(form, event)
    try:
        changed = operations.update_event(event, _event_data(form))
    except EditError as error:
        refuse(error, form)
        return _render_event_form(form, event, 422)
    flash(_("The event has been saved.") if changed else _("Nothing was changed."), "success")
    return _back_to_event(event.id)


def _simple_event_action(event_id: int, action, message: str):
    event = event_for_current_user_or_404(event_id)
    try:
        action(event)
    except EditError as error:
        refuse(error)
        return _back_to_event(event.id)
    flash(message, "success")
    return _back_to_event(event.id)


@bp.post("/arrangementer/<int:event_id>/offentliggoer")
@writes()
@role_required()
def event_publish(event_id: int):
    return _simple_event_action(event_id, operations.publish_event, _("The event is published."))


@bp.post("/arrangementer/<int:event_id>/skjul")
@writes()
@role_required()
def event_unpublish(event_id: int):
    return _simple_event_action(event_id, operations.unpublish_event, _("The event is no longer shown publicly."))


@bp.route("/arrangementer/<int:event_id>/aflys", methods=["GET", "POST"])
@writes()
@role_required()
def event_cancel(event_id: int):
    event = event_for_current_user_or_404(event_id)
    if request.method == "GET":
        return render_template(
            "organiser/confirm_cancel.html",
            form=ConfirmForm(),
            what=event.title,
            affected=operations.active_registration_count(event_id=event.id),
            action=url_for("organiser.event_cancel", event_id=event.id),
            back=url_for("organiser.event_detail", event_id=event.id),
        )

    def cancel_and_tell(event: Event) -> None:
        operations.cancel_event(event)
        notifications.notify_event_cancelled(event)

    return _simple_event_action(event_id, cancel_and_tell, _("The event is cancelled."))


# --- sessions -----------------------------------------------------------------------


def _venues_of(organisation_id: int) -> list[Venue]:
    return list(
        db.session.execute(
            select(Venue).where(Venue.organisation_id == organisation_id).order_by(Venue.city, Venue.name)
        ).scalars()
    )


def _same_minute(typed: datetime, stored: datetime | None) -> datetime:
    """Keep a stored time whose seconds the form cannot show, if the minute is unchanged."""
    if stored is not None and stored.astimezone(LOCAL_TZ).replace(second=0, microsecond=0) == typed:
        return stored
    return typed


def _session_data(form: SessionForm, session: EventSession | None = None) -> SessionData:
    starts = datetime.combine(form.day.data, form.start_time.data, tzinfo=LOCAL_TZ)
    ends = datetime.combine(form.end_day.data or form.day.data, form.end_time.data, tzinfo=LOCAL_TZ)
    if session is not None:
        starts, ends = _same_minute(starts, session.starts_at), _same_minute(ends, session.ends_at)
    return SessionData(
        venue_id=form.venue_id.data or None,
        starts_at=starts,
        ends_at=ends,
        capacity=form.capacity.data,
        online_url=form.online_url.data or None,
    )


def _choose_new_venue(form: SessionForm) -> None:
    """Back from "Tilføj et sted" (?sted=ID): that venue is chosen, if it is one of the choices."""
    venue_id = id_arg("sted")
    if venue_id and any(choice[0] == venue_id for choice in form.venue_id.choices):
        form.venue_id.data = venue_id


def _render_session_form(form, event: Event, session: EventSession | None, status: int = 200, **extra):
    return render_template("organiser/session_form.html", form=form, event=event, session=session, **extra), status


@bp.route("/arrangementer/<int:event_id>/sessioner/ny", methods=["GET", "POST"])
@writes()
@role_required()
def session_new(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = SessionForm(venues=_venues_of(event.organisation_id))
    if request.method == "GET":
        _choose_new_venue(form)
        return _render_session_form(form, event, None)
    if not form.validate():
        return _render_session_form(form, event, None, 422)
    try:
        operations.add_session(event, _session_data(form))
    except EditError as error:
        refuse(error, form)
        return _render_session_form(form, event, None, 422)
    flash(_("The session has been added."), "success")
    return _back_to_event(event.id)


@bp.route("/sessioner/<int:session_id>/rediger", methods=["GET", "POST"])
@writes()
@role_required()
def session_edit(session_id: int):
    session = session_for_current_user_or_404(session_id)
    event = session.event
    form = SessionForm(venues=_venues_of(event.organisation_id))
    if request.method == "GET":
        start, end = session.local_start, session.local_end
        form.venue_id.data = session.venue_id or 0
        form.day.data = start.date()
        form.start_time.data = start.time().replace(tzinfo=None)
        if end.date() != start.date():
            form.end_day.data = end.date()
        form.end_time.data = end.time().replace(tzinfo=None)
        form.capacity.data = session.capacity
        form.online_url.data = session.online_url
        _choose_new_venue(form)
        return _render_session_form(form, event, session)
    if not form.validate():
        return _render_session_form(form, event, session, 422)
    try:
        update = operations.update_session(
            session.id, _session_data(form, session), confirmed=request.form.get("confirmed") == "1"
        )
    except ConfirmationNeeded as needed:
        discard()
        return _render_session_form(form, event, session, 409, confirmation=needed)
    except EditError as error:
        refuse(error, form)
        return _render_session_form(form, event, session, 422)
    if update.time_or_place_changed:
        notifications.notify_session_changed(update.session)
    if update.promoted:
        notifications.notify_promoted(update.promoted)
    if update.time_or_place_changed and update.affected:
        flash(
            ngettext(
                "The session has been changed. %(num)d registered person will be told.",
                "The session has been changed. %(num)d registered people will be told.",
                update.affected,
            ),
            "success",
        )
    else:
        flash(_("The session has been saved."), "success")
    outside = operations.items_outside(update.session)
    if outside:
        flash(
            ngettext(
                "%(num)d programme item now lies outside the session's time: %(titles)s. Edit or delete it.",
                "%(num)d programme items now lie outside the session's time: %(titles)s. Edit or delete them.",
                len(outside),
                titles=", ".join(f"{format_clock(item.starts_at)} {item.title}" for item in outside),
            ),
            "error",
        )
    if update.promoted:
        flash(
            ngettext(
                "%(num)d person on the waiting list got a seat.",
                "%(num)d people on the waiting list got a seat.",
                len(update.promoted),
            ),
            "success",
        )
    return _back_to_event(event.id)


@bp.route("/sessioner/<int:session_id>/aflys", methods=["GET", "POST"])
@writes()
@role_required()
def session_cancel(session_id: int):
    session = session_for_current_user_or_404(session_id)
    if request.method == "GET":
        return render_template(
            "organiser/confirm_cancel.html",
            form=ConfirmForm(),
            what=f"{session.event.title}, {session.place_name}",
            session=session,
            affected=operations.active_registration_count(session_id=session.id),
            action=url_for("organiser.session_cancel", session_id=session.id),
            back=url_for("organiser.event_detail", event_id=session.event_id),
        )
    try:
        operations.cancel_session(session.id)
        notifications.notify_session_cancelled(session)
    except EditError as error:
        refuse(error)
        return _back_to_event(session.event_id)
    flash(_("The session is cancelled."), "success")
    return _back_to_event(session.event_id)


@bp.post("/sessioner/<int:session_id>/slet")
@writes()
@role_required()
def session_delete(session_id: int):
    session = session_for_current_user_or_404(session_id)
    event_id = session.event_id
    try:
        operations.delete_session(session)
    except EditError as error:
        refuse(error)
        return _back_to_event(event_id)
    flash(_("The session has been deleted."), "success")
    return _back_to_event(event_id)


# --- programme items ----------------------------------------------------------------


def _item_data(form: ProgrammeItemForm) -> operations.ItemData:
    return operations.ItemData(
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        title=form.title.data,
        speaker=form.speaker.data or "",
        description=form.description.data or "",
    )


@bp.post("/sessioner/<int:session_id>/program/kopier")
@writes()
@role_required()
def programme_copy(session_id: int):
    """Copy this session's programme to the event's other sessions (replacing theirs)."""
    session = session_for_current_user_or_404(session_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    result = operations.copy_programme(session)
    flash(
        ngettext(
            "The programme has been copied to %(num)d other session; its times follow that session's start.",
            "The programme has been copied to %(num)d other sessions; their times follow each session's start.",
            result.sessions,
        ),
        "success",
    )
    for target, title in result.left_out:
        flash(
            _(
                "“%(title)s” does not fit within %(place)s, %(when)s and was left out.",
                title=title,
                place=target.place_name,
                when=format_span(target.starts_at, target.ends_at),
            ),
            "error",
        )
    return _back_to_event(session.event_id)


@bp.route("/sessioner/<int:session_id>/program/ny", methods=["GET", "POST"])
@writes()
@role_required()
def programme_new(session_id: int):
    session = session_for_current_user_or_404(session_id)
    form = ProgrammeItemForm()
    if request.method == "POST":
        if form.validate():
            try:
                operations.add_programme_item(session, _item_data(form))
            except EditError as error:
                refuse(error, form)
            else:
                flash(_("The programme item has been added."), "success")
                return _back_to_event(session.event_id)
        return render_template("organiser/programme_form.html", form=form, session=session, item=None), 422
    return render_template("organiser/programme_form.html", form=form, session=session, item=None)


@bp.route("/program/<int:item_id>/rediger", methods=["GET", "POST"])
@writes()
@role_required()
def programme_edit(item_id: int):
    item = programme_item_for_current_user_or_404(item_id)
    form = ProgrammeItemForm(obj=item if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate():
            try:
                operations.update_programme_item(item, _item_data(form))
            except EditError as error:
                refuse(error, form)
            else:
                flash(_("The programme item has been saved."), "success")
                return _back_to_event(item.session.event_id)
        return render_template("organiser/programme_form.html", form=form, session=item.session, item=item), 422
    return render_template("organiser/programme_form.html", form=form, session=item.session, item=item)


@bp.post("/program/<int:item_id>/slet")
@writes()
@role_required()
def programme_delete(item_id: int):
    item = programme_item_for_current_user_or_404(item_id)
    event_id = item.session.event_id
    operations.delete_programme_item(item)
    flash(_("The programme item has been deleted."), "success")
    return _back_to_event(event_id)
