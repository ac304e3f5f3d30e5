"""Bilag over real HTTP (gunicorn): who may download what, and the headers a browser sees."""

from __future__ import annotations

import pytest
import requests

from tests.live_server import live_server
from tests.meetings.test_bilag import meeting_with_bilag  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def test_bilag_access_over_http_for_the_public_a_non_participant_and_a_participant(
    app, database_url, meeting_with_bilag, uploads
):
    world = meeting_with_bilag
    event_id = world["event"].id
    public, private = world["public"], world["private"]
    with live_server(
        database_url, workers=1, secret_key=app.config["SECRET_KEY"], env={"EVENTSITE_UPLOAD_DIR": str(uploads)}
    ) as server:
        base = server.url
        page = requests.get(f"{base}/arrangementer/{event_id}", timeout=10)
        assert page.status_code == 200
        assert "Bilag 1. Handlerum – faglig ledelse" in page.text and "One-pager" not in page.text

        answer = requests.get(f"{base}/arrangementer/{event_id}/bilag/{public.id}", timeout=10)
        assert answer.status_code == 200
        assert answer.content == (uploads / public.stored_name).read_bytes() and answer.content.startswith(b"%PDF-")
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Disposition"].startswith("attachment; ")
        assert "filename*=UTF-8''Handlerum%20%E2%80%93%20faglig%20ledelse.pdf" in answer.headers["Content-Disposition"]
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"

        # Participants only: 404 to the public and to people who are not participants.
        assert requests.get(f"{base}/arrangementer/{event_id}/bilag/{private.id}", timeout=10).status_code == 404
        for who in ("waiting", "other_session"):
            url = f"{base}/tilmelding/{world[who].token}/bilag/{private.id}"
            assert requests.get(url, timeout=10).status_code == 404, who

        answer = requests.get(f"{base}/tilmelding/{world['participant'].token}/bilag/{private.id}", timeout=10)
        assert answer.status_code == 200 and answer.content == (uploads / private.stored_name).read_bytes()
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
