"""The member page's test helpers: the way in through the emailed link (the `member_session` fixture)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import csrf_token

MEMBER_LINK = re.compile(r"http://localhost(/mine-tilmeldinger/ind/[^\s\"<]+)")


def ask_for_link(client, event_id: int, email: str):
    page = client.get(f"/arrangementer/{event_id}")
    return client.post(
        f"/arrangementer/{event_id}/send-mit-link", data={"csrf_token": csrf_token(page.data), "link-email": email}
    )


def text_of(received) -> str:
    message = received.message()
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()


def member_links_in(smtp_sink) -> list[str]:
    return [path for received in smtp_sink.received for path in MEMBER_LINK.findall(text_of(received))]


def enter(client, path: str):
    """Follow an emailed member link: the page with the button, then the button."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return client.post(path, data={"csrf_token": csrf_token(page.data)})


@pytest.fixture
def member_session(app, client, smtp, deliver):
    """`member_session(event_id, email)`: ask for the link, receive it over SMTP, enter; the page's response."""

    def _enter(event_id: int, email: str):
        before = len(smtp.received)
        ask_for_link(client, event_id, email)
        deliver()
        new = smtp.received[before:]
        paths = [path for received in new for path in MEMBER_LINK.findall(text_of(received))]
        assert len(paths) == 1, paths
        entered = enter(client, paths[0])
        assert entered.status_code == 303 and entered.headers["Location"].endswith("/mine-tilmeldinger/")
        return client.get("/mine-tilmeldinger/")

    return _enter
