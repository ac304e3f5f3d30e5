"""Corrections: a leader fixes their own details on the manage page; an organiser fixes
them on the person's behalf and sends the confirmation again with a fresh invitation."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from sqlalchemy import select, update

from eventsite.audit import AuditEntry
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration.models import Registration
from tests.helpers import csrf_token, form_token, visible_text
from tests.mail.conftest import deliver, smtp  # noqa: F401 (fixtures)

NEW = {
    "name": "Mette Kjær Hansen",
    "job_title": "Afdelingsleder",
    "workplace": "Næstved Kommune",
    "municipality_code": "0370",
    "dietary_needs": "Vegetar",
}


def person_and_note(app, registration_id: int) -> tuple[dict, str | None]:
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        person = registration.person
        fields = {f: getattr(person, f) for f in ("name", "email", "job_title", "workplace", "municipality_code")}
        return fields, registration.dietary_note.text if registration.dietary_note else None


def test_a_leader_corrects_their_details_on_the_manage_page(app, client, create_event, register_person):
    event = create_event()
    me = register_person(event.session_id, email="mette@example.dk", name="Mete Hansen")
    page = client.get(f"/tilmelding/{me.token}")
    assert "Dine oplysninger" in visible_text(page.data)

    response = client.post(f"/tilmelding/{me.token}/oplysninger", data={"csrf_token": csrf_token(page.data), **NEW})

    assert response.status_code == 303
    after = client.get(response.headers["Location"])
    assert "Dine oplysninger er gemt." in visible_text(after.data)
    assert "Mette Kjær Hansen" in visible_text(after.data)
    fields, note = person_and_note(app, me.id)
    assert fields == {**{k: v for k, v in NEW.items() if k != "dietary_needs"}, "email": "mette@example.dk"}
    assert note == "Vegetar"

    # Emptying the dietary field removes the note.
    page = client.get(f"/tilmelding/{me.token}")
    client.post(
        f"/tilmelding/{me.token}/oplysninger", data={"csrf_token": csrf_token(page.data), **NEW, "dietary_needs": ""}
    )
    assert person_and_note(app, me.id)[1] is None


def test_a_correction_with_bad_input_is_explained_and_changes_nothing(app, client, create_event, register_person):
    event = create_event()
    me = register_person(event.session_id, name="Mette Hansen")
    page = client.get(f"/tilmelding/{me.token}")
    before = person_and_note(app, me.id)

    response = client.post(
        f"/tilmelding/{me.token}/oplysninger",
        data={"csrf_token": csrf_token(page.data), **NEW, "name": "", "municipality_code": "9999"},
    )

    assert response.status_code == 422
    text = visible_text(response.data)
    assert "Ret venligst de markerede felter nedenfor." in text
    assert "Ikke et gyldigt valg." in text
    assert person_and_note(app, me.id) == before


def test_after_the_session_has_begun_dietary_needs_are_no_longer_asked_for(app, client, create_event, register_person):
    event = create_event()
    me = register_person(event.session_id)
    with app.app_context():
        from eventsite.registration.models import DietaryNote

        db.session.add(DietaryNote(registration_id=me.id, text="Glutenfri"))
        db.session.commit()
    page = client.get(f"/tilmelding/{me.token}")
    token = csrf_token(page.data)
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        db.session.execute(
            update(EventSession)
            .where(EventSession.id == event.session_id)
            .values(starts_at=start, ends_at=start + timedelta(hours=6))
        )
        db.session.commit()

    page = client.get(f"/tilmelding/{me.token}")
    assert "Kostbehov" not in visible_text(page.data)
    client.post(f"/tilmelding/{me.token}/oplysninger", data={"csrf_token": token, **NEW})
    fields, note = person_and_note(app, me.id)
    assert fields["name"] == NEW["name"] and note == "Glutenfri"


def test_an_organiser_corrects_the_details_and_sends_the_confirmation_again(
    app, client, smtp, deliver, create_event, register_person, login_as
):
    event = create_event(sessions=[{"city": "Næstved"}])
    login_as(event.organisation_id)
    registration_id = register_person(event.session_id, email="soeren@example.dk", name="Søren Ebelø", notify=True).id
    url = f"/arrangoer/tilmeldinger/{registration_id}"
    deliver()  # the first confirmation has arrived before the correction

    saved = client.post(
        f"{url}/oplysninger", data={"csrf_token": form_token(client, url), **NEW, "name": "Søren Æbelø"}
    )
    assert saved.status_code == 303
    assert "Oplysningerne er gemt." in visible_text(client.get(saved.headers["Location"]).data)
    resent = client.post(f"{url}/send-igen", data={"csrf_token": form_token(client, url)})
    assert resent.status_code == 303
    page = visible_text(client.get(resent.headers["Location"]).data)
    assert "Bekræftelsen sendes igen til soeren@example.dk." in page
    assert "Oplysninger rettet" in page and "Bekræftelse sendt igen" in page

    with app.app_context():
        kinds = db.session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars().all()
        assert kinds == [MailKind.CONFIRMATION, MailKind.CONFIRMATION]
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "details_corrected")).scalar_one()
        assert "Søren Æbelø" in entry.after and "Vegetar" not in entry.after  # the dietary text stays out of the log
        assert '"dietary_needs_changed": true' in entry.after

    deliver()
    first, second = (item.message() for item in smtp.received)
    sequences = []
    for message in (first, second):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        (vevent,) = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
        sequences.append(int(vevent["SEQUENCE"]))
    assert sequences[1] > sequences[0]
    text = next(p for p in second.walk() if p.get_content_type() == "text/plain").get_content()
    assert "Søren Æbelø" in text
