"""Back-office pages of a meeting: its list (Deltagere / Afbud / Ikke svaret, the fixed
list, afbud by phone), the minutes (draft, send for approval, responses, approve,
publish, PDF) and the year's meetings with their minutes' state.

Thin views on the `organiser` blueprint; another organisation's meeting answers 404.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, union
from sqlalchemy.orm import selectinload

from eventsite.accounts.access import bp, listed_organisation_ids, role_required
from eventsite.clock import local_today
from eventsite.db import utcnow
from eventsite.events.access import session_for_current_user_or_404
from eventsite.events.models import LOCAL_TZ, Event, EventSession
from eventsite.extensions import db
from eventsite.forms import ConfirmForm
from eventsite.meetings import afbud, approval, minutes, roster
from eventsite.meetings.agenda import agenda_for
from eventsite.meetings.minutes_forms import MinutesHeadForm, PhoneAfbudForm, RosterForm, SendForm, WithdrawAfbudForm
from eventsite.meetings.minutes_models import Minutes, MinutesState
from eventsite.meetings.minutes_pdf import minutes_pdf, pdf_response
from eventsite.meetings.models import AgendaItem, Meeting
from eventsite.meetings.participation_models import RosterEntry
from eventsite.registration.access import registration_for_current_user_or_404
from eventsite.web import id_arg, refuse, writes


def _meeting_page(session: EventSession, status: int = 200, **forms):
    return (
        render_template(
            "meetings/organiser_list.html",
            session=session,
            event=session.event,
            listing=afbud.meeting_list(session),
            roster_form=forms.get("roster_form") or RosterForm(formdata=None),
            phone_form=PhoneAfbudForm(formdata=None),
            now=utcnow(),
        ),
        status,
    )


@bp.get("/sessioner/<int:session_id>/moede")
@role_required()
def meeting_list(session_id: int):
    return _meeting_page(session_for_current_user_or_404(session_id))


@bp.post("/sessioner/<int:session_id>/moede/liste")
@writes()
@role_required()
def meeting_roster(session_id: int):
    """Put members from the directory on the closed meeting's fixed list."""
    session = session_for_current_user_or_404(session_id)
    form = RosterForm()
    if not form.validate():
        return _meeting_page(session, 422, roster_form=form)
    entries = (form.entries.data or "").splitlines()
    members, unknown = roster.members_for(session.event.organisation_id, form.tag.data or "", entries)
    if not members:
        form.entries.errors = [_("No member in the directory matches.")]
        return _meeting_page(session, 422, roster_form=form)
    try:
        result = roster.add_members(session, members, by_user=current_user)
    except roster.RosterError as error:
        refuse(error, form)
        return _meeting_page(session, 409, roster_form=form)
    flash(_("%(count)d added to the list; the summons are on their way.", count=len(result.added)), "success")
    if unknown:
        flash(_("Not found in the directory: %(entries)s", entries=", ".join(unknown)), "error")
    if result.elsewhere:
        flash(
            _(
                "Not added, as they have a place on another session of this event: %(names)s",
                names=", ".join(result.elsewhere),
            ),
            "error",
        )
    return redirect(url_for("organiser.meeting_list", session_id=session.id), code=303)


@bp.post("/tilmeldinger/<int:registration_id>/afbud")
@writes()
@role_required()
def meeting_phone_afbud(registration_id: int):
    """Afbud received by phone, recorded by an organiser from the meeting's list."""
    registration = registration_for_current_user_or_404(registration_id)
    form = PhoneAfbudForm()
    if form.validate():
        try:
            afbud.send_afbud(registration, form.reason.data or "", by_user=current_user)
            flash(_("Afbud from %(name)s has been recorded.", name=registration.person.name), "success")
        except afbud.AfbudError as error:
            refuse(error)
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("organiser.meeting_list", session_id=registration.session_id), code=303)


@bp.post("/tilmeldinger/<int:registration_id>/fortryd-afbud")
@writes()
@role_required()
def meeting_withdraw_afbud(registration_id: int):
    """An organiser takes back a person's afbud (they can come after all), from the meeting's list."""
    registration = registration_for_current_user_or_404(registration_id)
    if not WithdrawAfbudForm().validate():
        abort(400)
    try:
        outcome = afbud.withdraw_afbud(registration, by_user=current_user)
    except afbud.AfbudError as error:
        refuse(error)
    else:
        name = registration.person.name
        if outcome is afbud.Withdrawn.SEAT:
            flash(_("The afbud of %(name)s has been withdrawn: they have their place again.", name=name), "success")
        else:
            flash(
                _(
                    "The afbud of %(name)s has been withdrawn. The meeting is full, so they are on the waiting list.",
                    name=name,
                ),
                "success",
            )
    return redirect(url_for("organiser.meeting_list", session_id=registration.session_id), code=303)


# --- minutes --------------------------------------------------------------------------


def _minutes_page(session: EventSession, found: Minutes | None, status: int = 200, **forms):
    texts = {row.agenda_item_id: row for row in (found.items if found else [])}
    head = forms.get("head_form")
    if head is None:
        head = MinutesHeadForm(formdata=None, obj=found) if found else MinutesHeadForm(formdata=None)
    version = found.latest_version if found else None
    return (
        render_template(
            "meetings/organiser_minutes.html",
            session=session,
            event=session.event,
            minutes=found,
            agenda=agenda_for(session),
            texts=texts,
            head_form=head,
            send_form=forms.get("send_form") or SendForm(formdata=None),
            confirm_form=ConfirmForm(),
            version=version,
            versions=list(reversed(found.versions)) if found else [],
            listing=afbud.meeting_list(session),
            State=MinutesState,
        ),
        status,
    )


