"""Public pages: the list of upcoming events and an event's page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventsite.accounts.brand import Brand, brand_for, only_organisation, organisation_count, use_brand
from eventsite.db import utcnow
from eventsite.events.models import LISTED, Event, EventKind, EventSession, Organisation
from eventsite.extensions import db
from eventsite.registration.operations import seat_counts_for
from eventsite.registration.pages import render_event_page, visible_event_or_404

bp = Blueprint("events", __name__)


def upcoming_events(kind: EventKind | None = None, organisation_id: int | None = None) -> list[Event]:
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
    if organisation_id is not None:
        query = query.where(Event.organisation_id == organisation_id)
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
    """The upcoming events. A site with several organisations shows them first, in a
    neutral look, each linking to its own front page; with one, the page is its own."""
    if organisation_count() > 1:
        use_brand(None)
        return _events_page(None, url_for("events.index"), organisations=_organisation_entries())
    use_brand(only_organisation())
    return _events_page(None, url_for("events.index"))


@bp.get("/o/<slug>")
def organisation_page(slug: str):
    """One organisation's upcoming events, in its brand."""
    organisation = db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if organisation is None:
        abort(404)
    use_brand(organisation)
    return _events_page(organisation, url_for("events.organisation_page", slug=slug))


def _organisation_entries() -> list[tuple[Organisation, Brand, int]]:
    """Every organisation with its brand and its number of upcoming public events."""
    organisations = list(db.session.execute(select(Organisation).order_by(Organisation.name)).scalars())
    now = utcnow()
    upcoming = dict(
        db.session.execute(
            select(Event.organisation_id, func.count(func.distinct(Event.id)))
            .join(EventSession, EventSession.event_id == Event.id)
            .where(
                Event.published.is_(True),
                Event.cancelled_at.is_(None),
                Event.visibility.in_(LISTED),
                EventSession.cancelled_at.is_(None),
                EventSession.ends_at > now,
            )
            .group_by(Event.organisation_id)
        ).all()
    )
    return [(organisation, brand_for(organisation), upcoming.get(organisation.id, 0)) for organisation in organisations]


def _events_page(
    organisation: Organisation | None,
    filter_action: str,
    organisations: list[tuple[Organisation, Brand, int]] | None = None,
):
    kind = _parse_kind(request.args.get("type"))
    region = request.args.get("region") or None
    events = upcoming_events(kind, organisation.id if organisation else None)
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
        organisation=organisation,
        filter_action=filter_action,
        organisations=organisations or [],
    )


@bp.get("/arrangementer/<int:event_id>")
def event_page(event_id: int):
    """The event and its sign-up form (see eventsite.registration.pages)."""
    return render_event_page(visible_event_or_404(event_id))
