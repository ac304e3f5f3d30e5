"""A fixture shared by the email and calendar tests (imported by their conftest files)."""

from __future__ import annotations

import pytest

from eventsite.extensions import db


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
