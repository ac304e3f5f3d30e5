"""The agenda as a PDF (parsed back with pypdf), in the confirmation email (over SMTP)
and in calendar descriptions (parsed back with icalendar)."""

from __future__ import annotations

import io
import re

import icalendar
from pypdf import PdfReader

from eventsite.calendar.entries import personal_entry
from eventsite.clock import utcnow
from eventsite.extensions import db
from eventsite.registration.models import Registration
from tests.mail.test_delivery import html_of, text_of
from tests.meetings.conftest import add_item, docx_bytes, item_id, pdf_bytes, post_action, upload

KINDS = ["orientering", "droeftelse", "beslutning", "valg"]
KIND_LABELS = {"orientering": "Orientering", "droeftelse": "Drøftelse", "beslutning": "Beslutning", "valg": "Valg"}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def build_agenda(app, client, session_id: int, count: int = 20) -> None:
    for n in range(1, count + 1):
        kind = KINDS[n % 4]
        add_item(
            client,
            session_id,
            f"Punkt nummer {n}",
            kind=kind,
            presenter=f"Oplægsholder {n}",
            case_number=f"S2024-{700 + n}",
            proposed_decision=f"Sekretariatet indstiller, at punkt {n} tages til efterretning"
            if kind == "beslutning"
            else "",
            description=f"Baggrund for **punkt {n}**.",
        )
    add_item(
        client, session_id, "Underpunkt om budget", under=item_id(app, session_id, "Punkt nummer 2"), kind="beslutning"
    )


def test_the_agenda_pdf_of_a_20_item_meeting_parses_back(app, client, organiser, create_event, uploads):
    event = create_event(title="Bestyrelsesmøde i KOMDIR", organisation_id=organiser)
    sid = event.session_id
    build_agenda(app, client, sid)
    upload(
        client,
        sid,
        "one-pager.docx",
        docx_bytes(),
        title="Bilag 2. One-pager",
        item_id=item_id(app, sid, "Punkt nummer 3"),
    )
    response = client.get(f"/arrangoer/sessioner/{sid}/dagsorden.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="dagsorden-bestyrelsesmoede-i-komdir-'
    )
    assert response.headers["Cache-Control"] == "no-store"
    text = folded(pdf_text(response.data))
    assert "Lederne Sjælland" in text  # the organisation's brand
    assert "Dagsorden: Bestyrelsesmøde i KOMDIR" in text
    positions = []
    for n in range(1, 21):
        label = KIND_LABELS[KINDS[n % 4]]
        found = text.find(f"{n}. Punkt nummer {n}")
        assert found >= 0, n
        positions.append(found)
        assert f"{label} · v. Oplægsholder {n} · Sagsnr. S2024-{700 + n}" in text
        if KINDS[n % 4] == "beslutning":
            assert f"Indstilling: Sekretariatet indstiller, at punkt {n} tages til efterretning" in text
    assert positions == sorted(positions)  # in agenda order
    assert "2.1. Underpunkt om budget" in text
    assert "Bilag: Bilag 2. One-pager" in text
    assert "Side 1 af" in text


def test_the_public_pdf_and_the_participants_pdf(app, client, organiser, create_event, register_person, uploads):
    event = create_event(organisation_id=organiser)
    sid = event.session_id
    add_item(client, sid, "Velkomst")
    upload(client, sid, "hemmelig.pdf", pdf_bytes(), title="Fortroligt bilag", shown_to="participants")
    participant = register_person(sid, "deltager@example.dk")
    anyone = app.test_client()
    public = anyone.get(f"/arrangementer/{event.id}/sessioner/{sid}/dagsorden.pdf")
    assert public.status_code == 200
    assert "1. Velkomst" in folded(pdf_text(public.data)) and "Fortroligt bilag" not in pdf_text(public.data)
    personal = anyone.get(f"/tilmelding/{participant.token}/dagsorden.pdf")
    assert "Fortroligt bilag" in folded(pdf_text(personal.data))
    # Participants only: the public PDF is gone, the participant's stays.
    post_action(
        client,
        f"/arrangoer/sessioner/{sid}/dagsorden",
        f"/arrangoer/sessioner/{sid}/dagsorden/synlighed",
        shown_to="participants",
    )
    assert anyone.get(f"/arrangementer/{event.id}/sessioner/{sid}/dagsorden.pdf").status_code == 404
    assert anyone.get(f"/tilmelding/{participant.token}/dagsorden.pdf").status_code == 200