@bp.get("/sessioner/<int:session_id>/referat")
@role_required()
def minutes_edit(session_id: int):
    session = session_for_current_user_or_404(session_id)
    return _minutes_page(session, minutes.minutes_for(session))


@bp.post("/sessioner/<int:session_id>/referat")
@writes()
@role_required()
def minutes_save(session_id: int):
    session = session_for_current_user_or_404(session_id)
    form = MinutesHeadForm()
    found = minutes.minutes_for(session)
    if not form.validate():
        return _minutes_page(session, found, 422, head_form=form)
    found = found or minutes.start(session)
    items = {
        numbered.item.id: minutes.ItemText(
            summary=request.form.get(f"summary-{numbered.item.id}", ""),
            decision=request.form.get(f"decision-{numbered.item.id}", ""),
        )
        for numbered in agenda_for(session)
    }
    draft = minutes.Draft(
        chair=form.chair.data or "", secretary=form.secretary.data or "", preamble=form.preamble.data or "", items=items
    )
    try:
        minutes.save_draft(found, draft, user=current_user)
    except minutes.MinutesError as error:
        refuse(error, form)
        return _minutes_page(session, found, 409, head_form=form)
    flash(_("The draft has been saved."), "success")
    return redirect(url_for("organiser.minutes_edit", session_id=session.id), code=303)


def _recipients(session: EventSession, choice: str):
    listing = afbud.meeting_list(session)
    rows = listing.attending if choice == "attending" else listing.rows
    return [row.registration.person for row in rows]


@bp.post("/sessioner/<int:session_id>/referat/send")
@writes()
@role_required()
def minutes_send(session_id: int):
    """Freeze the draft as a new version and email it for approval."""
    session = session_for_current_user_or_404(session_id)
    found = minutes.minutes_for(session)
    if found is None:
        abort(404)
    form = SendForm()
    if not form.validate():
        return _minutes_page(session, found, 422, send_form=form)
    try:
        version = approval.send_for_approval(
            found,
            _recipients(session, form.recipients.data),
            deadline_days=form.deadline_days.data,
            user=current_user,
        )
    except minutes.MinutesError as error:
        refuse(error, form)
        return _minutes_page(session, found, 409, send_form=form)
    flash(
        _(
            "Version %(number)d has been sent to %(count)d for approval.",
            number=version.number,
            count=len(version.approvals),
        ),
        "success",
    )
    return redirect(url_for("organiser.minutes_edit", session_id=session.id), code=303)


def _minutes_action(session_id: int, action, message: str):
    session = session_for_current_user_or_404(session_id)
    found = minutes.minutes_for(session)
    if found is None or not ConfirmForm().validate():
        abort(404 if found is None else 400)
    try:
        action(found, user=current_user)
        flash(message, "success")
    except minutes.MinutesError as error:
        refuse(error)
    return redirect(url_for("organiser.minutes_edit", session_id=session.id), code=303)


@bp.post("/sessioner/<int:session_id>/referat/godkend")
@writes()
@role_required()
def minutes_approve(session_id: int):
    return _minutes_action(session_id, approval.approve, _("The minutes have been approved."))


@bp.post("/sessioner/<int:session_id>/referat/offentliggoer")
@writes()
@role_required()
def minutes_publish(session_id: int):
    return _minutes_action(session_id, approval.publish, _("The minutes have been published."))


@bp.get("/sessioner/<int:session_id>/referat.pdf")
@role_required()
def minutes_pdf_preview(session_id: int):
    """The PDF of the newest version sent (or of the draft as it stands)."""
    session = session_for_current_user_or_404(session_id)
    found = minutes.minutes_for(session)
    if found is None:
        # Nothing written yet: the empty draft (a transient row, never added to the session).
        data = minutes.snapshot(Minutes(session=session, chair="", secretary="", preamble="", items=[]))
    else:
        data = found.latest_version.data if found.latest_version else minutes.snapshot(found)
    return pdf_response(minutes_pdf(data, session.event.organisation), f"referat-{session.id}.pdf")


# --- the year's meetings --------------------------------------------------------------


@bp.get("/moeder")
@role_required()
def meetings_year():
    """The year's meetings (sessions with meeting settings, an agenda, a fixed list or minutes) and their minutes' state."""
    year = id_arg("aar") or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    org_ids = listed_organisation_ids()
    is_meeting = union(
        select(Meeting.session_id),
        select(AgendaItem.session_id),
        select(RosterEntry.session_id),
        select(Minutes.session_id),
    ).subquery()
    # The year in Danish time: a meeting on 1 January at 00:30 belongs to that year.
    begins, ends = datetime(year, 1, 1, tzinfo=LOCAL_TZ), datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ)
    sessions = (
        db.session.execute(
            select(EventSession)
            .join(Event, Event.id == EventSession.event_id)
            .where(
                Event.organisation_id.in_(org_ids),
                EventSession.id.in_(select(is_meeting.c[0])),
                EventSession.starts_at >= begins,
                EventSession.starts_at < ends,
            )
            .options(selectinload(EventSession.event))
            .order_by(EventSession.starts_at)
        )
        .scalars()
        .all()
    )
    states = {
        m.session_id: m.state
        for m in db.session.execute(select(Minutes).where(Minutes.session_id.in_([s.id for s in sessions]))).scalars()
    }
    return render_template(
        "meetings/organiser_year.html", sessions=sessions, states=states, year=year, State=MinutesState
    )
