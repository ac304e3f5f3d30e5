"""Probes that once could give a 500: ids beyond the database's range, control characters in next=,
and header injection through what goes into an email's headers."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from eventsite.mail.message import Email
from tests.helpers import PASSWORD, csrf_token, finish_login, user_email

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/arrangementer/{HUGE}",
        f"/arrangoer/arrangementer/{HUGE}",
        "/arrangoer/arrangementer/2147483648",
        f"/arrangoer/organisationer/{HUGE}/medlemmer",
    ],
)
def test_ids_beyond_the_database_range_are_404(client, organiser, path):
    assert client.get(path).status_code == 404


def test_huge_ids_in_query_strings_are_ignored(client, organiser, create_event):
    event = create_event()
    for path in (
        f"/arrangoer/arrangementer/{event.id}/deltagere/tilfoej?session={HUGE}",
        f"/arrangoer/organisationer/{organiser}/medlemmer?side={HUGE}",
        f"/arrangoer/log?side={HUGE}",
    ):
        assert client.get(path).status_code < 500, path


@pytest.mark.parametrize("next_value", ["%00", "/arrangoer/%0d%0aSet-Cookie:%20x=1", "/arrangoer/%00"])
def test_control_characters_in_next_are_ignored(app, client, create_organisation, create_user, next_value):
    page = client.get(f"/arrangoer/log-ind?next={next_value}")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.get_data(as_text=True)
    user_id = create_user(create_organisation())
    email = user_email(app, user_id)
    response = client.post(
        "/arrangoer/log-ind",
        data={
            "csrf_token": csrf_token(page.data),
            "email": email,
            "password": PASSWORD,
            "next": unquote(next_value),
        },
    )
    response = finish_login(client, response, email)  # the second factor's step
    assert response.status_code == 303
    assert response.headers["Location"] == "/arrangoer/oversigt"  # the home page, not next


def test_header_values_are_cleaned_in_the_email_itself(app):
    with app.app_context():
        message = Email(
            subject="Hej\r\nBcc: angriber@example.com",
            sender=("Lederne\r\nBcc: x@example.com", "afsender@example.dk"),
            recipients=[("Mette\nCc: y@example.com", "mette@example.dk")],
            body="tekst",
        )
        raw = message.as_bytes().decode("ascii")
    header_block = raw.split("\r\n\r\n", 1)[0]
    header_names = [line.split(":", 1)[0] for line in header_block.split("\r\n") if line and not line[0].isspace()]
    assert "Bcc" not in header_names and "Cc" not in header_names
    assert "Subject: Hej Bcc: angriber@example.com" in header_block
