"""Fixtures for the board-meeting tests: a board with its agenda and members, real HTTP and SMTP.

Imported by the test modules that use them (the package's conftest is the agenda tests').
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import requests
from werkzeug.serving import make_server

from eventsite.extensions import db
from eventsite.invitations.models import Member, MemberTag
from eventsite.meetings.models import AgendaItem, AgendaKind
from tests.live_server import free_port
from tests.mail.smtp_sink import SMTPSink

AGENDA = [
    ("Godkendelse af dagsorden", "Dagsordenen godkendes."),
    ("Orientering fra formanden", ""),
    ("Budget 2027", "Budgettet for 2027 vedtages."),
    ("Lederforum 2027", "Lederforum holdes i Odense."),
    ("Eventuelt", ""),
]


@dataclass
class Board:
    event_id: int
    organisation_id: int
    session_id: int
    item_ids: list[int] = field(default_factory=list)
    member_emails: list[str] = field(default_factory=list)


@pytest.fixture
def create_board(app, create_organisation, create_event):
    """A KOMDIR-style board meeting: no capacity, a virtual link, 5 agenda items, 12 board members."""

    def _create(members: int = 12) -> Board:
        org = create_organisation(slug="komdir", name="Kommunaldirektørforeningen")
        created = create_event(
            title="Bestyrelsesmøde",
            organisation_id=org,
            sessions=[{"capacity": None, "hours": 3, "online_url": "https://meet.example.org/komdir"}],
        )
        board = Board(created.id, org, created.session_id)
        with app.app_context():
            for position, (title, proposal) in enumerate(AGENDA, start=1):
                item = AgendaItem(
                    session_id=created.session_id,
                    position=position,
                    title=title,
                    kind=AgendaKind.BESLUTNING if proposal else AgendaKind.ORIENTERING,
                    proposed_decision=proposal,
                    case_number=f"S2026-{700 + position}",
                )
                db.session.add(item)
                db.session.flush()
                board.item_ids.append(item.id)
            for index in range(members):
                email = f"direktoer{index + 1:02d}@kommune.example.dk"
                member = Member(organisation_id=org, email=email, name=f"Direktør {index + 1:02d}")
                member.tag_rows.append(MemberTag(tag="bestyrelse"))
                db.session.add(member)
                board.member_emails.append(email)
            db.session.commit()
        return board

    return _create


@pytest.fixture
def smtp(app, monkeypatch):
    sink = SMTPSink().start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    yield sink
    sink.stop()


@pytest.fixture
def deliver(app):
    def _deliver():
        from eventsite.mail.worker import deliver_all

        with app.app_context():
            return deliver_all()

    return _deliver


class HttpClient:
    """requests over a real socket, answering like Flask's test client (for tests.helpers)."""

    def __init__(self, app, base_url: str) -> None:
        self.application = app
        self.base_url = base_url
        self.session = requests.Session()

    def _wrap(self, response: requests.Response) -> requests.Response:
        response.data = response.content  # type: ignore[attr-defined]
        return response

    def get(self, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
        return self._wrap(self.session.get(self.base_url + path, headers=headers, allow_redirects=False, timeout=30))

    def post(self, path: str, data: dict | None = None, headers: dict | None = None) -> requests.Response:
        return self._wrap(
            self.session.post(self.base_url + path, data=data, headers=headers, allow_redirects=False, timeout=30)
        )


@pytest.fixture
def http_server(app):
    """The app served over real HTTP on 127.0.0.1 in a thread (it shares the test's clock)."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def http_client(app, http_server):
    def _client() -> HttpClient:
        return HttpClient(app, http_server)

    return _client


ONE_DAY = timedelta(days=1)
