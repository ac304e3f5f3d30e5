"""Public pages: the list of upcoming events and an event's page."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from eventsite.db import utcnow
from eventsite.events.models import Event, EventKind, EventSession, Visibility
from eventsite.extensions import db
from eventsite.invitations.tokens import invitation_access
from eventsite.payments.signup import signup_extras
from eventsite.registration.forms import LINK_FORM_PREFIX, SendLinkForm, SignupForm
from eventsite.registration.capacity import waitlist_only
from eventsite.registration.operations import seat_counts_for

bp = Blueprint("events", __name__)

LISTED = (Visibility.PUBLIC, Visibility.MEMBERS)


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


# With its sessions and Event.has_offer in the same query: every caller (event page,
# sign-up) lists the sessions and asks whether the form needs the payment fields.
# Built once, so SQLAlchemy keeps its cache key.
_VISIBLE_EVENT = (
    select(Event)
    .options(joinedload(Event.sessions), undefer(Event.has_offer))
    .where(Event.id == bindparam("event_id"))
)


def visible_event_or_404(event_id: int) -> Event:
    event = db.session.execute(_VISIBLE_EVENT, {"event_id": event_id}).unique().scalar_one_or_none()
    if event is None or not event.published:
        abort(404)
    # An invitation-only event opens to a valid invitation link for it (?invitation=...).
    if event.visibility not in LISTED and invitation_access(event, request.args.get("invitation")) is None:
        abort(404)
    return event


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
    all_regions = sorted(
        {s.region for e in events for s in e.active_sessions if s.region}
    )
    if region:
        events = [e for e in events if any(s.region == region for s in e.active_sessions)]
    sessions = {
        e.id: [s for s in e.active_sessions if s.ends_at > now and (not region or s.region == region)]
        for e in events
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


def render_event_page(
    event: Event, form: SignupForm | None = None, status: int = 200, extras=None, offer_link: bool = False
):
    now = utcnow()
    open_sessions = [s for s in event.active_sessions if s.starts_at > now]
    # A personal invitation link fills the form in from the member directory.
    invitation = invitation_access(event, request.args.get("invitation"))
    counts = seat_counts_for([s.id for s in event.sessions])
    form = form or SignupForm(
        sessions=open_sessions, data=invitation.prefill(open_sessions, counts) if invitation else None
    )
    # Fee, days, add-ons, payer and subsidy fields (eventsite.payments); None for most events.
    extras = extras or signup_extras(event)
    return (
        render_template(
            "events/event.html",
            event=event,
            form=form,
            open_sessions=open_sessions,
            counts=counts,
            # Sessions where a newcomer joins the waiting list: the button says so.
            waitlist_ids={s.id for s in open_sessions if s.id in counts and waitlist_only(counts[s.id])},
            registration_open=bool(open_sessions) and event.registration_is_open(now) and not event.is_cancelled,
            now=now,
            extras=extras,
            invitation=invitation,
            link_form=SendLinkForm(prefix=LINK_FORM_PREFIX, formdata=None),
            # "Already signed up": point at the form that sends the link again.
            offer_link=offer_link,
        ),
        status,
    )


@bp.get("/arrangementer/<int:event_id>")
def event_page(event_id: int):
    return render_event_page(visible_event_or_404(event_id))
