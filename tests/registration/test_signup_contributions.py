"""The sign-up's seam: what other areas contribute to it (eventsite.registration.signup).

Payments and invitations fill it in their init_app; here a test area fills it on an
app of its own, and the public sign-up runs through it end to end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from flask import request
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import event as sa_event
from sqlalchemy import select

from config import TestConfig
from eventsite import create_app
from eventsite.events.models import Event, Visibility
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.payments.models import FeeSettings
from eventsite.payments.offer import has_offer
from eventsite.payments.signup import SignupExtrasForm
from eventsite.registration.models import Person, Registration, RegistrationStatus
from eventsite.registration.operations import PersonDetails, RegistrationError
from eventsite.registration.pages import visible_event_or_404
from eventsite.registration.signup import (
    SignupExtras,
    add_signup_extras,
    add_voucher,
    extra_fields,
    manage_context,
    sign_up,
    voucher_for,
)
from tests.helpers import csrf_token, visible_text


@dataclass
class Recorded:
    """What the test area was asked to save, in order."""

    calls: list[tuple] = field(default_factory=list)


@dataclass
class NoteAnswer:
    note: str
    recorded: Recorded

    def record(self, registration: Registration, now: datetime) -> None:
        if self.note == "full":
            raise RegistrationError("The note workshop is full.")
        self.recorded.calls.append(("note", self.note, registration.status))


class NoteFields:
    """A one-field fieldset: a note, refused when it says "bad"."""

    template = "test_area/_note.html"

    def __init__(self, formdata, recorded: Recorded):
        self.note = (formdata if formdata is not None else request.form).get("note", "")
        self.recorded = recorded

    def validate(self, extra_validators=None) -> bool:
        return self.note != "bad"

    def choices(self) -> NoteAnswer:
        return NoteAnswer(self.note, self.recorded)

    def review(self) -> None:
        # A note costs nothing: no review step.
        return None


@dataclass(frozen=True)
class FriendLink:
    """A colleague-style link: lets the person in, does not identify them."""

    recorded: Recorded
    token: str = "friend"
    personal: bool = False

    def prefill(self, open_sessions=(), counts=None) -> dict:
        return {}

    def record(self, registration: Registration, now: datetime) -> None:
        self.recorded.calls.append(("link", self.token, registration.id))


@pytest.fixture
def area_app(app):
    """An app of its own (same database) with a test area's sign-up contributions."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    area = create_app(Config)
    area.jinja_loader = ChoiceLoader(
        [
            DictLoader({NoteFields.template: '<label>Note <input name="note" value="{{ extras.note }}"></label>'}),
            area.jinja_loader,
        ]
    )
    recorded = Recorded()
    add_signup_extras(
        area,
        SignupExtras(
            fields=lambda event, formdata: NoteFields(formdata, recorded) if event.title.startswith("Note") else None,
            manage_context=lambda registration: {"note_count": len(recorded.calls)},
        ),
    )
    add_voucher(area, lambda event, token: FriendLink(recorded) if token == "friend" else None)
    yield area, recorded
    with area.app_context():
        db.engine.dispose()


def _post(client, event_id: int, session_id: int, query: str = "", **fields):
    page = client.get(f"/arrangementer/{event_id}{query}")
    data = {
        "csrf_token": csrf_token(page.data),
        "session_id": session_id,
        "name": "Mette Hansen",
        "email": "mette@example.dk",
    }
    return client.post(f"/arrangementer/{event_id}/tilmeld{query}", data={**data, **fields})


def test_an_areas_fieldset_is_on_the_form_and_its_answer_is_saved_with_the_place(area_app, create_event):
    area, recorded = area_app
    event = create_event(title="Note-temadag")
    client = area.test_client()
    assert 'name="note"' in client.get(f"/arrangementer/{event.id}").data.decode()

    response = _post(client, event.id, event.session_id, note="vegetar")
    assert response.status_code == 303
    assert recorded.calls == [("note", "vegetar", RegistrationStatus.CONFIRMED)]


def test_other_events_do_not_get_the_fieldset(area_app, create_event):
    area, recorded = area_app
    event = create_event(title="Temadag")
    client = area.test_client()
    assert 'name="note"' not in client.get(f"/arrangementer/{event.id}").data.decode()
    assert _post(client, event.id, event.session_id).status_code == 303
    assert recorded.calls == []


def test_an_invalid_answer_shows_the_form_again_and_saves_nothing(area_app, create_event):
    area, recorded = area_app
    event = create_event(title="Note-temadag")
    response = _post(area.test_client(), event.id, event.session_id, note="bad")
    assert response.status_code == 422
    assert "Ret venligst de markerede felter nedenfor." in visible_text(response.data)
    with area.app_context():
        assert db.session.execute(select(Registration)).first() is None


def test_an_answer_refused_when_saved_refuses_the_whole_sign_up(area_app, create_event):
    area, recorded = area_app
    event = create_event(title="Note-temadag")
    response = _post(area.test_client(), event.id, event.session_id, note="full")
    assert response.status_code == 409
    assert "The note workshop is full." in visible_text(response.data)
    with area.app_context():
        assert db.session.execute(select(Registration)).first() is None
        assert db.session.execute(select(OutboxMessage)).first() is None


