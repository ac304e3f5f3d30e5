"""The click storm's two requests stay cheap: a bounded number of SQL statements.

The invitation blast (bench/bench_blast.py) sends hundreds of members to their
pre-filled page at once, and half of them press "Tilmeld". Each statement is a round
trip and CPU in the web worker; a lazy load per session or a look-up per template
part crept in before (22 statements for a page of two sessions). These bounds are
counts, not timings, so they hold on any machine.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import event as sa_event

from eventsite.extensions import db
from tests.helpers import csrf_token
from tests.invitations.test_links import invited

#: The pre-filled page: the event (organisation, sessions, venues), the brand, the
#: invitation with its member, the seat counts, the programmes, whether the sessions
#: have meeting content.
GET_BOUND = 6
#: The sign-up from it: the event, the invitation, the person, the seat lock and
#: count, the registration, the confirmation in the outbox.
POST_BOUND = 7

TWO_SESSIONS = [{"city": "Aarhus", "municipality_code": "0751"}, {"city": "Næstved", "municipality_code": "0370"}]


@contextlib.contextmanager
def statements(app):
    found: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        # SQLite's BEGIN (IMMEDIATE) is the transaction, not a query.
        if not statement.startswith("BEGIN"):
            found.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def test_the_prefilled_page_takes_a_bounded_number_of_statements(app, client, create_event, create_member, send_round):
    event, token = invited(app, create_event, create_member, send_round, sessions=TWO_SESSIONS)
    url = f"/arrangementer/{event.id}?invitation={token}"
    client.get(url)  # the first request of a process warms what is kept per process

    with statements(app) as seen:
        page = client.get(url)
    assert page.status_code == 200
    assert 'value="soren@naestved.dk"' in page.get_data(as_text=True)
    assert len(seen) <= GET_BOUND, "\n".join(seen)


def test_the_sign_up_post_alone_takes_a_bounded_number_of_statements(
    app, client, create_event, create_member, send_round
):
    event, token = invited(app, create_event, create_member, send_round, sessions=TWO_SESSIONS)
    url = f"/arrangementer/{event.id}?invitation={token}"
    html = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(html),
        "session_id": str(event.session_ids[1]),
        "name": "Søren Ærø",
        "email": "soren@naestved.dk",
        "municipality_code": "0370",
    }
    with statements(app) as seen:
        response = client.post(f"/arrangementer/{event.id}/tilmeld?invitation={token}", data=data)
    assert response.status_code == 303
    assert len(seen) <= POST_BOUND, "\n".join(seen)
