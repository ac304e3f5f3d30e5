"""Public pages: the list of upcoming events and an event's page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.db import utcnow
from eventsite.events.models import LISTED, Event, EventKind, EventSession
from eventsite.extensions import db
from eventsite.registration.operations import seat_counts_for
from eventsite.registration.pages import render_event_page, visible_event_or_404

bp = Blueprint("events", __name__)


def upcoming_events(kind: EventKind | None = None) -> list[Event]:
    """Published, listed events with a session still to come, soonest first."""
    now = utcnow()
    query = (
        select(Event)
        .join(EventSession, EventSession.event_id == Event.id)
        .where(
            Event.published.is_(True),
            Event.cancelled_at.is_(None),
            Event.visibility.in_(LISTED),
            EventSession.cancelled_at.is_(None),
            EventSession.ends_at > now,
        )
        .options(
            selectinload(Event.sessions).selectinload(EventSession.venue),
            selectinload(Event.organisation),
        )
        .distinct()
    )
    if kind is not None:
        query = query.where(Event.kind == kind)
    events = list(db.session.execute(query).scalars())
    events.sort(key=lambda e: min(s.starts_at for s in e.active_sessions))
    return events


def _parse_kind(value: str | None) -> EventKind | None:
    try:
        return EventKind(value) if value else None
    except ValueError:
        return None


@bp.get("/")
def index():
    kind = _parse_kind(request.args.get("type"))
    region = request.args.get("region") or None
    events = upcoming_events(kind)
    now = utcnow()
    all_regions = sorted({s.region for e in events for s in e.active_sessions if s.region})
    if region:
        events = [e for e in events if any(s.region == region for s in e.active_sessions)]
    sessions = {
        e.id: [s for s in e.active_sessions if s.ends_at > now and (not region or s.region == region)] for e in events
    }
    counts = seat_counts_for([s.id for group in sessions.values() for s in group])
    return render_template(
        "events/index.html",
        events=events,
        sessions=sessions,
        counts=counts,
        kinds=list(EventKind),
        regions=all_regions,
        selected_kind=kind,
        selected_region=region,
    )


@bp.get("/arrangementer/<int:event_id>")
def event_page(event_id: int):
    """The event and its sign-up form (see eventsite.registration.pages)."""
    return render_event_page(visible_event_or_404(event_id))
