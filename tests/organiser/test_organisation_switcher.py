"""The header's organisation switcher: an account with roles in several organisations
chooses which one the back office shows; lists follow; another organisation is refused."""

from __future__ import annotations

import pytest

from eventsite.extensions import db
from eventsite.invitations.models import Member
from tests.helpers import csrf_token, visible_text


@pytest.fixture
def two(app, create_organisation, create_event, create_user, login_as):
    """An organiser of A and admin of B (one account), each organisation with an event and a member; C apart."""
    a = create_organisation(slug="a", name="Forening A")
    b = create_organisation(slug="b", name="Forening B")
    c = create_organisation(slug="c", name="Forening C")
    create_event(title="Temadag i A", organisation_id=a)
    create_event(title="Generalforsamling i B", organisation_id=b)
    create_event(title="Hemmeligt C-møde", organisation_id=c)
    with app.app_context():
        db.session.add_all(
            [
                Member(organisation_id=a, email="anna@a.dk", name="Anna Andersen"),
                Member(organisation_id=b, email="bent@b.dk", name="Bent Berg"),
            ]
        )
        db.session.commit()
    create_user(b, "admin", email="delt@example.org")
    login_as(a, "organiser", email="delt@example.org")
    return {"a": a, "b": b, "c": c}


def switch(client, organisation_id, next_url: str = "/arrangoer/arrangementer"):
    token = csrf_token(client.get("/arrangoer/arrangementer").data)
    return client.post(
        "/arrangoer/organisation", data={"csrf_token": token, "organisation_id": organisation_id, "next": next_url}
    )


def header_choice(client) -> str:
    """The organisation selected in the header's switcher."""
    html = client.get("/arrangoer/arrangementer").get_data(as_text=True)
    switcher = html.split('id="organisation-switcher"', 1)[1].split("</select>", 1)[0]
    return switcher.split(" selected>", 1)[1].split("<", 1)[0]


def test_the_header_shows_the_current_organisation_and_the_lists_follow_a_switch(client, two):
    assert header_choice(client) == "Forening A"
    events = visible_text(client.get("/arrangoer/arrangementer").data)
    assert "Temadag i A" in events and "Generalforsamling i B" not in events

    response = switch(client, two["b"])
    assert response.status_code == 303 and response.headers["Location"] == "/arrangoer/arrangementer"
    assert header_choice(client) == "Forening B"
    events = visible_text(client.get("/arrangoer/arrangementer").data)
    assert "Generalforsamling i B" in events and "Temadag i A" not in events
    # The member directory opens on the current organisation's members.
    directory = client.get("/arrangoer/medlemmer", follow_redirects=True)
    assert "Bent Berg" in visible_text(directory.data) and "Anna Andersen" not in visible_text(directory.data)
    # The organisation's own brand in the header: its name.
    assert "Forening B" in visible_text(client.get("/arrangoer/oversigt").data)


def test_switching_to_an_organisation_without_a_role_is_refused_and_changes_nothing(client, two):
    switch(client, two["b"])
    for tampered in (two["c"], 999999, "B"):
        response = switch(client, tampered)
        assert response.status_code in (400, 404), tampered
        assert header_choice(client) == "Forening B"
    events = visible_text(client.get("/arrangoer/arrangementer").data)
    assert "Hemmeligt C-møde" not in events and "Generalforsamling i B" in events


def test_the_switch_needs_the_csrf_token(client, two):
    response = client.post("/arrangoer/organisation", data={"organisation_id": two["b"]})
    assert response.status_code == 400
    assert header_choice(client) == "Forening A"


def test_an_offsite_next_address_is_not_followed(client, two):
    response = switch(client, two["b"], next_url="https://example.com/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/arrangoer/")


def test_an_account_with_one_organisation_sees_its_name_without_a_switcher(client, organiser):
    html = client.get("/arrangoer/arrangementer").get_data(as_text=True)
    assert 'id="organisation-switcher"' not in html
    assert "Lederne Sjælland" in visible_text(html)


def test_a_role_taken_away_sends_the_account_back_to_an_organisation_it_still_has(app, client, two):
    from sqlalchemy import delete

    from eventsite.accounts.models import Membership

    switch(client, two["b"])
    with app.app_context():
        db.session.execute(delete(Membership).where(Membership.organisation_id == two["b"]))
        db.session.commit()
    events = visible_text(client.get("/arrangoer/arrangementer").data)
    assert "Temadag i A" in events and "Generalforsamling i B" not in events
