"""Imports every area's models, so the metadata (and Alembic) sees all tables."""
from eventsite.events.models import Event, EventSession, Organisation, ProgrammeItem, Venue  # noqa: F401
from eventsite.registration.models import DietaryNote, Person, Registration  # noqa: F401
