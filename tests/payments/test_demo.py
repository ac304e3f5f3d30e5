"""The demo data includes a two-day conference using fees, add-ons, rooms, subsidies and EAN invoicing."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.payments.invoicing import invoice_rows
from eventsite.payments.models import PayerKind, SubsidyStatus
from eventsite.payments.offer import event_offer
from eventsite.payments.subsidies import subsidy_requests
from tests.helpers import visible_text


def test_seed_demo_has_a_two_day_conference_with_everything(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        event = db.session.execute(select(Event).where(Event.title.like("Lederkonference%"))).scalar_one()
        offer = event_offer(event.id)
        assert len(offer.days) == 2
        assert [(r.days, r.member_price_ore, r.non_member_price_ore) for r in offer.day_prices] == [
            (1, 213300, 275000),
            (2, 330400, 420000),
        ]
        kinds = {a.kind.value for a in offer.addons}
        assert {"workshop", "reception", "single_room", "double_room"} <= kinds
        workshop = next(a for a in offer.addons if a.kind.value == "workshop")
        assert offer.addon_places[workshop.id].is_full
        assert offer.budget.places == 4 and offer.budget.amount_ore == 1_000_000
        statuses = {r.status for r in subsidy_requests([event.id])}
        assert statuses == {SubsidyStatus.REQUESTED, SubsidyStatus.APPROVED}
        rows = invoice_rows(event.id)
        assert sum(1 for r in rows if r.billing.payer_kind is PayerKind.EAN) == 3
        event_id = event.id
    page = visible_text(client.get(f"/arrangementer/{event_id}").data)
    assert "1 dag 2.133,00 kr. 2.750,00 kr." in page
    assert "Workshop: Den svære samtale (450,00 kr.) – fuldt booket" in page
