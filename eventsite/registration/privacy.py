"""Deleting personal data the association no longer needs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration.models import DietaryNote, Registration


def purge_dietary_notes(after_days: int = 7, now: datetime | None = None) -> int:
    """Delete dietary needs of events whose last session ended more than `after_days` ago."""
    now = now or utcnow()
    cutoff = now - timedelta(days=after_days)
    finished_events = (
        select(EventSession.event_id).group_by(EventSession.event_id).having(func.max(EventSession.ends_at) < cutoff)
    )
    doomed = select(Registration.id).where(Registration.event_id.in_(finished_events))
    result = db.session.execute(
        delete(DietaryNote).where(DietaryNote.registration_id.in_(doomed)).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
