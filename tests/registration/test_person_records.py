"""An anonymous sign-up never rewrites what is stored about an existing person."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.extensions import db
from eventsite.registration.models import Person, Registration
from tests.helpers import sign_up
from tests.invitations.conftest import create_member, invitation_tokens, send_round  # noqa: F401 (fixtures)
from tests.invitations.test_links import signup_from


def person(app, email: str) -> tuple[str, str, str, str | None]:
    with app.app_context():
        found = db.session.execute(select(Person).where(Person.email == email)).scalar_one()
        return found.name, found.job_title, found.workplace, found.municipality_code


def test_an_anonymous_sign_up_with_a_known_address_keeps_the_stored_details(app, client, create_event, register_person):
    first = create_event()
    register_person(
        first.session_id,
        email="mette@naestved.dk",
        name="Mette Hansen",
        job_title="Afdelingsleder",
        workplace="Næstved Kommune",
        municipality_code="0370",
    )
    second = create_event(organisation_id=first.organisation_id, title="Årsmøde")

    # Someone else typing Mette's address cannot follow the link sent to her.
    response = sign_up(
        client,
        second.id,
        confirm=False,
        session_id=second.session_id,
        email="Mette@Naestved.dk",
        name="Ond Person",
        job_title="Hacker",
        workplace="Et andet sted",
        municipality_code="0101",
    )

    assert response.status_code == 303
    assert person(app, "mette@naestved.dk") == ("Mette Hansen", "Afdelingsleder", "Næstved Kommune", "0370")
    with app.app_context():
        assert len(db.session.execute(select(Registration.id)).scalars().all()) == 2


def test_a_new_address_is_stored_as_given(app, client, create_event):
    event = create_event()
    sign_up(client, event.id, session_id=event.session_id, email="ny@example.dk", name="Nina Ny", job_title="Leder")
    assert person(app, "ny@example.dk")[:2] == ("Nina Ny", "Leder")


def test_the_members_own_invitation_link_may_update_their_details(
    app, client, create_event, create_member, send_round, register_person
):
    event = create_event()
    create_member(
        event.organisation_id,
        "Søren Ærø",
        email="soren@naestved.dk",
        job_title="Kommunaldirektør",
        workplace="Næstved Kommune",
        municipality_code="0370",
    )
    earlier = create_event(organisation_id=event.organisation_id, title="Tidligere temadag")
    register_person(earlier.session_id, email="soren@naestved.dk", name="S. Ærø", job_title="Direktør")
    token = invitation_tokens(app, send_round(event.id))["soren@naestved.dk"]

    assert signup_from(client, f"/arrangementer/{event.id}?invitation={token}").status_code == 303

    assert person(app, "soren@naestved.dk")[:2] == ("Søren Ærø", "Kommunaldirektør")