def test_the_confirmation_email_lists_the_agenda_and_links_to_the_bilag(
    app, client, organiser, create_event, register_person, uploads, smtp, deliver
):
    event = create_event(title="Lederforum", organisation_id=organiser)
    sid = event.session_id
    add_item(client, sid, "Handlerum og faglig ledelse", kind="droeftelse", starts_at="10:00")
    upload(client, sid, "handlerum.pdf", pdf_bytes(), title="Bilag 1. Handlerum – faglig ledelse", shown_to="public")
    upload(client, sid, "one-pager.docx", docx_bytes(), title="Bilag 2. One-pager", shown_to="participants")
    registration = register_person(sid, "leder@example.dk", notify=True)
    deliver()
    (received,) = smtp.wait_for(1)
    message = received.message()
    text = text_of(message)
    assert "Dagsorden:\n1. 10.00 Handlerum og faglig ledelse (Drøftelse)" in text
    assert f"- Bilag 2. One-pager: http://localhost/tilmelding/{registration.token}/bilag/" in text
    assert f"- Bilag 1. Handlerum – faglig ledelse: http://localhost/tilmelding/{registration.token}/bilag/" in text
    assert "Bilag 1. Handlerum – faglig ledelse</a>" in html_of(message)
    # Linked, never attached: the only attachment is the calendar invitation.
    attachments = [part.get_content_type() for part in message.walk() if part.get_content_disposition() == "attachment"]
    assert attachments == ["application/ics"]
    types = {part.get_content_type() for part in message.walk()}
    assert not types & {"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    # The link in the email works for the person it was sent to.
    link = re.search(r"http://localhost(/tilmelding/[^/\s]+/bilag/\d+)", text.split("Bilag 2. One-pager: ")[1]).group(1)
    response = app.test_client().get(link)
    assert response.status_code == 200 and response.data.startswith(b"PK")
    response.close()


def test_an_event_without_an_agenda_sends_the_same_email_as_before(app, create_event, register_person, smtp, deliver):
    event = create_event(title="Temadag")
    register_person(event.session_id, "leder@example.dk", notify=True)
    deliver()
    (received,) = smtp.wait_for(1)
    assert "Dagsorden" not in text_of(received.message()) and "Bilag" not in text_of(received.message())


def test_calendar_descriptions_carry_the_agenda_as_each_reader_may_see_it(
    app, client, organiser, create_event, register_person
):
    event = create_event(title="Bestyrelsesmøde", organisation_id=organiser)
    sid = event.session_id
    add_item(client, sid, "Godkendelse af referat", kind="beslutning")
    add_item(client, sid, "Budget", kind="beslutning", starts_at="11:00")
    add_item(client, sid, "Regnskab", under=item_id(app, sid, "Budget"))
    anyone = app.test_client()

    def public_description() -> str:
        response = anyone.get(f"/arrangementer/{event.id}/kalender/{sid}.ics")
        assert response.status_code == 200, response.status_code
        (vevent,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
        return str(vevent["DESCRIPTION"])

    assert "Dagsorden:\n1. Godkendelse af referat\n2. 11.00 Budget\n   2.1. Regnskab" in public_description()
    # Participants only: gone from the public calendar, kept in a participant's invitation.
    post_action(
        client,
        f"/arrangoer/sessioner/{sid}/dagsorden",
        f"/arrangoer/sessioner/{sid}/dagsorden/synlighed",
        shown_to="participants",
    )
    assert "Dagsorden" not in public_description()
    registration = register_person(sid, "leder@example.dk")
    with app.test_request_context():
        entry = personal_entry(db.session.get(Registration, registration.id), stamp=utcnow())
    assert "Dagsorden:\n1. Godkendelse af referat" in entry.description
