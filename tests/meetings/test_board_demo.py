"""The demo's KOMDIR board meeting: run through the product to published minutes."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.meetings.minutes_models import Minutes, MinutesState
from tests.helpers import visible_text


def test_the_demo_has_a_board_meeting_with_approved_and_published_minutes(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        found = db.session.execute(select(Minutes)).scalar_one()
        assert found.state is MinutesState.PUBLISHED
        data = found.latest_version.data
        session_id, event_id = found.session_id, found.session.event_id
        assert sorted(data["afbud"]) == ["Ole Bjerregaard", "Signe Aagaard"]
        notes = {p["name"]: p["note"] for p in data["attending"]}
        assert notes["Kasper Lind"] == "deltog i pkt. 1-3 og delvist i pkt. 4"
        assert notes["Rikke Holm"] == "deltog online"
    pdf = client.get(f"/referater/{session_id}.pdf")
    assert pdf.status_code == 200
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages))
    assert "Kommunaldirektørforeningen (KOMDIR)" in text and "Økonomiaftalen 2027" in text
    assert "Kasper Lind (deltog i pkt. 1-3 og delvist i pkt. 4)" in text
    page = visible_text(client.get(f"/arrangementer/{event_id}").data)
    assert "Referat" in page and "Lederforum holdes i Odense" in page
