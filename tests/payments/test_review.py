"""The review step of a paid sign-up without JavaScript (eventsite.registration.review).

Posted without the script's live total, a sign-up with a price shows "Gennemse og
bekræft" first: the answers and the itemised total, nothing saved and no place held;
"Bekræft tilmelding" decides it, "Ret" shows the form again, filled in.
"""

from __future__ import annotations

import re

from sqlalchemy import select, update

from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage
from eventsite.payments.models import Billing, DayPriceRow, RegistrationAddOn, RegistrationDay, SubsidyRequest
from eventsite.registration.models import PendingSignup, Person, Registration
from tests.helpers import is_review_page, press_review_button, review_fields, visible_text
from tests.helpers import sign_up as sign_up_form
from tests.invitations.conftest import create_member, invitation_tokens, send_round  # noqa: F401  (fixtures)
from tests.payments.conftest import count_rows

TABLES = (
    Person,
    Registration,
    Billing,
    RegistrationDay,
    RegistrationAddOn,
    SubsidyRequest,
    OutboxMessage,
    PendingSignup,
)


def nothing_saved(app) -> bool:
    return all(count == 0 for count in count_rows(app, *TABLES).values())


def first_session(client, event_id: int) -> str:
    page = client.get(f"/arrangementer/{event_id}").get_data(as_text=True)
    return re.search(r'name="session_id" value="(\d+)"', page).group(1)


def review_page(client, conference, **fields):
    """Post a member's two days and a workshop, without the script: the review page."""
    answers = {
        "session_id": first_session(client, conference.id),
        "is_member": "yes",
        "day_ids": [str(d) for d in conference.day_ids],
        "addon_ids": [str(conference.addons["Workshop: Svære samtaler"])],
        "payer": "person",
    }
    return sign_up_form(client, conference.id, review=False, **{**answers, **fields})


def test_a_paid_sign_up_without_script_shows_the_total_for_review_and_saves_nothing(app, client, create_conference):
    conference = create_conference()
    response = review_page(client, conference)
    assert is_review_page(response)
    text = visible_text(response.data)
    assert "Gennemse og bekræft" in text
    assert "Deltagergebyr, 2 dage, medlem 3.304,00 kr." in text
    assert "Workshop: Svære samtaler 450,00 kr." in text
    assert "I alt 3.754,00 kr." in text
    assert "Du betaler selv; arrangøren sender dig en faktura." in text
    assert "Mette Hansen" in text and "mette@example.dk" in text
    # The answers ride along, with the CSRF token; nothing is written or held yet.
    carried = review_fields(response)
    assert ("name", "Mette Hansen") in carried and ("is_member", "yes") in carried
    assert sorted(v for k, v in carried if k == "day_ids") == sorted(str(d) for d in conference.day_ids)
    assert any(k == "csrf_token" for k, _ in carried)
    assert nothing_saved(app)


def test_confirming_the_review_signs_up_with_the_total_that_was_shown(app, client, create_conference):
    conference = create_conference()
    shown = review_page(client, conference)
    response = press_review_button(client, shown, "confirm")
    # An anonymous form: the place is held until the emailed link is followed, as without a review.
    assert response.status_code == 303 and "/tjek-din-email" in response.headers["Location"]
    with app.app_context():
        registration = db.session.execute(select(Registration)).scalar_one()
        assert registration.hold_key is not None
        billing = db.session.get(Billing, registration.id)
        assert billing.is_member is True and billing.fee_ore == 330400
        assert db.session.execute(select(RegistrationAddOn.price_ore)).scalar_one() == 45000


def test_a_script_that_showed_the_total_skips_the_review(app, client, create_conference):
    conference = create_conference()
    response = review_page(client, conference, reviewed="1")
    assert response.status_code == 303
    assert count_rows(app, Registration)["registrations"] == 1


def test_a_free_event_has_no_review_step(app, client, create_event):
    event = create_event()
    page = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    session_id = re.search(r'name="session_id" value="(\d+)"', page).group(1)
    response = sign_up_form(client, event.id, review=False, confirm=False, session_id=session_id)
    assert response.status_code == 303 and "/tjek-din-email" in response.headers["Location"]


def test_going_back_from_the_review_shows_the_form_with_the_answers_kept(app, client, create_conference):
    conference = create_conference()
    shown = review_page(client, conference, payer="ean", ean="5798000416604", invoice_organisation="Næstved Kommune")
    # An EAN invoice without a person reference is refused before any review.
    assert shown.status_code == 422 and not is_review_page(shown)
    shown = review_page(
        client,
        conference,
        payer="ean",
        ean="5798000416604",
        invoice_organisation="Næstved Kommune",
        invoice_reference="ABCDE",
    )
    assert "EAN-faktura til Næstved Kommune, EAN 5798000416604, personreference ABCDE" in visible_text(shown.data)
    response = press_review_button(client, shown, "edit")
    assert response.status_code == 200 and not is_review_page(response)
    page = response.get_data(as_text=True)
    assert 'value="Mette Hansen"' in page and 'value="Næstved Kommune"' in page
    for day_id in conference.day_ids:
        assert re.search(rf'id="day-{day_id}" name="day_ids" value="{day_id}" checked', page)
    assert re.search(r'id="payer-ean" name="payer" value="ean" checked', page)
    assert "Ret venligst" not in visible_text(page)
    assert nothing_saved(app)


