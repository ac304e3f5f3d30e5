"""Helpers for tests that talk to the app through its HTML forms."""

from __future__ import annotations

import html as html_lib
import re

from eventsite.accounts.models import User
from eventsite.extensions import db

#: The password of every account the tests make, unless a test says otherwise.
PASSWORD = "korrekt-hest-batteri"

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str | bytes) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def visible_text(html: str | bytes) -> str:
    """The page's text with tags removed and white space folded."""
    if isinstance(html, bytes):
        html = html.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def sign_up(client, event_id: int, **fields):
    """Fetch the event page for a CSRF token, then post the sign-up form."""
    page = client.get(f"/arrangementer/{event_id}")
    data = {"csrf_token": csrf_token(page.data), "name": "Mette Hansen", "email": "mette@example.dk"}
    data.update(fields)
    return client.post(f"/arrangementer/{event_id}/tilmeld", data=data)


def log_in(client, email: str, password: str = PASSWORD, headers: dict | None = None):
    """Post the back-office login form like a browser (fetching a CSRF token first)."""
    page = client.get("/arrangoer/log-ind", headers=headers)
    return client.post(
        "/arrangoer/log-ind",
        headers=headers,
        data={"csrf_token": csrf_token(page.data), "email": email, "password": password},
    )


def form_token(client, url: str) -> str:
    """A CSRF token from any page with a form."""
    return csrf_token(client.get(url).data)


def user_email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email
