"""Participant lists: search and sort on the server, and changes made on someone's behalf."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsite.attendance.participants import (
    ListQuery,
    add_by_hand,
    cancel_on_behalf,
    danish_sort_key,
    participants,
    promote_out_of_order,
)
from eventsite.audit import AuditEntry
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.operations import PersonDetails, RegistrationError
from tests.helpers import csrf_token, visible_text


def test_danish_names_sort_with_ae_oe_aa_last_and_accents_ignored():
    names = ["Åse", "Ærø", "Øster", "Zacho", "Émile", "anders", "Bo"]
    assert sorted(names, key=danish_sort_key) == ["anders", "Bo", "Émile", "Zacho", "Ærø", "Øster", "Åse"]


def _statuses(app, session_id):
    with app.app_context():
        rows = db.session.execute(
            select(Registration.id, Registration.status)
            .where(Registration.session_id == session_id)
            .order_by(Registration.id)
        ).all()
        return {rid: status for rid, status in rows}


def _audit_actions(app, registration_id):
    with app.app_context():
        return (
            db.session.execute(
                select(AuditEntry.action)
                .where(AuditEntry.object_type == "registration", AuditEntry.object_id == registration_id)
                .order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )


@pytest.fixture
def full_session(app, create_event, register_person):
    """Næstved with 2 seats (Mette, Søren) and a waiting list (Åse, then Zacho); Silkeborg has room."""
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 2},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 10},
        ]
    )
    people = {}
    for name, workplace in (
        ("Mette Hansen", "Næstved Kommune"),
        ("Søren Æbelø", "Region Sjælland"),
        ("Åse Ørum", "Køge Kommune"),
        ("Zacho Andersen", "Vordingborg Kommune"),
    ):
        people[name] = register_person(event.session_ids[0], name=name, workplace=workplace).id
    return event, people


# --- lists --------------------------------------------------------------------------


def test_the_list_is_searched_case_and_accent_insensitively_on_the_server(app, full_session):
    event, people = full_session
    with app.app_context():
        found = participants(event.id, ListQuery(q="ØRUM"))
        assert [r.person.name for r in found] == ["Åse Ørum"]
        found = participants(event.id, ListQuery(q="kommune næstved"))
        assert [r.person.name for r in found] == ["Mette Hansen"]


def test_the_list_sorts_by_name_the_danish_way_and_in_reverse(app, full_session):
    event, people = full_session
    with app.app_context():
        names = [r.person.name for r in participants(event.id, ListQuery(sort="name"))]
        assert names == ["Mette Hansen", "Søren Æbelø", "Zacho Andersen", "Åse Ørum"]
        names = [r.person.name for r in participants(event.id, ListQuery(sort="name", descending=True))]
        assert names == ["Åse Ørum", "Zacho Andersen", "Søren Æbelø", "Mette Hansen"]


def test_the_list_filters_by_status(app, full_session):
    event, people = full_session
    with app.app_context():
        waiting = participants(event.id, ListQuery(status="waitlisted", sort="status"))
        assert [r.person.name for r in waiting] == ["Åse Ørum", "Zacho Andersen"], "in queue order"


def test_unknown_list_parameters_fall_back_to_defaults():
    query = ListQuery.from_args({"sort": "password_hash", "status": "DROP TABLE", "dir": "sideways", "q": "x" * 500})
    assert (query.sort, query.status, query.descending, len(query.q)) == ("name", "active", False, 200)


def test_the_participant_page_searches_sorts_and_shows_queue_places(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    page = client.get(f"/arrangoer/arrangementer/{event.id}/deltagere", query_string={"sort": "name", "dir": "desc"})
    assert page.status_code == 200
    text = visible_text(page.data)
    assert text.index("Åse Ørum") < text.index("Mette Hansen")
    assert "På venteliste (nr. 1)" in text and "På venteliste (nr. 2)" in text
    assert 'aria-sort="descending"' in page.data.decode()
    text = visible_text(client.get(f"/arrangoer/arrangementer/{event.id}/deltagere", query_string={"q": "søren"}).data)
    assert "Søren Æbelø" in text and "Mette Hansen" not in text


def test_the_session_list_shows_only_that_session(app, client, full_session, register_person, login_as):
    event, people = full_session
    register_person(event.session_ids[1], name="Lars Østergaard")
    login_as(event.organisation_id)
    text = visible_text(client.get(f"/arrangoer/sessioner/{event.session_ids[1]}/deltagere").data)
    assert "Lars Østergaard" in text and "Mette Hansen" not in text


# --- changes on someone's behalf --------------------------------------------------------


def test_an_organiser_adds_a_phone_sign_up_even_after_the_deadline(app, create_event):
    event = create_event(registration_closes_at=utcnow() - timedelta(days=1))
    with app.test_request_context(method="POST"):
        registration = add_by_hand(event.session_id, PersonDetails(name="Birgitte Lund", email="BIRGITTE@example.dk"))
        db.session.commit()
        assert registration.status is RegistrationStatus.CONFIRMED
        assert registration.person.email == "birgitte@example.dk"
    assert _audit_actions(app, registration.id) == ["added_by_hand"]


def test_a_phone_sign_up_for_a_full_session_joins_the_waiting_list(app, full_session):
    event, people = full_session
    with app.test_request_context(method="POST"):
        registration = add_by_hand(event.session_ids[0], PersonDetails(name="Birgitte Lund", email="b@example.dk"))
        assert registration.status is RegistrationStatus.WAITLISTED


def test_the_add_form_signs_someone_up_and_refuses_bad_input_in_danish(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    url = f"/arrangoer/arrangementer/{event.id}/deltagere/tilfoej"
    token = csrf_token(client.get(url).data)
    bad = client.post(
        url, data={"csrf_token": token, "session_id": event.session_ids[1], "name": "", "email": "ikke-en-adresse"}
    )
    assert bad.status_code == 422
    assert "Skriv personens navn." in visible_text(bad.data)
    with app.app_context():
        assert (
            db.session.execute(select(Registration).where(Registration.session_id == event.session_ids[1])).first()
            is None
        )
    wrong_session = client.post(
        url, data={"csrf_token": token, "session_id": 999999, "name": "Birgitte Lund", "email": "b@example.dk"}
    )
    assert wrong_session.status_code == 422
    good = client.post(
        url,
        data={
            "csrf_token": token,
            "session_id": event.session_ids[1],
            "name": "Birgitte Lund",
            "email": "b@example.dk",
            "dietary_needs": "Vegetar",
        },
    )
    assert good.status_code == 303
    assert "Birgitte Lund er tilmeldt." in visible_text(client.get(good.headers["Location"]).data)
    again = client.post(
        url,
        data={
            "csrf_token": token,
            "session_id": event.session_ids[1],
            "name": "Birgitte Lund",
            "email": "b@example.dk",
        },
    )
    assert again.status_code == 409
    assert "allerede tilmeldt" in visible_text(again.data)


def test_moving_someone_gives_their_seat_to_the_first_waiting_and_is_audited(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    mette = people["Mette Hansen"]
    page = client.get(f"/arrangoer/tilmeldinger/{mette}")
    response = client.post(
        f"/arrangoer/tilmeldinger/{mette}/flyt",
        data={"csrf_token": csrf_token(page.data), "session_id": event.session_ids[1]},
    )
    assert response.status_code == 303
    with app.app_context():
        moved = db.session.get(Registration, mette)
        assert (moved.session_id, moved.status) == (event.session_ids[1], RegistrationStatus.CONFIRMED)
        assert db.session.get(Registration, people["Åse Ørum"]).status is RegistrationStatus.CONFIRMED
    assert _audit_actions(app, mette) == ["moved"]
    assert _audit_actions(app, people["Åse Ørum"]) == ["promoted"]


def test_cancelling_on_someones_behalf_promotes_in_order(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    soeren = people["Søren Æbelø"]
    token = csrf_token(client.get(f"/arrangoer/tilmeldinger/{soeren}").data)
    response = client.post(f"/arrangoer/tilmeldinger/{soeren}/afmeld", data={"csrf_token": token, "confirmed": "yes"})
    assert response.status_code == 303
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "Åse Ørum har fået pladsen fra ventelisten." in text
    statuses = _statuses(app, event.session_ids[0])
    assert statuses[soeren] is RegistrationStatus.CANCELLED
    assert statuses[people["Åse Ørum"]] is RegistrationStatus.CONFIRMED
    assert statuses[people["Zacho Andersen"]] is RegistrationStatus.WAITLISTED
    assert _audit_actions(app, soeren) == ["cancelled"]


def test_promoting_out_of_order_needs_a_free_seat_and_a_reason(app, full_session):
    event, people = full_session
    with app.test_request_context(method="POST"):
        zacho = db.session.get(Registration, people["Zacho Andersen"])
        with pytest.raises(RegistrationError):
            promote_out_of_order(zacho, "   ")
        with pytest.raises(RegistrationError) as full:
            promote_out_of_order(zacho, "Oplægsholderens kollega")
        assert "fuldt" in str(full.value.message)
        db.session.rollback()
        assert db.session.get(Registration, people["Zacho Andersen"]).status is RegistrationStatus.WAITLISTED

        # Cancel Søren but keep his seat free; now Zacho (no. 2 in line) can have it.
        cancel_on_behalf(db.session.get(Registration, people["Søren Æbelø"]), fill_seat=False)
        assert db.session.get(Registration, people["Åse Ørum"]).status is RegistrationStatus.WAITLISTED
        promote_out_of_order(db.session.get(Registration, people["Zacho Andersen"]), "Oplægsholderens kollega")
        db.session.commit()
    statuses = _statuses(app, event.session_ids[0])
    assert statuses[people["Zacho Andersen"]] is RegistrationStatus.CONFIRMED
    assert statuses[people["Åse Ørum"]] is RegistrationStatus.WAITLISTED
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "promoted_out_of_order")).scalar_one()
        assert entry.object_id == people["Zacho Andersen"]
        assert "Oplægsholderens kollega" in entry.after and '"waitlist_position": 2' in entry.after


def test_the_promote_form_requires_a_reason_and_explains_a_full_session(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    zacho = people["Zacho Andersen"]
    token = csrf_token(client.get(f"/arrangoer/tilmeldinger/{zacho}").data)
    empty = client.post(f"/arrangoer/tilmeldinger/{zacho}/ryk-op", data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 422
    assert "Skriv en begrundelse" in visible_text(empty.data)
    full = client.post(f"/arrangoer/tilmeldinger/{zacho}/ryk-op", data={"csrf_token": token, "reason": "Bestyrelsen"})
    assert full.status_code == 409
    assert "Holdet er fuldt" in visible_text(full.data)
    assert _statuses(app, event.session_ids[0])[zacho] is RegistrationStatus.WAITLISTED


def test_the_registration_page_shows_the_history_of_changes(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id, email="anne@example.org")
    soeren = people["Søren Æbelø"]
    token = csrf_token(client.get(f"/arrangoer/tilmeldinger/{soeren}").data)
    client.post(
        f"/arrangoer/tilmeldinger/{soeren}/afmeld",
        data={"csrf_token": token, "keep_seat_free": "y", "confirmed": "yes"},
    )
    text = visible_text(client.get(f"/arrangoer/tilmeldinger/{soeren}").data)
    assert re.search(r"anne@example\.org · Afmeldt af en arrangør", text), text


def test_another_organisations_organiser_gets_404_everywhere(app, client, full_session, login_as, create_organisation):
    event, people = full_session
    login_as(create_organisation(slug="andre"))
    mette = people["Mette Hansen"]
    for url in (
        f"/arrangoer/arrangementer/{event.id}/deltagere",
        f"/arrangoer/sessioner/{event.session_id}/deltagere",
        f"/arrangoer/tilmeldinger/{mette}",
        f"/arrangoer/arrangementer/{event.id}/eksport?type=full&format=csv",
        f"/arrangoer/arrangementer/{event.id}/udskriv",
        f"/arrangoer/arrangementer/{event.id}/navneskilte",
        f"/arrangoer/arrangementer/{event.id}/deltagere/tilfoej",
    ):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client.get("/arrangoer/oversigt").data)
    assert (
        client.post(
            f"/arrangoer/tilmeldinger/{mette}/afmeld", data={"csrf_token": token, "confirmed": "yes"}
        ).status_code
        == 404
    )
    assert _statuses(app, event.session_id)[mette] is RegistrationStatus.CONFIRMED


# --- exports, printing and badges through the browser ----------------------------------------


def test_the_caterer_export_downloads_as_csv_for_danish_excel(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    response = client.get(
        f"/arrangoer/arrangementer/{event.id}/eksport", query_string={"type": "catering", "format": "csv"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.is_streamed
    body = response.get_data().decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert body.startswith("\ufeff")
    assert sorted(row[0] for row in rows[1:]) == ["Mette Hansen", "Søren Æbelø"]


def test_the_full_export_downloads_as_xlsx(app, client, full_session, login_as, tmp_path):
    from openpyxl import load_workbook

    event, people = full_session
    login_as(event.organisation_id)
    response = client.get(
        f"/arrangoer/arrangementer/{event.id}/eksport", query_string={"type": "full", "format": "xlsx"}
    )
    assert response.status_code == 200
    path = tmp_path / "full.xlsx"
    path.write_bytes(response.get_data())
    names = [row[0].value for row in load_workbook(path).active.iter_rows(min_row=2)]
    assert sorted(names) == ["Mette Hansen", "Søren Æbelø", "Zacho Andersen", "Åse Ørum"]


@pytest.mark.parametrize("query", [{"type": "everything"}, {"format": "pdf"}, {"session": "999999"}])
def test_nonsense_export_parameters_answer_404(app, client, full_session, login_as, query):
    event, people = full_session
    login_as(event.organisation_id)
    assert client.get(f"/arrangoer/arrangementer/{event.id}/eksport", query_string=query).status_code == 404


def test_the_printable_list_and_badges_show_confirmed_people_only(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    printable = client.get(f"/arrangoer/arrangementer/{event.id}/udskriv")
    text = visible_text(printable.data)
    assert "Mette Hansen" in text and "Åse Ørum" not in text
    assert "2 bekræftede deltagere" in text and "Underskrift" in text
    badges = client.get(f"/arrangoer/arrangementer/{event.id}/navneskilte")
    html = badges.data.decode()
    assert html.count('class="badge"') == 2
    assert "attendance.css" in html
    assert re.search(r'class="badge-name">Søren Æbelø<', html)


def test_cancelling_a_cancelled_registration_is_refused_and_not_audited_twice(app, full_session):
    event, people = full_session
    with app.test_request_context(method="POST"):
        cancel_on_behalf(db.session.get(Registration, people["Mette Hansen"]))
        db.session.commit()
        with pytest.raises(RegistrationError):
            cancel_on_behalf(db.session.get(Registration, people["Mette Hansen"]))
    assert _audit_actions(app, people["Mette Hansen"]) == ["cancelled"]


def test_moving_someone_to_another_events_session_is_refused(app, client, full_session, create_event, login_as):
    event, people = full_session
    other = create_event("Et andet arrangement", organisation_id=event.organisation_id)
    login_as(event.organisation_id)
    mette = people["Mette Hansen"]
    token = csrf_token(client.get(f"/arrangoer/tilmeldinger/{mette}").data)
    response = client.post(
        f"/arrangoer/tilmeldinger/{mette}/flyt", data={"csrf_token": token, "session_id": other.session_id}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Registration, mette).session_id == event.session_ids[0]
    assert _audit_actions(app, mette) == []


def test_every_download_of_a_participant_list_is_in_the_change_log(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id, "admin")
    client.get(
        f"/arrangoer/arrangementer/{event.id}/eksport", query_string={"type": "catering", "format": "csv"}
    ).get_data()
    client.get(
        f"/arrangoer/arrangementer/{event.id}/eksport",
        query_string={"type": "full", "format": "xlsx", "session": event.session_id},
    ).get_data()
    with app.app_context():
        entries = (
            db.session.execute(select(AuditEntry).where(AuditEntry.action == "exported").order_by(AuditEntry.id))
            .scalars()
            .all()
        )
        assert [(e.object_type, e.object_id) for e in entries] == [("event", event.id)] * 2
        assert entries[0].actor and entries[0].actor == entries[1].actor
        assert json.loads(entries[0].after) == {"list": "catering", "format": "csv"}
        assert json.loads(entries[1].after) == {"list": "full", "format": "xlsx", "session": event.session_id}
    text = visible_text(client.get("/arrangoer/log").data)
    assert text.count("deltagerliste hentet") == 2


def test_a_refused_export_leaves_no_trace_in_the_change_log(app, client, full_session, login_as):
    event, people = full_session
    login_as(event.organisation_id)
    assert client.get(f"/arrangoer/arrangementer/{event.id}/eksport", query_string={"format": "pdf"}).status_code == 404
    with app.app_context():
        assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "exported")).first() is None
