"""Fixtures shared by the email and calendar tests (imported by their conftest files)."""
from __future__ import annotations

import uuid

import pytest

from eventsite.extensions import db


@pytest.fixture
def sign_up_and_notify(app):
    """Sign a person up as the view does: register, notify, one commit. Returns the id."""

    def _sign_up(session_id: int, email: str | None = None, name: str = "Mette Hansen") -> int:
        from eventsite.registration.notifications import notify_signup
        from eventsite.registration.operations import PersonDetails, register

        email = email or f"{uuid.uuid4().hex[:8]}@example.dk"
        with app.test_request_context(method="POST"):
            registration = register(session_id, PersonDetails(name=name, email=email))
            notify_signup(registration)
            db.session.commit()
            return registration.id

    return _sign_up


@pytest.fixture
def personal_feed_url(app):
    """The secret feed path of the person behind a registration."""

    def _url(registration_id: int) -> str:
        from eventsite.calendar.personal import feed_token
        from eventsite.registration.models import Registration

        with app.test_request_context():
            token = feed_token(db.session.get(Registration, registration_id).person)
            assert token, "the person has no feed key"
            return f"/kalender/mine/{token}.ics"

    return _url
