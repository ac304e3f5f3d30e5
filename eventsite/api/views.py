"""GET /api/v1/events and /api/v1/events/<id>: public events with seat counts."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify

from eventsite.events.models import Event, Visibility
from eventsite.events.views import upcoming_events
from eventsite.extensions import db
from eventsite.registration.operations import seat_counts_for
from eventsite.text import absolute_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(404)
def not_found(error):
    return jsonify({"error": "not found"}), 404


def _event_json(event: Event, counts) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind.value,
        "organisation": {"slug": event.organisation.slug, "name": event.organisation.name},
        "url": absolute_url("events.event_page", event_id=event.id),
        "sessions": [
            {
                "id": s.id,
                "venue": s.venue.name if s.venue else None,
                "city": s.venue.city if s.venue else None,
                "region": s.region,
                "online": s.is_online,
                "start": s.local_start.isoformat(),
                "end": s.local_end.isoformat(),
                "capacity": s.capacity,
                "confirmed": counts[s.id].confirmed,
                "waitlisted": counts[s.id].waitlisted,
                "seats_left": counts[s.id].seats_left,
            }
            for s in event.active_sessions
        ],
    }


@bp.get("/events")
def events():
    listed = [e for e in upcoming_events() if e.visibility is Visibility.PUBLIC]
    counts = seat_counts_for([s.id for e in listed for s in e.active_sessions])
    return jsonify({"events": [_event_json(e, counts) for e in listed]})


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    found = db.session.get(Event, event_id)
    if found is None or not found.published or found.visibility is not Visibility.PUBLIC:
        abort(404)
    counts = seat_counts_for([s.id for s in found.active_sessions])
    return jsonify(_event_json(found, counts))
