"""The invoicing list sorts by a whitelisted column (eventsite.sorting), marked with aria-sort."""

from __future__ import annotations

from tests.helpers import Tables
from tests.payments.test_invoicing import setup_event


def tables(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return Tables(response.get_data(as_text=True)).tables


def header(table: dict, text: str) -> dict:
    return next(h for h in table["headers"] if h["text"] == text)


def test_the_invoicing_list_sorts_by_amount_due(app, client, create_conference, register_person, login_as):
    conference, _ = setup_event(app, create_conference, register_person)
    login_as(conference.organisation_id)
    url = f"/arrangoer/arrangementer/{conference.id}/fakturering"

    def due_column(table):
        position = [h["text"] for h in table["headers"]].index("At betale")
        return [int("".join(ch for ch in row[position] if ch.isdigit())) for row in table["rows"] if row]

    descending = tables(client, url + "?sort=due&dir=desc")[0]
    assert due_column(descending) == sorted(due_column(descending), reverse=True)
    assert header(descending, "At betale")["aria_sort"] == "descending"
    ascending = tables(client, url + "?sort=due")[0]
    assert due_column(ascending) == sorted(due_column(descending))
    # The default: sign-up order, no column marked.
    default = tables(client, url)[0]
    assert all(h["aria_sort"] is None for h in default["headers"])
