""" "Mine tilmeldinger": the way in through an emailed single-use link, the short session, the actions."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from eventsite import clock
from eventsite.extensions import db
from eventsite.registration.models import DietaryNote, Person, Registration
from tests.helpers import csrf_token, visible_text
from tests.privacy.member_helpers import ask_for_link, enter, member_links_in, member_session, text_of  # noqa: F401 (fixture)


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_one_an_email(
    app, client, smtp, deliver, create_event, register_person
):
    event = create_event()
    register_person(event.session_id, email="kendt@example.dk", name="Kirsten Kendt")
    known = ask_for_link(client, event.id, "kendt@example.dk")
    unknown = ask_for_link(client, event.id, "ukendt@example.dk")
    assert known.status_code == unknown.status_code == 200
    assert visible_text(known.data) == visible_text(unknown.data)
    deliver()
    assert [r.rcpt_tos for r in smtp.received] == [["kendt@example.dk"]]
    assert len(member_links_in(smtp)) == 1
    assert "Mine tilmeldinger hos" in text_of(smtp.received[0])


def test_the_link_works_once_and_the_page_shows_the_registrations(
    app, client, smtp, deliver, create_event, register_person
):
    event = create_event(title="Temadag om trivsel")
    register_person(event.session_id, email="lone@example.dk", name="Lone Ravn")
    ask_for_link(client, event.id, "lone@example.dk")
    deliver()
    (path,) = member_links_in(smtp)

    entered = enter(client, path)
    assert entered.status_code == 303
    page = client.get("/mine-tilmeldinger/")
    assert page.status_code == 200
    text = visible_text(page.data)
    assert "Temadag om trivsel" in text and "lone@example.dk" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"

    # Used: a second visit (from another browser) gets a Danish 404, no session.
    other = app.test_client()
    again = other.get(path)
    assert again.status_code == 404 and "Linket virker ikke længere" in visible_text(again.data)
    assert other.get("/mine-tilmeldinger/").status_code == 403


def test_a_forged_or_expired_link_lets_nobody_in(app, client, smtp, deliver, create_event, register_person):
    event = create_event()
    register_person(event.session_id, email="lone@example.dk")
    with clock.travelled(clock.utcnow()):
        ask_for_link(client, event.id, "lone@example.dk")
    deliver()
    (path,) = member_links_in(smtp)
    link_id, _, secret = path.rsplit("/", 1)[1].partition("-")
    for forged in (f"{link_id}-{secret[:-2]}xx", f"{int(link_id) + 1}-{secret}", "abc", f"{link_id}-"):
        response = client.get(f"/mine-tilmeldinger/ind/{forged}")
        assert response.status_code == 404
    with clock.travelled(clock.utcnow() + timedelta(hours=1, minutes=1)):
        assert client.get(path).status_code == 404
    assert client.get("/mine-tilmeldinger/").status_code == 403


def test_the_session_ends_after_thirty_idle_minutes_and_on_logout(
    app, client, member_session, create_event, register_person
):
    event = create_event()
    register_person(event.session_id, email="lone@example.dk")
    start = clock.utcnow()
    with clock.travelled(start):
        assert member_session(event.id, "lone@example.dk").status_code == 200
    with clock.travelled(start + timedelta(minutes=25)):
        assert client.get("/mine-tilmeldinger/").status_code == 200
    with clock.travelled(start + timedelta(minutes=50)):
        assert client.get("/mine-tilmeldinger/").status_code == 200  # 25 idle minutes since the last visit
    with clock.travelled(start + timedelta(minutes=81)):
        ended = client.get("/mine-tilmeldinger/")
        assert ended.status_code == 403 and "Du er ikke længere logget ind" in visible_text(ended.data)

    with clock.travelled(start + timedelta(hours=2)):
        page = member_session(event.id, "lone@example.dk")
        cookie_copy = client.get_cookie("session").value
        out = client.post("/mine-tilmeldinger/log-ud", data={"csrf_token": csrf_token(page.data)})
        assert out.status_code == 200
        assert client.get("/mine-tilmeldinger/").status_code == 403
        # The cookie as it was before logging out opens nothing either.
        client.set_cookie("session", cookie_copy)
        assert client.get("/mine-tilmeldinger/").status_code == 403


def test_cancel_through_the_member_page_asks_first_and_follows_the_manage_rules(
    app, client, member_session, create_event, register_person
):
    event = create_event(title="Temadag om trivsel")
    mine = register_person(event.session_id, email="lone@example.dk")
    page = member_session(event.id, "lone@example.dk")
    token = csrf_token(page.data)
    asked = client.post(f"/mine-tilmeldinger/tilmelding/{mine.id}/afmeld", data={"csrf_token": token})
    assert asked.status_code == 200 and "Vil du afmelde dig?" in visible_text(asked.data)
    with app.app_context():
        assert db.session.get(Registration, mine.id).status.value == "confirmed"
    done = client.post(
        f"/mine-tilmeldinger/tilmelding/{mine.id}/afmeld", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(Registration, mine.id).status.value == "cancelled"


def test_another_persons_registration_is_a_404_and_nothing_changes(
    app, client, member_session, create_event, register_person
):
    event = create_event(participant_list=True)
    register_person(event.session_id, email="lone@example.dk")
    theirs = register_person(event.session_id, email="anden@example.dk")
    page = member_session(event.id, "lone@example.dk")
    token = csrf_token(page.data)
    for url, data in [
        (f"/mine-tilmeldinger/tilmelding/{theirs.id}/afmeld", {"confirmed": "yes"}),
        (f"/mine-tilmeldinger/tilmelding/{theirs.id}/flyt", {"session_id": event.session_id}),
        (f"/mine-tilmeldinger/tilmelding/{theirs.id}/samtykke", {"given": "yes"}),
    ]:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404
    assert client.get(f"/mine-tilmeldinger/tilmelding/{theirs.id}/deltagerliste").status_code == 404
    assert client.get("/mine-tilmeldinger/tilmelding/99999999999/deltagerliste").status_code == 404
    with app.app_context():
        registration = db.session.get(Registration, theirs.id)
        assert registration.status.value == "confirmed"
        from eventsite.registration.consent import consents

        assert not consents(theirs.id)


def test_details_are_corrected_with_the_usual_validation(app, client, member_session, create_event, register_person):
    event = create_event()
    mine = register_person(event.session_id, email="lone@example.dk", name="Lone Ravn")
    page = member_session(event.id, "lone@example.dk")
    token = csrf_token(page.data)
    refused = client.post("/mine-tilmeldinger/oplysninger", data={"csrf_token": token, "name": ""})
    assert refused.status_code == 422 and "Skriv dit navn" in visible_text(refused.data)
    saved = client.post(
        "/mine-tilmeldinger/oplysninger",
        data={
            "csrf_token": token,
            "name": "Lone Ravn-Holm",
            "job_title": "Afdelingsleder",
            "workplace": "Silkeborg Kommune",
            "municipality_code": "0740",
            "dietary_needs": "Vegetar",
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        person = db.session.execute(select(Person).where(Person.email == "lone@example.dk")).scalar_one()
        assert (person.name, person.job_title, person.municipality_code) == (
            "Lone Ravn-Holm",
            "Afdelingsleder",
            "0740",
        )
        assert db.session.get(DietaryNote, mine.id).text == "Vegetar"


def test_a_new_calendar_address_revokes_the_old_one(app, client, member_session, create_event, register_person):
    event = create_event()
    register_person(event.session_id, email="lone@example.dk")
    page = member_session(event.id, "lone@example.dk")
    old = re.search(r"http://localhost(/kalender/mine/[^<\s]+\.ics)", page.get_data(as_text=True)).group(1)
    assert client.get(old).status_code == 200
    assert (
        client.post("/mine-tilmeldinger/kalender/ny-adresse", data={"csrf_token": csrf_token(page.data)}).status_code
        == 303
    )
    assert client.get(old).status_code == 404
    new_page = client.get("/mine-tilmeldinger/").get_data(as_text=True)
    new = re.search(r"http://localhost(/kalender/mine/[^<\s]+\.ics)", new_page).group(1)
    assert new != old and client.get(new).status_code == 200


def test_hent_mine_data_gives_the_sessions_person_only_whatever_ids_are_sent(
    app, client, member_session, create_event, register_person
):
    event = create_event(title="Temadag om trivsel", participant_list=True)
    mine = register_person(event.session_id, email="lone@example.dk", name="Lone Ravn", dietary_needs="Vegetar")
    other = register_person(event.session_id, email="anden@example.dk", name="Anders Anden")
    page = member_session(event.id, "lone@example.dk")
    client.post(
        f"/mine-tilmeldinger/tilmelding/{mine.id}/samtykke", data={"csrf_token": csrf_token(page.data), "given": "yes"}
    )
    with app.app_context():
        other_person_id = db.session.get(Registration, other.id).person_id
    response = client.get(f"/mine-tilmeldinger/mine-data.json?person_id={other_person_id}&id={other_person_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["categories"]["person"]["rows"][0]["email"] == "lone@example.dk"
    assert "anden@example.dk" not in response.get_data(as_text=True)
    assert "Anders Anden" not in response.get_data(as_text=True)
    (answer,) = data["categories"]["consents"]["rows"]
    assert answer["given"] is True and answer["event"] == "Temadag om trivsel"
    assert answer["wording"].startswith("Vis mit navn")
    assert data["categories"]["dietary_needs"]["rows"]

    workbook = client.get("/mine-tilmeldinger/mine-data.xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.data), read_only=True)
    assert "Samtykker" in sheets.sheetnames
    values = [cell for row in sheets["Personoplysninger"].iter_rows(values_only=True) for cell in row]
    assert "lone@example.dk" in values
    sheets.close()
    assert client.get("/mine-tilmeldinger/mine-data.pdf").status_code == 404

    # Without a session: no data, for anyone.
    assert app.test_client().get("/mine-tilmeldinger/mine-data.json").status_code == 403


def test_slet_mine_oplysninger_asks_first_then_erases_and_every_link_stops(
    app, client, smtp, deliver, member_session, create_event, register_person
):
    event = create_event()
    mine = register_person(event.session_id, email="lone@example.dk", name="Lone Ravn")
    page = member_session(event.id, "lone@example.dk")
    html = page.get_data(as_text=True)
    feed = re.search(r"http://localhost(/kalender/mine/[^<\s]+\.ics)", html).group(1)
    token = csrf_token(page.data)

    asked = client.post("/mine-tilmeldinger/slet", data={"csrf_token": token})
    assert asked.status_code == 200 and "Vil du slette dine oplysninger?" in visible_text(asked.data)
    with app.app_context():
        assert db.session.get(Registration, mine.id).person.erased_at is None

    done = client.post("/mine-tilmeldinger/slet", data={"csrf_token": token, "confirmed": "yes"})
    assert done.status_code == 200 and "Dine oplysninger er slettet" in visible_text(done.data)
    # The session has ended; a second erasure finds no session and changes nothing.
    assert client.get("/mine-tilmeldinger/").status_code == 403
    again = client.post("/mine-tilmeldinger/slet", data={"csrf_token": token, "confirmed": "yes"})
    assert again.status_code == 403
    assert client.get(f"/tilmelding/{mine.token}").status_code == 404
    assert client.get(feed).status_code == 404
    with app.app_context():
        registration = db.session.get(Registration, mine.id)
        assert registration.status.value == "confirmed"  # the statistics stay
        assert registration.person.erased_at is not None
        assert "Lone" not in registration.person.name and registration.person.email != "lone@example.dk"
    # Asking for a link with the old address now sends nothing (the address is unknown).
    before = len(smtp.received)
    ask_for_link(client, event.id, "lone@example.dk")
    deliver()
    assert len(smtp.received) == before
