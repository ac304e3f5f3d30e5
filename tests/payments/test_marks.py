"""Subsidised registrations are marked "Tilskud" in the dashboard, the participant list and the full export."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from eventsite.extensions import db
from eventsite.payments.models import SubsidyRequest
from eventsite.payments.operations import Choices, SubsidyWish
from eventsite.payments.subsidies import decide
from tests.helpers import visible_text


def subsidised_conference(app, create_conference, register_person):
    conference = create_conference()
    wish = SubsidyWish(fee=True, reason="Ingen kursusmidler")
    approved = register_person(
        conference.session_id,
        choices=Choices(True, frozenset(conference.day_ids), subsidy=wish),
        notify=True,
        name="Birgitte Lund",
    ).id
    register_person(
        conference.session_id,
        choices=Choices(True, frozenset(conference.day_ids), subsidy=wish),
        notify=True,
        name="Peter Skov",
    )
    register_person(
        conference.session_id,
        choices=Choices(False, frozenset(conference.day_ids)),
        notify=True,
        name="Lars Østergaard",
    )
    with app.test_request_context(method="POST"):
        request = db.session.execute(
            select(SubsidyRequest).where(SubsidyRequest.registration_id == approved)
        ).scalar_one()
        decide(request, True, granted_ore=100000)
        db.session.commit()
    return conference


def test_the_participant_list_marks_only_approved_subsidies(app, client, create_conference, register_person, login_as):
    conference = subsidised_conference(app, create_conference, register_person)
    login_as(conference.organisation_id)
    text = visible_text(client.get(f"/arrangoer/arrangementer/{conference.id}/deltagere").data)
    assert "Birgitte Lund Tilskud" in text
    assert "Peter Skov Tilskud" not in text and "Lars Østergaard Tilskud" not in text


def test_the_full_export_has_a_subsidy_column(app, client, create_conference, register_person, login_as):
    conference = subsidised_conference(app, create_conference, register_person)
    login_as(conference.organisation_id)
    response = client.get(f"/arrangoer/arrangementer/{conference.id}/eksport?type=full&format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    marks = {row[0]: row[header.index("Tilskud")] for row in rows[1:]}
    assert marks == {"Birgitte Lund": "Tilskud", "Peter Skov": "", "Lars Østergaard": ""}


def test_the_dashboard_counts_subsidised_registrations(app, client, create_conference, register_person, login_as):
    conference = subsidised_conference(app, create_conference, register_person)
    login_as(conference.organisation_id)
    page = client.get("/arrangoer/oversigt").data.decode()
    table = page[page.index('figures">') :]
    header = [visible_text(h) for h in re.findall(r'<th scope="col">(.*?)</th>', table[: table.index("</thead>")])]
    first_row = table[table.index("<tbody>") : table.index("</tr>", table.index("<tbody>"))]
    cells = [visible_text(c) for c in re.findall(r"<td>(.*?)</td>", first_row)]
    figures = dict(zip(header[1:], cells))
    assert (figures["Bekræftet"], figures["Tilskud"]) == ("3", "1")
