"""The agenda through the back office's forms: numbering, sub-items, reordering without
JavaScript, copying, the generalforsamling template, markup, visibility, the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.audit import AuditEntry
from eventsite.extensions import db
from tests.helpers import csrf_token, visible_text
from tests.meetings.conftest import add_item, item_id, items_of, post_action


def agenda_page_text(client, session_id: int) -> str:
    response = client.get(f"/arrangoer/sessioner/{session_id}/dagsorden")
    assert response.status_code == 200
    return visible_text(response.data)


def numbered(app, session_id: int) -> list[tuple[str, str]]:
    from eventsite.events.models import EventSession
    from eventsite.meetings.agenda import agenda_for

    with app.app_context():
        session = db.session.get(EventSession, session_id)
        return [(entry.number, entry.item.title) for entry in agenda_for(session)]


def move(client, session_id: int, agenda_item_id: int, direction: str):
    return post_action(
        client,
        f"/arrangoer/sessioner/{session_id}/dagsorden",
        f"/arrangoer/dagsordenspunkter/{agenda_item_id}/flyt",
        retning=direction,
    )


def test_items_and_sub_items_are_numbered_and_move_with_plain_buttons(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser)
    sid = event.session_id
    for title in ("Velkomst", "Budget 2027", "Eventuelt"):
        assert add_item(client, sid, title).status_code == 303
    budget = item_id(app, sid, "Budget 2027")
    assert add_item(client, sid, "Regnskab", under=budget, kind="beslutning").status_code == 303
    assert add_item(client, sid, "Kontingent", under=budget, kind="beslutning").status_code == 303
    assert numbered(app, sid) == [
        ("1", "Velkomst"),
        ("2", "Budget 2027"),
        ("2.1", "Regnskab"),
        ("2.2", "Kontingent"),
        ("3", "Eventuelt"),
    ]
    # Up and down are form buttons: a POST and a redirect back, no script needed.
    response = move(client, sid, budget, "op")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#punkt-{budget}")
    move(client, sid, item_id(app, sid, "Kontingent"), "op")
    assert numbered(app, sid) == [
        ("1", "Budget 2027"),
        ("1.1", "Kontingent"),
        ("1.2", "Regnskab"),
        ("2", "Velkomst"),
        ("3", "Eventuelt"),
    ]
    # At the top already: nothing moves.
    move(client, sid, budget, "op")
    assert numbered(app, sid)[0] == ("1", "Budget 2027")
    text = agenda_page_text(client, sid)
    assert "1.1 Kontingent" in text and "2 Velkomst" in text

    # Deleting an item takes its sub-items; the rest close up.
    response = post_action(
        client, f"/arrangoer/sessioner/{sid}/dagsorden", f"/arrangoer/dagsordenspunkter/{budget}/slet"
    )
    assert response.status_code == 303
    assert numbered(app, sid) == [("1", "Velkomst"), ("2", "Eventuelt")]
    with app.app_context():
        actions = [
            (e.object_type, e.action)
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "agenda_item"))
        ]
    assert actions.count(("agenda_item", "created")) == 5
    assert ("agenda_item", "moved") in actions and ("agenda_item", "deleted") in actions


def test_the_generalforsamling_template_and_copying_from_an_earlier_meeting(app, client, organiser, create_event):
    last_year = create_event(title="Årsmøde 2025", organisation_id=organiser)
    this_year = create_event(title="Årsmøde 2026", organisation_id=organiser)
    response = post_action(
        client,
        f"/arrangoer/sessioner/{last_year.session_id}/dagsorden",
        f"/arrangoer/sessioner/{last_year.session_id}/dagsorden/skabelon",
        template="generalforsamling",
    )
    assert response.status_code == 303
    expected = [
        "Valg af dirigent og referent",
        "Bestyrelsens beretning",
        "Indkomne forslag",
        "Fremtidigt arbejde",
        "Suppleringsvalg",
        "Eventuelt",
    ]
    assert [title for _, title in numbered(app, last_year.session_id)] == expected
    add_item(
        client,
        last_year.session_id,
        "Forslag fra Region Syd",
        under=item_id(app, last_year.session_id, "Indkomne forslag"),
    )

    page = client.get(f"/arrangoer/sessioner/{this_year.session_id}/dagsorden")
    assert "Årsmøde 2025" in page.data.decode()  # offered as a source
    response = client.post(
        f"/arrangoer/sessioner/{this_year.session_id}/dagsorden/kopier",
        data={"csrf_token": csrf_token(page.data), "source_session_id": str(last_year.session_id)},
    )
    assert response.status_code == 303
    copied = numbered(app, this_year.session_id)
    assert copied[3] == ("3.1", "Forslag fra Region Syd")
    assert [t for n, t in copied if "." not in n] == expected
    # The kinds come along.
    kinds = {i.title: i.kind.value for i in items_of(app, this_year.session_id)}
    assert kinds["Valg af dirigent og referent"] == "valg" and kinds["Indkomne forslag"] == "beslutning"


def test_another_organisations_meeting_cannot_be_copied(app, client, organiser, create_event, create_organisation):
    other = create_event(title="Fremmed møde", organisation_id=create_organisation(slug="andre"))
    with app.app_context():
        from eventsite.events.models import EventSession
        from eventsite.meetings.agenda import ItemData
        from eventsite.meetings.agenda import add_item as add

        add(db.session.get(EventSession, other.session_id), ItemData(title="Hemmeligt punkt"))
        db.session.commit()
    mine = create_event(organisation_id=organiser)
    page = client.get(f"/arrangoer/sessioner/{mine.session_id}/dagsorden")
    assert "Fremmed møde" not in page.data.decode()
    response = client.post(
        f"/arrangoer/sessioner/{mine.session_id}/dagsorden/kopier",
        data={"csrf_token": csrf_token(page.data), "source_session_id": str(other.session_id)},
    )
    assert response.status_code == 303
    assert items_of(app, mine.session_id) == []


def test_bad_items_are_refused_with_danish_messages(app, client, organiser, create_event):
    sid = create_event(organisation_id=organiser).session_id
    response = add_item(client, sid, "")
    assert response.status_code == 422 and "Skriv en titel." in response.data.decode()
    response = add_item(client, sid, "Punkt", starts_at="11:00", ends_at="10:00")
    assert response.status_code == 422 and "Punktet skal slutte, efter det begynder." in response.data.decode()
    response = add_item(client, sid, "Linje\nskift")
    assert response.status_code == 422
    response = add_item(client, sid, "Punkt", kind="hemmelig")
    assert response.status_code == 422
    assert items_of(app, sid) == []


def test_markup_in_an_item_is_sanitised_on_the_public_page(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser)
    sid = event.session_id
    add_item(
        client,
        sid,
        "Strategi <b>2030</b>",
        description='**Oplæg** <script>alert("x")</script><img src=x onerror=alert(1)> [se mere](javascript:alert(1))',
        proposed_decision="<i>Sekretariatet</i> indstiller, at strategien godkendes",
        kind="beslutning",
        presenter="Morten",
        case_number="S2024-702",
        starts_at="10:00",
        ends_at="10:45",
    )
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert "<strong>Oplæg</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html
    assert "Strategi &lt;b&gt;2030&lt;/b&gt;" in html
    assert "&lt;i&gt;Sekretariatet&lt;/i&gt; indstiller" in html
    text = visible_text(html)
    assert "1. Strategi <b>2030</b> (Beslutning)" in text
    assert "10.00–10.45 · v. Morten · Sagsnr. S2024-702" in text


def test_a_participants_only_agenda_is_hidden_from_the_public_and_shown_through_the_personal_link(
    app, client, organiser, create_event, register_person
):
    event = create_event(organisation_id=organiser, sessions=[{"capacity": 1}])
    sid = event.session_id
    add_item(client, sid, "Fortroligt punkt om personalesag")
    response = post_action(
        client,
        f"/arrangoer/sessioner/{sid}/dagsorden",
        f"/arrangoer/sessioner/{sid}/dagsorden/synlighed",
        shown_to="participants",
    )
    assert response.status_code == 303
    participant = register_person(sid, "deltager@example.dk")
    waiting = register_person(sid, "venter@example.dk")
    assert waiting.status == "waitlisted"
    client = app.test_client()  # the public, not logged in
    public = client.get(f"/arrangementer/{event.id}").data.decode()
    assert "Fortroligt punkt" not in public
    assert "Dagsordenen vises for deltagerne via deres personlige link." in public
    assert client.get(f"/arrangementer/{event.id}/sessioner/{sid}/dagsorden.pdf").status_code == 404
    personal = client.get(f"/tilmelding/{participant.token}").data.decode()
    assert "Fortroligt punkt om personalesag" in personal
    assert "Fortroligt punkt" not in client.get(f"/tilmelding/{waiting.token}").data.decode()
