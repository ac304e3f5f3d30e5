"""Fixtures for the back office: accounts with roles, and logging in through the form."""
from __future__ import annotations

import uuid

import pytest

from eventsite.extensions import db
from tests.helpers import csrf_token

PASSWORD = "korrekt-hest-batteri"


@pytest.fixture(autouse=True)
def fast_password_hashing(app):
    """scrypt costs ~0.15 s per hash; tests that are not about hashing use a cheap method."""
    previous = app.config.get("ORGANISER_PASSWORD_METHOD")
    app.config["ORGANISER_PASSWORD_METHOD"] = "pbkdf2:sha256:1000"
    yield
    if previous is None:
        app.config.pop("ORGANISER_PASSWORD_METHOD", None)
    else:
        app.config["ORGANISER_PASSWORD_METHOD"] = previous


@pytest.fixture
def create_user(app):
    """Create an account with one role in an organisation; returns the user id."""

    def _create(organisation_id: int, role: str = "organiser", email: str | None = None,
                password: str = PASSWORD, name: str = "Anne Arrangør", active: bool = True) -> int:
        from eventsite.accounts.logins import create_user as create
        from eventsite.events.models import Organisation
        from eventsite.accounts.models import Membership, Role, User
        from sqlalchemy import select

        email = email or f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        with app.test_request_context():
            existing = db.session.execute(select(User).where(User.email == email.lower())).scalar_one_or_none()
            if existing is not None:
                # A second organisation for the same account.
                existing.memberships.append(Membership(organisation_id=organisation_id, role=Role(role)))
                db.session.commit()
                return existing.id
            user = create(email, password, db.session.get(Organisation, organisation_id), Role(role), name=name)
            user.active = active
            db.session.commit()
            return user.id

    return _create


def user_email(app, user_id: int) -> str:
    from eventsite.accounts.models import User

    with app.app_context():
        return db.session.get(User, user_id).email


def log_in(client, email: str, password: str = PASSWORD, headers: dict | None = None):
    """Post the login form like a browser (fetching a CSRF token first)."""
    page = client.get("/arrangoer/log-ind", headers=headers)
    return client.post(
        "/arrangoer/log-ind",
        headers=headers,
        data={"csrf_token": csrf_token(page.data), "email": email, "password": password},
    )


@pytest.fixture
def login_as(app, client, create_user):
    """Create an account with a role in the organisation and log the test client in as it."""

    def _login(organisation_id: int, role: str = "organiser", **kwargs) -> int:
        user_id = create_user(organisation_id, role, **kwargs)
        response = log_in(client, user_email(app, user_id), kwargs.get("password", PASSWORD))
        assert response.status_code == 303, response.data
        return user_id

    return _login


def form_token(client, url: str) -> str:
    """A CSRF token from any back-office page."""
    return csrf_token(client.get(url).data)