def test_a_voucher_opens_an_invitation_only_event_and_notes_the_sign_up(area_app, create_event):
    area, recorded = area_app
    event = create_event(visibility=Visibility.INVITATION)
    client = area.test_client()
    assert client.get(f"/arrangementer/{event.id}").status_code == 404
    assert client.get(f"/arrangementer/{event.id}?invitation=someone-else").status_code == 404
    assert client.get(f"/arrangementer/{event.id}?invitation=friend").status_code == 200

    response = _post(client, event.id, event.session_id, query="?invitation=friend")
    assert response.status_code == 303
    with area.app_context():
        registration_id = db.session.execute(select(Registration.id)).scalar_one()
    assert recorded.calls == [("link", "friend", registration_id)]


def test_the_manage_page_gets_each_areas_values(area_app, create_event, register_person):
    area, recorded = area_app
    event = create_event()
    registered = register_person(event.session_id)
    with area.test_request_context():
        registration = db.session.get(Registration, registered.id)
        values = manage_context(registration)
    assert values["note_count"] == 0
    # Payments' value is there too: this event offers nothing to pay for.
    assert values["payment"] is None


# --- sign_up() itself --------------------------------------------------------------------


def test_sign_up_saves_the_answers_then_notes_the_voucher_then_queues_the_email(app, create_event):
    event = create_event()
    recorded = Recorded()
    with app.test_request_context(method="POST"):
        registration = sign_up(
            event.session_id,
            PersonDetails(name="Mette Hansen", email="mette@example.dk"),
            answers=[NoteAnswer("one", recorded), NoteAnswer("two", recorded)],
            voucher=FriendLink(recorded),
        )
        db.session.commit()
        kinds = (
            db.session.execute(select(OutboxMessage.kind).where(OutboxMessage.registration_id == registration.id))
            .scalars()
            .all()
        )
        assert recorded.calls == [
            ("note", "one", RegistrationStatus.CONFIRMED),
            ("note", "two", RegistrationStatus.CONFIRMED),
            ("link", "friend", registration.id),
        ]
        assert kinds == [MailKind.CONFIRMATION]


def test_only_an_identified_sign_up_updates_a_known_persons_details(app, create_event, create_organisation):
    organisation_id = create_organisation()
    first, second, third = (create_event(organisation_id=organisation_id) for _ in range(3))
    recorded = Recorded()
    with app.test_request_context(method="POST"):
        sign_up(first.session_id, PersonDetails(name="Mette Hansen", email="mette@example.dk"))
        # An anonymous form, and a link that does not identify the person: no change.
        sign_up(
            second.session_id,
            PersonDetails(name="Someone Else", email="mette@example.dk"),
            voucher=FriendLink(recorded),
        )
        assert db.session.execute(select(Person.name)).scalar_one() == "Mette Hansen"
        # The person's own link identifies them.
        own_link = FriendLink(recorded, token="own", personal=True)
        sign_up(third.session_id, PersonDetails(name="Mette Hansen Berg", email="mette@example.dk"), voucher=own_link)
        assert db.session.execute(select(Person.name)).scalar_one() == "Mette Hansen Berg"
        db.session.rollback()


# --- what payments and invitations contribute --------------------------------------------


def test_payments_adds_its_fieldset_only_to_events_that_offer_something(app, create_event):
    free, paid = create_event(), create_event()
    with app.app_context():
        db.session.add(FeeSettings(event_id=paid.id, member_price_ore=0, non_member_price_ore=50000))
        db.session.commit()
    with app.test_request_context():
        assert extra_fields(visible_event_or_404(free.id)) == []
        (fields,) = extra_fields(visible_event_or_404(paid.id))
        assert isinstance(fields, SignupExtrasForm)
        assert fields.template == "payments/_signup_fields.html"


def test_the_sign_up_page_learns_whether_the_event_offers_anything_in_the_same_query(app, create_event):
    free, paid = create_event(), create_event()
    with app.app_context():
        db.session.add(FeeSettings(event_id=paid.id, member_price_ore=10000, non_member_price_ore=20000))
        db.session.commit()
    statements = []

    def count(*_args) -> None:
        statements.append(1)

    with app.test_request_context():
        events = {event_id: visible_event_or_404(event_id) for event_id in (free.id, paid.id)}
        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            answers = {event_id: has_offer(event) for event_id, event in events.items()}
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        assert answers == {free.id: False, paid.id: True}
        assert statements == []
        # Loaded some other way (a relationship, a plain get), the question costs one query.
        db.session.expunge_all()
        assert [has_offer(db.session.get(Event, event_id)) for event_id in (free.id, paid.id)] == [False, True]


def test_an_invitation_token_that_is_not_one_vouches_for_nobody(app, create_event):
    event = create_event()
    with app.test_request_context():
        event_row = db.session.get(Event, event.id)
        assert voucher_for(event_row, None) is None
        assert voucher_for(event_row, "") is None
        assert voucher_for(event_row, "not-a-token") is None
