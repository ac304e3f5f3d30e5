"""Back-office loaders for the events area's objects: 404 outside the user's organisations.

The rules are eventsite.accounts.access's (read its docstring); called without roles, a
loader uses the roles the current view declared with ``role_required``.
"""

from __future__ import annotations

from flask import abort

from eventsite.accounts.access import has_role
from eventsite.accounts.models import Role
from eventsite.events.models import Event, EventSession, ProgrammeItem, Venue
from eventsite.extensions import db


def event_for_current_user_or_404(event_id: int, *roles: Role | str) -> Event:
    """The event, if it belongs to an organisation where the user holds one of the roles."""
    event = db.session.get(Event, event_id)
    if event is None or not has_role(event.organisation_id, *roles):
        abort(404)
    return event


def session_for_current_user_or_404(session_id: int, *roles: Role | str) -> EventSession:
    """The session, if its event belongs to one of the user's organisations (with a role)."""
    found = db.session.get(EventSession, session_id)
    if found is None or not has_role(found.event.organisation_id, *roles):
        abort(404)
    return found


def venue_for_current_user_or_404(venue_id: int, *roles: Role | str) -> Venue:
    venue = db.session.get(Venue, venue_id)
    if venue is None or not has_role(venue.organisation_id, *roles):
        abort(404)
    return venue


def programme_item_for_current_user_or_404(item_id: int, *roles: Role | str) -> ProgrammeItem:
    item = db.session.get(ProgrammeItem, item_id)
    if item is None or not has_role(item.session.event.organisation_id, *roles):
        abort(404)
    return item
