"""The privacy notice: a default Danish text per organisation, edited by administrators, linked from every form;
the organisers' record of processing (art. 30)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.helpers import csrf_token, visible_text
from tests.privacy.member_helpers import member_session  # noqa: F401 (fixture)


def test_the_default_notice_names_data_purposes_legal_basis_retention_and_rights(client, create_organisation):
    create_organisation(slug="kl-chefer", name="Kommunaldirektørforeningen")
    page = client.get("/privatlivspolitik/kl-chefer")
    assert page.status_code == 200
    text = visible_text(page.data)
    assert "Privatlivspolitik for Kommunaldirektørforeningen" in text
    assert "Kommunaldirektørforeningen er dataansvarlig" in text
    for words in ("art. 9, stk. 2, litra d", "samtykke", "Kosthensyn slettes efter arrangementet", "Datatilsynet"):
        assert words in text
    # Meetings: afbud reasons and the minutes as the association's record.
    assert "Ved møder: dit afbud og den begrundelse, du giver" in text
    assert "Begrundelser for afbud slettes 30 dage efter mødet." in text and "Slettet deltager" in text
    assert client.get("/privatlivspolitik/findes-ikke").status_code == 404


def test_every_form_that_collects_personal_data_links_to_the_notice(
    app, client, member_session, create_event, register_person
):
    event = create_event()
    register_person(event.session_id, email="lone@example.dk")
    with app.app_context():
        from eventsite.extensions import db
        from eventsite.registration.models import Registration  # noqa: F401

        slug = db.session.execute(
            db.text("SELECT slug FROM organisations WHERE id = :id"), {"id": event.organisation_id}
        ).scalar_one()
    target = f'href="/privatlivspolitik/{slug}"'
    assert target in client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert target in client.get(f"/arrangementer/{event.id}/send-mit-link").get_data(as_text=True)
    assert target in member_session(event.id, "lone@example.dk").get_data(as_text=True)


@pytest.mark.parametrize("organiser", ["admin"], indirect=True)
def test_an_administrator_edits_the_notice_and_can_go_back_to_the_default(client, organiser):
    form = client.get(f"/arrangoer/organisationer/{organiser}/privatlivspolitik")
    assert form.status_code == 200
    assert "er dataansvarlig" in form.get_data(as_text=True)  # the default, to start from
    saved = client.post(
        f"/arrangoer/organisationer/{organiser}/privatlivspolitik",
        data={"csrf_token": csrf_token(form.data), "body": "## Vores politik\n\nKontakt dpo@lederne.dk."},
    )
    assert saved.status_code == 303
    public = visible_text(client.get("/privatlivspolitik/lederne").data)
    assert "Vores politik" in public and "dpo@lederne.dk" in public and "er dataansvarlig" not in public
    client.post(
        f"/arrangoer/organisationer/{organiser}/privatlivspolitik",
        data={"csrf_token": csrf_token(form.data), "body": "  "},
    )
    assert "er dataansvarlig" in visible_text(client.get("/privatlivspolitik/lederne").data)


def test_an_organiser_may_not_edit_the_notice_but_downloads_the_record_of_processing(client, organiser):
    assert client.get(f"/arrangoer/organisationer/{organiser}/privatlivspolitik").status_code == 404
    response = client.get(f"/arrangoer/organisationer/{organiser}/fortegnelse.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Fortegnelse", "Kategorier", "Opbevaring"]
    overview = {row[0]: row[1] for row in book["Fortegnelse"].iter_rows(min_row=2, values_only=True)}
    assert overview["Dataansvarlig"].startswith("Lederne Sjælland")
    assert "art. 9, stk. 2, litra d" in overview["Retsgrundlag"]
    categories = [row[1] for row in book["Kategorier"].iter_rows(min_row=2, values_only=True)]
    for name in ("person", "registrations", "dietary_needs", "consents", "member_page_links"):
        assert name in categories
    retention = list(book["Opbevaring"].iter_rows(min_row=2, values_only=True))
    assert retention and all(str(row[1]).isdigit() for row in retention)
    book.close()
    assert client.get("/arrangoer/organisationer/999999/fortegnelse.xlsx").status_code == 404
