"""Sortable back-office tables: events, member directory, participants, invoicing.

The order comes from a whitelisted `?sort=` (and `dir=desc`); each sortable header is a
link (no JavaScript needed) and the sorted column carries aria-sort. Anything else in
the address is ignored and the list keeps its default order.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from eventsite.extensions import db
from eventsite.invitations.models import Member
from eventsite.sorting import Sort, sort_from_args
from tests.helpers import Tables


def tables(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return Tables(response.get_data(as_text=True)).tables


def header(table: dict, text: str) -> dict:
    return next(h for h in table["headers"] if h["text"] == text)


def first_column(table: dict) -> list[str]:
    return [row[0] for row in table["rows"] if row]


def test_only_whitelisted_keys_and_directions_are_taken_from_the_address():
    keys = ("name", "email")
    assert sort_from_args({"sort": "email", "dir": "desc"}, keys, "name") == Sort("email", True)
    assert sort_from_args({"sort": "password_hash", "dir": "desc"}, keys, "name") == Sort("name", False)
    assert sort_from_args({"sort": "name; DROP TABLE members", "dir": "up"}, keys, "name") == Sort("name")
    assert sort_from_args({"sort": "email", "dir": "sideways"}, keys, "name") == Sort("email", False)
    # A header's link turns the sorted column around and starts others ascending.
    assert Sort("name").link_args("name") == {"sort": "name", "dir": "desc"}
    assert Sort("name", True).link_args("name") == {"sort": "name", "dir": "asc"}
    assert Sort("name").link_args("email") == {"sort": "email", "dir": "asc"}


def test_the_event_overview_sorts_by_title_the_danish_way_with_aria_sort(client, organiser, create_event):
    for title in ("Økonomi for ledere", "Arbejdsmiljø", "Bestyrelsesmøde"):
        create_event(title=title, organisation_id=organiser)
    default = tables(client, "/arrangoer/arrangementer")[0]
    assert header(default, "Hold")["aria_sort"] == "ascending"
    assert header(default, "Titel")["aria_sort"] is None

    by_title = tables(client, "/arrangoer/arrangementer?sort=title")[0]
    assert [cell.split(" Lederne")[0] for cell in first_column(by_title)] == [
        "Arbejdsmiljø",
        "Bestyrelsesmøde",
        "Økonomi for ledere",
    ]
    title = header(by_title, "Titel")
    assert title["aria_sort"] == "ascending" and header(by_title, "Hold")["aria_sort"] is None
    # The header's link gives the reverse order.
    reverse = tables(client, title["href"])[0]
    assert parse_qs(urlsplit(title["href"]).query) == {"sort": ["title"], "dir": ["desc"]}
    assert first_column(reverse)[0].startswith("Økonomi for ledere")
    assert header(reverse, "Titel")["aria_sort"] == "descending"

    ignored = tables(client, "/arrangoer/arrangementer?sort=organisation_id&dir=desc")[0]
    assert first_column(ignored) == first_column(default)


def test_the_member_directory_sorts_in_the_database_by_a_whitelisted_column(app, client, organiser):
    with app.app_context():
        for number, name in (("300", "Bente Berg"), ("100", "Carl Clausen"), ("200", "Anna Andersen")):
            db.session.add(
                Member(organisation_id=organiser, email=f"{number}@example.dk", name=name, member_number=number)
            )
        db.session.commit()
    url = f"/arrangoer/organisationer/{organiser}/medlemmer"
    default = tables(client, url)[0]
    assert first_column(default) == ["Anna Andersen", "Bente Berg", "Carl Clausen"]
    assert header(default, "Navn")["aria_sort"] == "ascending"

    by_number = tables(client, url + "?sort=member_number&dir=desc&q=e")[0]
    assert first_column(by_number) == ["Bente Berg", "Anna Andersen", "Carl Clausen"]
    number = header(by_number, "Medlemsnummer")
    assert number["aria_sort"] == "descending" and header(by_number, "Navn")["aria_sort"] is None
    # The search is kept in the headers' links; the page number is not.
    assert parse_qs(urlsplit(header(by_number, "Navn")["href"]).query) == {"q": ["e"], "sort": ["name"], "dir": ["asc"]}

    assert first_column(tables(client, url + "?sort=password&dir=desc")[0]) == first_column(default)


def test_the_participant_list_marks_its_sorted_column(client, organiser, create_event, register_person):
    event = create_event(organisation_id=organiser)
    for name in ("Åse Ørum", "Bo Berg", "Anders And"):
        register_person(event.session_id, name=name)
    table = tables(client, f"/arrangoer/arrangementer/{event.id}/deltagere?sort=name&dir=desc")[0]
    assert [cell.split(" ")[0] for cell in first_column(table)] == ["Åse", "Bo", "Anders"]
    assert header(table, "Navn")["aria_sort"] == "descending"
    assert all(h["aria_sort"] is None for h in table["headers"] if h["text"] != "Navn")
    assert all(h["href"] for h in table["headers"] if h["text"] != "Kost/allergier")
