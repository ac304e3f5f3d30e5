"""The change log's words for events, sessions, programme items and venues (eventsite.audit)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.audit import add_audit_labels, add_object_names
from eventsite.events.models import EVENT_KIND_LABELS, VISIBILITY_LABELS, Event, EventSession, ProgrammeItem, Venue
from eventsite.extensions import db
from eventsite.geo import municipality


def event_names(ids: list[int]) -> dict[int, str]:
    return dict(db.session.execute(select(Event.id, Event.title).where(Event.id.in_(ids))).tuples().all())


def session_names(ids: list[int]) -> dict[int, str]:
    """'Temadag for mellemledere, Næstved' per session."""
    sessions = db.session.execute(
        select(EventSession)
        .where(EventSession.id.in_(ids))
        .options(selectinload(EventSession.event), selectinload(EventSession.venue))
    ).scalars()
    return {s.id: f"{s.event.title}, {s.place_name}" for s in sessions}


def item_names(ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(select(ProgrammeItem.id, ProgrammeItem.title).where(ProgrammeItem.id.in_(ids)))
        .tuples()
        .all()
    )


def venue_names(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Venue.id, Venue.name, Venue.city).where(Venue.id.in_(ids))).tuples().all()
    return {venue_id: f"{name}, {city}" for venue_id, name, city in rows}


def _one(names, online: str | None = None):
    """A formatter for a stored id: the object's name, else '#id'."""

    def text(value) -> str:
        if value in (0, "0") and online is not None:
            return online
        try:
            key = int(value)
        except (TypeError, ValueError):
            return str(value)
        return names([key]).get(key, f"#{key}")

    return text


def _municipality(code) -> str:
    found = municipality(str(code))
    return found.name if found is not None else str(code)


def init_app(app: Flask) -> None:
    add_audit_labels(
        app,
        object_types={
            "event": _l("Event"),
            "session": _l("Session"),
            "programme_item": _l("Programme item"),
            "venue": _l("Venue"),
        },
        fields={
            "title": _l("Title"),
            "kind": _l("Kind of event"),
            "description": _l("Description"),
            "target_group": _l("Target group"),
            "visibility": _l("Who can see it"),
            "registration_opens_at": _l("Sign-up opens"),
            "registration_closes_at": _l("Sign-up deadline"),
            "cancellation_deadline": _l("Cancellation deadline"),
            "allows_multiple_sessions": _l("A person may sign up for several sessions"),
            "colleague_limit": _l("Colleagues per member"),
            "published": _l("Published"),
            "cancelled_at": _l("Called off"),
            "event_id": _l("Event"),
            "session_id": _l("Session"),
            "venue_id": _l("Venue"),
            "starts_at": _l("Starts"),
            "ends_at": _l("Ends"),
            "capacity": _l("Seats"),
            "online_url": _l("Meeting link"),
            "speaker": _l("Speaker"),
            "name": _l("Name"),
            "address": _l("Address"),
            "postcode": _l("Postcode"),
            "city": _l("City"),
            "municipality_code": _l("Municipality"),
        },
        values={
            "kind": {kind.value: label for kind, label in EVENT_KIND_LABELS.items()},
            "visibility": {visibility.value: label for visibility, label in VISIBILITY_LABELS.items()},
        },
        formatters={
            "event_id": _one(event_names),
            "session_id": _one(session_names),
            "venue_id": _one(venue_names),
            "municipality_code": _municipality,
        },
    )
    add_object_names(app, "event", event_names)
    add_object_names(app, "session", session_names)
    add_object_names(app, "programme_item", item_names)
    add_object_names(app, "venue", venue_names)
