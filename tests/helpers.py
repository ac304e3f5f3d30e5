"""Helpers for tests that talk to the app through its HTML forms."""
from __future__ import annotations

import re

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
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def sign_up(client, event_id: int, **fields):
    """Fetch the event page for a CSRF token, then post the sign-up form."""
    page = client.get(f"/arrangementer/{event_id}")
    data = {"csrf_token": csrf_token(page.data), "name": "Mette Hansen", "email": "mette@example.dk"}
    data.update(fields)
    return client.post(f"/arrangementer/{event_id}/tilmeld", data=data)
