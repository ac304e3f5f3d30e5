"""Check-in by agenda item: arrived at item 2, left after item 4, took part online.

On the check-in screen of a meeting with an agenda, under each person's "Afbud,
udeblevet eller note". The record is the meetings area's (eventsite.meetings.presence); the sentence
it makes ("deltog i pkt. 1-3 og delvist i pkt. 4") becomes the person's attendance
note, so the participant list, the exports and the minutes all show it.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventsite.accounts.access import CHECKIN_ROLES, bp, role_required
from eventsite.attendance import checkin
from eventsite.attendance.views import _door_or_404
from eventsite.meetings import presence
from eventsite.meetings.minutes_forms import PresenceForm
from eventsite.registration.access import registration_for_current_user_or_404
from eventsite.web import refuse, writes


def _item_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.post("/tilmeldinger/<int:registration_id>/indtjek/punkter")
@writes()
@role_required(*CHECKIN_ROLES)
def checkin_items(registration_id: int):
    registration = registration_for_current_user_or_404(registration_id)
    _door_or_404(registration.session)
    form = PresenceForm()
    if form.validate():
        choice = presence.PresenceChoice(
            arrived_item_id=_item_id(form.arrived_item.data),
            arrived_during=bool(form.arrived_during.data),
            left_item_id=_item_id(form.left_item.data),
            left_during=bool(form.left_during.data),
            online=bool(form.online.data),
        )
        try:
            sentence = presence.record(registration, choice, user=current_user)
            # The note's rules (a confirmed place, on the day) refuse the whole change.
            checkin.set_attendance_note(registration, sentence, user=current_user)
            flash(_("Attendance of %(name)s has been saved.", name=registration.person.name), "success")
        except (presence.PresenceError, checkin.CheckInError) as error:
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
