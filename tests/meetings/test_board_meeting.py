"""End to end over real HTTP and SMTP: a board meeting run from the summons to published minutes.

A fixed list of 12 from the member directory; 8 answer "Jeg deltager", 3 send afbud
through their personal link and 1 by phone; one member leaves during item 4 and is
recorded so on the check-in screen; the minutes are sent to the 12, 11 approve and 1
objects, the minutes are revised and sent again, and approved by the worker's job
when the deadline passes; the published PDF is read back. Both databases.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from eventsite import clock
from eventsite.extensions import db
from eventsite.mail.jobs import Schedule, registered_jobs
from eventsite.meetings.minutes_models import Minutes, MinutesState
from eventsite.meetings.participation_models import Apology, ApologyChannel
from eventsite.registration.models import Attendance, Person, Registration, RegistrationStatus
from tests.conftest import FUTURE, SUITE_NOW
from tests.helpers import csrf_token, log_in, user_email, visible_text
from tests.meetings.board_fixtures import create_board, deliver, http_client, http_server, smtp  # noqa: F401  (fixtures)

LINK = re.compile(r"http://localhost(/[^\s\"<>]+)")


def _links(received, prefix: str) -> dict[str, str]:
    """Recipient address -> the path of the personal link in their plain-text email."""
    found = {}
    for mail in received:
        body = mail.message().get_body(("plain",)).get_content()
        paths = [path for path in LINK.findall(body) if path.startswith(prefix)]
        assert paths, body
        found[mail.rcpt_tos[0]] = paths[0]
    return found


def _post_from(client, page_path: str, action: str, data: dict):
    """Fetch a page for its CSRF token, then post a form to `action`."""
    page = client.get(page_path)
    assert page.status_code == 200, (page_path, page.status_code)
    return client.post(action, data={"csrf_token": csrf_token(page.data), **data})


def _registration_id(app, email: str) -> int:
    with app.app_context():
        return db.session.execute(
            select(Registration.id).join(Person, Person.id == Registration.person_id).where(Person.email == email)
        ).scalar_one()


def test_a_board_meeting_from_summons_to_published_minutes(app, create_board, create_user, smtp, deliver, http_client):
    board = create_board()
    sid = board.session_id
    user_id = create_user(board.organisation_id, "organiser")

    def organiser_login():
        # Back-office logins last hours: after each move of the clock the organiser logs in again.
        office = http_client()
        assert log_in(office, user_email(app, user_id)).status_code == 303
        return office

    office = organiser_login()
    try:
        # --- the fixed list: 12 members by the directory tag, each summoned by email ---------
        meeting = f"/arrangoer/sessioner/{sid}/moede"
        answer = _post_from(office, meeting, f"{meeting}/liste", {"tag": "bestyrelse", "entries": ""})
        assert answer.status_code == 303
        deliver()
        summons = smtp.wait_for(12)
        assert {m.message()["Subject"] for m in summons} == {"Indkaldelse: Bestyrelsesmøde"}
        manage = _links(summons, "/tilmelding/")
        assert sorted(manage) == sorted(board.member_emails)
        assert "Ikke svaret 12" in visible_text(office.get(meeting).data)

        # --- answers: 8 attend, 3 send afbud through their link, 1 by phone ---------------
        members = board.member_emails
        for email in members[:8]:
            person = http_client()
            assert _post_from(person, manage[email], manage[email] + "/deltager", {}).status_code == 303
        for email in members[8:11]:
            person = http_client()
            done = _post_from(person, manage[email], manage[email] + "/afbud", {"reason": "Byrådsmøde"})
            assert done.status_code == 303
            page = visible_text(person.get(manage[email]).data)
            assert "Du meldte afbud" in page
            # A second afbud changes nothing and says so.
            again = _post_from(person, manage[email], manage[email] + "/afbud", {"reason": ""})
            assert again.status_code == 303
            assert "allerede meldt afbud" in visible_text(person.get(manage[email]).data)
        phoned = _registration_id(app, members[11])
        done = _post_from(office, meeting, f"/arrangoer/tilmeldinger/{phoned}/afbud", {"reason": "Ringede"})
        assert done.status_code == 303
        listing = visible_text(office.get(meeting).data)
        assert "Deltager 8" in listing and "Afbud 4" in listing and "Ikke svaret 0" in listing
        with app.app_context():
            apologies = db.session.execute(select(Apology)).scalars().all()
            assert sorted(a.channel for a in apologies) == [ApologyChannel.ORGANISER] + [ApologyChannel.SELF] * 3
            # No capacity: the places are kept, marked "Afbud", not cancelled.
            kept = db.session.execute(select(Registration).where(Registration.id == phoned)).scalar_one()
            assert kept.status is RegistrationStatus.CONFIRMED and kept.attendance is Attendance.ABSENT_NOTIFIED

        # A forged manage link: 404.
        assert http_client().post("/tilmelding/forfalsket/afbud", data={}).status_code in (400, 404)

        # --- the day: afbud is refused once the meeting started; check-in by agenda item ----
        clock.travel_to(FUTURE + timedelta(minutes=30))
        late = http_client()
        refused = _post_from(late, manage[members[0]], manage[members[0]] + "/afbud", {"reason": "For sent"})
        assert refused.status_code == 303
        assert "Mødet er allerede begyndt" in visible_text(late.get(manage[members[0]]).data)
        with app.app_context():
            assert (
                db.session.execute(
                    select(Apology).where(Apology.registration_id == _registration_id(app, members[0]))
                ).first()
                is None
            )

        office = organiser_login()
        door = f"/arrangoer/sessioner/{sid}/indtjekning"
        for email in members[:8]:
            rid = _registration_id(app, email)
            assert _post_from(office, door, f"/arrangoer/tilmeldinger/{rid}/indtjek", {"q": ""}).status_code == 303
        partial = _registration_id(app, members[7])
        recorded = _post_from(
            office,
            door,
            f"/arrangoer/tilmeldinger/{partial}/indtjek/punkter",
            {"arrived_item": "", "left_item": str(board.item_ids[3]), "left_during": "y", "q": ""},
        )
        assert recorded.status_code == 303
        assert "deltog i pkt. 1-3 og delvist i pkt. 4" in visible_text(office.get(door).data)

        # --- the minutes: drafted, sent to the 12 ------------------------------------------
        clock.travel_to(FUTURE + timedelta(hours=5))
        office = organiser_login()
        page = f"/arrangoer/sessioner/{sid}/referat"
        texts = {"chair": "Direktør 01", "secretary": "Sekretariatet", "preamble": ""}
        decisions = ["Dagsordenen blev godkendt.", "", "Budgettet blev vedtaget.", "Lederforum holdes i Odense.", ""]
        for item_id, decision in zip(board.item_ids, decisions):
            texts[f"summary-{item_id}"] = "Drøftet."
            texts[f"decision-{item_id}"] = decision
        assert _post_from(office, page, page, texts).status_code == 303
        sent = _post_from(office, page, f"{page}/send", {"recipients": "list", "deadline_days": "7"})
        assert sent.status_code == 303
        deliver()
        first = smtp.wait_for(24)[12:]
        assert {m.message()["Subject"] for m in first} == {"Referat til godkendelse: Bestyrelsesmøde"}
        approval_links = _links(first, "/referat/godkend/")
        assert len(approval_links) == 12

        # Bad links and bad answers change nothing.
        assert http_client().get("/referat/godkend/forfalsket").status_code == 404
        token = approval_links[members[0]].rsplit("/", 1)[1]
        assert (
            http_client()
            .get("/referat/godkend/" + token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:])
            .status_code
            == 404
        )
        objector = http_client()
        link = approval_links[members[1]]
        empty = _post_from(objector, link, link, {"object": "Gør indsigelse", "comment": ""})
        assert empty.status_code == 409 and "Skriv, hvad der skal ændres" in visible_text(empty.data)

        for email in members:
            person = http_client()
            if email == members[1]:
                data = {"object": "Gør indsigelse", "comment": "Pkt. 3: beløbet er 2,1 mio. kr."}
            else:
                data = {"approve": "Godkend referatet", "comment": ""}
            assert _post_from(person, approval_links[email], approval_links[email], data).status_code == 303
        answers = visible_text(office.get(page).data)
        assert answers.count("Godkendt") >= 11 and "Pkt. 3: beløbet er 2,1 mio. kr." in answers

        # --- revised and sent again; the earlier links only say so -------------------------
        texts[f"decision-{board.item_ids[2]}"] = "Budgettet blev vedtaget med en ramme på 2,1 mio. kr."
        assert _post_from(office, page, page, texts).status_code == 303
        assert _post_from(office, page, f"{page}/send", {"recipients": "list", "deadline_days": "7"}).status_code == 303
        deliver()
        second = smtp.wait_for(36)[24:]
        assert {m.message()["Subject"] for m in second} == {"Revideret referat til godkendelse: Bestyrelsesmøde"}
        old = http_client()
        assert "revideret" in visible_text(old.get(approval_links[members[1]]).data)
        token = csrf_token(old.get("/arrangoer/log-ind").data)
        stale = old.post(approval_links[members[1]], data={"csrf_token": token, "object": "x", "comment": "Igen"})
        assert stale.status_code == 409 and "revideret" in visible_text(stale.data)
        new_links = _links(second, "/referat/godkend/")

        # --- the deadline passes: objections are refused, the worker's job approves ---------
        clock.travel_to(FUTURE + timedelta(days=8))
        late = http_client()
        link = new_links[members[1]]
        assert "Fristen for indsigelser er udløbet" in visible_text(late.get(link).data)
        token = csrf_token(late.get("/arrangoer/log-ind").data)
        refused = late.post(link, data={"csrf_token": token, "object": "x", "comment": "For sent"})
        assert refused.status_code == 409 and "Fristen for indsigelser er udløbet" in visible_text(refused.data)
        with app.app_context():
            Schedule(registered_jobs()).run_due()
            minutes = db.session.execute(select(Minutes).where(Minutes.session_id == sid)).scalar_one()
            assert minutes.state is MinutesState.APPROVED and minutes.approved_by_id is None
            assert [v.number for v in minutes.versions] == [1, 2]
        office = organiser_login()

        # --- published: the event page and the PDF ----------------------------------------
        assert _post_from(office, page, f"{page}/offentliggoer", {}).status_code == 303
        public = http_client()
        event_page = visible_text(public.get(f"/arrangementer/{board.event_id}").data)
        assert "Referat" in event_page and "Budgettet blev vedtaget med en ramme på 2,1 mio. kr." in event_page
        pdf = public.get(f"/referater/{sid}.pdf")
        assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        text = re.sub(r"\s+", " ", text)
        assert "Referat: Bestyrelsesmøde" in text
        for title in ("Godkendelse af dagsorden", "Budget 2027", "Lederforum 2027", "Eventuelt"):
            assert title in text
        assert "Beslutning: Budgettet blev vedtaget med en ramme på 2,1 mio. kr." in text
        assert "deltog i pkt. 1-3 og delvist i pkt. 4" in text
        assert "Direktør 09" in text  # among Afbud
    finally:
        clock.travel_to(SUITE_NOW)
