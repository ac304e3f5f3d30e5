"""Protective headers on every response; personal-token pages are never cached or referred."""

from __future__ import annotations

import glob
import os
import re

import config
from eventsite import create_app
from eventsite.headers import CONTENT_SECURITY_POLICY

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_every_page_gets_the_protective_headers(client, create_event):
    event = create_event()
    for url in ("/", f"/arrangementer/{event.id}", "/arrangoer/log-ind", "/findes-ikke", "/static/style.css"):
        response = client.get(url)
        headers = response.headers
        response.close()  # a static file is streamed from an open file
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert (
            "script-src 'self'" in headers["Content-Security-Policy"]
            and "unsafe-inline" not in headers["Content-Security-Policy"]
        )
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "camera=()" in headers["Permissions-Policy"]
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain http in tests


def test_pages_reached_through_a_personal_token_are_not_stored_and_send_no_referrer(
    client, create_event, register_person
):
    event = create_event()
    registration = register_person(event.session_id)
    for url in (
        f"/tilmelding/{registration.token}",
        f"/tilmelding/{registration.token}/kvittering",
        f"/arrangementer/{event.id}?invitation=anything",
        "/tilmelding/bekraeft/forged",
    ):
        headers = client.get(url).headers
        assert headers["Cache-Control"] == "no-store", url
        assert headers["Referrer-Policy"] == "no-referrer", url


def test_https_sites_send_hsts():
    class Secure(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        SESSION_COOKIE_SECURE = True

    response = create_app(Secure).test_client().get("/static/style.css")
    response.close()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_page_template_needs_inline_script_or_style():
    """The policy allows no inline script or style; the pages must not rely on any."""
    offending = []
    for path in glob.glob(os.path.join(ROOT, "templates", "**", "*.html"), recursive=True):
        if f"{os.sep}emails{os.sep}" in path:
            continue  # emails are not served by the site; mail clients need inline styles
        with open(path, encoding="utf-8") as template:
            text = template.read()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text) or ' style="' in text:
            offending.append(os.path.relpath(path, ROOT))
    assert offending == []