def test_a_changed_hidden_answer_is_refused_in_danish_and_nothing_is_saved(app, client, create_conference):
    conference = create_conference()
    shown = review_page(client, conference, is_member="no")
    assert "I alt 4.650,00 kr." in visible_text(shown.data)
    # The reviewed answers said non-member; a client changes them to the cheaper member price.
    response = press_review_button(client, shown, "confirm", changes={"is_member": "yes"})
    assert response.status_code == 409
    assert "Dine svar er blevet ændret, efter du gennemså dem, så intet er gemt." in visible_text(response.data)
    assert nothing_saved(app)


def test_a_forged_review_fingerprint_is_refused(app, client, create_conference):
    conference = create_conference()
    shown = review_page(client, conference)
    response = press_review_button(client, shown, "confirm", changes={"review_token": "forged"})
    assert response.status_code == 409
    assert "Dine svar er blevet ændret" in visible_text(response.data)
    assert nothing_saved(app)


def test_a_hidden_day_of_another_event_is_refused_on_confirm(app, client, create_conference):
    conference = create_conference()
    other = create_conference()
    shown = review_page(client, conference)
    response = press_review_button(client, shown, "confirm", changes={"day_ids": str(other.day_ids[0])})
    assert response.status_code == 422
    assert "Vælg blandt arrangementets egne dage." in visible_text(response.data)
    assert nothing_saved(app)


def test_a_price_changed_after_the_review_is_shown_for_review_again(app, client, create_conference):
    conference = create_conference()
    shown = review_page(client, conference)
    with app.app_context():
        db.session.execute(
            update(DayPriceRow)
            .where(DayPriceRow.event_id == conference.id, DayPriceRow.days == 2)
            .values(member_price_ore=340000)
        )
        db.session.commit()
    again = press_review_button(client, shown, "confirm")
    assert is_review_page(again)
    text = visible_text(again.data)
    assert "Prisen er ændret, siden du gennemså din tilmelding." in text
    assert "I alt 3.850,00 kr." in text
    assert nothing_saved(app)
    response = press_review_button(client, again, "confirm")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.execute(select(Billing.fee_ore)).scalar_one() == 340000


def test_a_personal_invitation_link_is_kept_through_the_review_and_signs_up_at_once(
    app, client, create_conference, create_member, send_round
):
    from eventsite.events.models import Visibility

    conference = create_conference(
        days=0, fee=(150000, 150000), addons=[], budget=None, visibility=Visibility.INVITATION
    )
    create_member(conference.organisation_id, "Søren Ærø", email="soren@naestved.dk")
    token = invitation_tokens(app, send_round(conference.id))["soren@naestved.dk"]
    page = client.get(f"/arrangementer/{conference.id}?invitation={token}")
    assert page.status_code == 200
    # Without the link the invitation-only event is not there at all.
    assert client.get(f"/arrangementer/{conference.id}").status_code == 404
    shown = client.post(
        f"/arrangementer/{conference.id}/tilmeld?invitation={token}",
        data={
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1),
            "session_id": conference.session_id,
            "name": "Søren Ærø",
            "email": "soren@naestved.dk",
            "payer": "person",
        },
    )
    assert is_review_page(shown)
    assert "I alt 1.500,00 kr." in visible_text(shown.data)
    # The round's invitation emails are in the outbox; the review adds nothing.
    assert count_rows(app, Person, Registration, Billing) == {
        "people": 0,
        "registrations": 0,
        "registration_billing": 0,
    }
    response = press_review_button(client, shown, "confirm")
    # The person's own link identifies them: the receipt at once, no email confirmation.
    assert response.status_code == 303 and "/kvittering" in response.headers["Location"]
    with app.app_context():
        assert db.session.execute(select(Billing.fee_ore)).scalar_one() == 150000


def test_a_members_only_paid_sign_up_is_reviewed_then_confirmed_by_email_with_the_reviewed_choices(
    app, client, create_conference, create_member
):
    from eventsite.events.models import Visibility
    from tests.registration.test_members_only import confirm, confirmation_links

    conference = create_conference(visibility=Visibility.MEMBERS)
    create_member(conference.organisation_id, "Mette Medlem", email="medlem@kommune.dk")
    shown = review_page(client, conference, email="medlem@kommune.dk", is_member="no")
    assert "I alt 4.650,00 kr." in visible_text(shown.data)
    assert count_rows(app, PendingSignup, Registration) == {"pending_signups": 0, "registrations": 0}
    response = press_review_button(client, shown, "confirm")
    # The address's owner confirms by email; only then is the sign-up decided, as reviewed.
    assert response.status_code == 303 and "/tjek-din-email" in response.headers["Location"]
    assert count_rows(app, PendingSignup, Registration) == {"pending_signups": 1, "registrations": 0}
    answer = confirm(client, confirmation_links(app)["medlem@kommune.dk"])
    assert answer.status_code == 303 and "/kvittering" in answer.headers["Location"]
    with app.app_context():
        billing = db.session.execute(select(Billing)).scalar_one()
        assert billing.is_member is False and billing.fee_ore == 420000
        assert db.session.execute(select(RegistrationAddOn.price_ore)).scalar_one() == 45000
