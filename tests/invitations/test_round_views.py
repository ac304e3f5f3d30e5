"""Invitation rounds in the back office: preview, send once, follow up, remind."""

from __future__ import annotations

import re
import threading
from collections import Counter

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from eventsite.extensions import db
from eventsite.invitations.models import Invitation, InvitationRound
from eventsite.mail.models import OutboxMessage
from tests.helpers import csrf_token, log_in, user_email, visible_text
from tests.invitations.conftest import invitation_tokens


def send_form(html: str) -> dict:
    """The hidden fields of the send form, as the browser would post them."""
    form = re.search(r'<form method="post" action="[^"]*/invitationer/send">(.*?)</form>', html, re.S).group(1)
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    fields += [(n, v) for v, n in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', form)]
    return fields


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def directory(create_event, create_member):
    event = create_event(title="Temadag for mellemledere")
    org = event.organisation_id
    create_member(org, "Ida Sjælland", email="ida@x.dk", municipality_code="0370", job_level="mellemleder")
    create_member(org, "Ib Sjælland", email="ib@x.dk", municipality_code="0370", job_level="direktoer")
    create_member(org, "Jens Jylland", email="jens@x.dk", municipality_code="0751", job_level="mellemleder")
    return event


def test_the_organiser_sees_count_and_list_then_sends_once_even_when_double_clicking(
    app, client, smtp, deliver, create_event, create_member, login_as
):
    event = directory(create_event, create_member)
    login_as(event.organisation_id)
    page = client.get(f"/arrangoer/arrangementer/{event.id}/invitationer/ny?region=Region Sjælland&level=mellemleder")
    text = visible_text(page.data)
    assert "1 modtager" in text
    assert "Ida Sjælland" in text and "Jens Jylland" not in text and "Ib Sjælland" not in text

    fields = send_form(page.get_data(as_text=True))
    assert ("region", "Region Sjælland") in fields and ("level", "mellemleder") in fields
    first = client.post(f"/arrangoer/arrangementer/{event.id}/invitationer/send", data=MultiDict(fields))
    second = client.post(f"/arrangoer/arrangementer/{event.id}/invitationer/send", data=MultiDict(fields))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(app, InvitationRound) == 1
    assert count(app, Invitation) == 1
    deliver()
    assert [r.rcpt_tos for r in smtp.received] == [["ida@x.dk"]]

    followed = client.get(first.headers["Location"])
    assert "Alle 1 e-mails er behandlet." in visible_text(followed.data)


def test_two_simultaneous_identical_posts_make_one_round(app, create_event, create_member, create_user):
    event = directory(create_event, create_member)
    user = create_user(event.organisation_id)
    clients = [app.test_client(), app.test_client()]
    for c in clients:
        assert log_in(c, user_email(app, user)).status_code == 303
    page = clients[0].get(f"/arrangoer/arrangementer/{event.id}/invitationer/ny")
    fields = [(n, v) for n, v in send_form(page.get_data(as_text=True)) if n != "csrf_token"]
    posts = [
        fields + [("csrf_token", csrf_token(c.get(f"/arrangoer/arrangementer/{event.id}/invitationer").data))]
        for c in clients
    ]
    statuses = []
    start = threading.Barrier(2)

    def post(index):
        start.wait()
        response = clients[index].post(
            f"/arrangoer/arrangementer/{event.id}/invitationer/send", data=MultiDict(posts[index])
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [303, 303]
    assert count(app, InvitationRound) == 1
    with app.app_context():
        recipients = Counter(db.session.execute(select(OutboxMessage.recipient)).scalars())
    assert recipients == Counter({"ida@x.dk": 1, "ib@x.dk": 1, "jens@x.dk": 1})


def test_a_second_round_leaves_out_those_already_invited(
    app, client, create_event, create_member, login_as, send_round
):
    event = directory(create_event, create_member)
    send_round(event.id, regions=["Region Sjælland"])
    login_as(event.organisation_id)
    page = client.get(f"/arrangoer/arrangementer/{event.id}/invitationer/ny")
    text = visible_text(page.data)
    assert "1 modtager" in text and "Jens Jylland" in text
    assert "2 er allerede inviteret (send en påmindelse i stedet)" in text


def test_removing_and_adding_individuals(app, client, create_event, create_member, login_as):
    event = directory(create_event, create_member)
    extra = create_member(event.organisation_id, "Karl Ekstra", email="karl@x.dk", municipality_code="0101")
    login_as(event.organisation_id)
    base = f"/arrangoer/arrangementer/{event.id}/invitationer/ny?level=mellemleder&add=karl@x.dk"
    page = client.get(base)
    html = page.get_data(as_text=True)
    assert "3 modtagere" in visible_text(html)
    remove_link = re.search(r'href="([^"]+)">Fjern Jens Jylland', html).group(1).replace("&amp;", "&")
    page = client.get(remove_link)
    text = visible_text(page.data)
    assert "2 modtagere" in text and "Jens Jylland" not in text.split("Udeladt:")[-1].split("Fjern")[0]
    assert "1 fjernet manuelt" in text
    response = client.post(
        f"/arrangoer/arrangementer/{event.id}/invitationer/send", data=MultiDict(send_form(page.get_data(as_text=True)))
    )
    assert response.status_code == 303
    with app.app_context():
        names = sorted(db.session.execute(select(OutboxMessage.recipient)).scalars())
    assert names == ["ida@x.dk", "karl@x.dk"]
    assert extra


def test_criteria_that_make_no_sense_are_refused_and_nothing_is_sent(
    app, client, create_event, create_member, login_as
):
    event = directory(create_event, create_member)
    login_as(event.organisation_id)
    page = client.get(f"/arrangoer/arrangementer/{event.id}/invitationer/ny")
    fields = send_form(page.get_data(as_text=True))
    for bad in (
        ("region", "Region Atlantis"),
        ("level", "kejser"),
        ("add", "ukendt@x.dk"),
        ("remove", "abc"),
        ("municipality", "9999"),
    ):
        response = client.post(f"/arrangoer/arrangementer/{event.id}/invitationer/send", data=MultiDict(fields + [bad]))
        assert response.status_code == 422, bad
        assert (
            visible_text(response.data).count("Ukendt")
            + visible_text(response.data).count("Intet medlem")
            + visible_text(response.data).count("er ikke et medlem")
            >= 1
        ), bad
    missing_key = [(n, v) for n, v in fields if n != "idempotency_key"]
    assert (
        client.post(f"/arrangoer/arrangementer/{event.id}/invitationer/send", data=MultiDict(missing_key)).status_code
        == 400
    )
    assert count(app, Invitation) == 0


def test_another_organisation_cannot_see_or_send(
    app, client, create_event, create_member, create_organisation, login_as, send_round
):
    event = directory(create_event, create_member)
    round_id = send_round(event.id)
    other = create_organisation(slug="andre")
    login_as(other)
    for url in (
        f"/arrangoer/arrangementer/{event.id}/invitationer",
        f"/arrangoer/arrangementer/{event.id}/invitationer/ny",
        f"/arrangoer/invitationsrunder/{round_id}",
    ):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client.get(f"/arrangoer/organisationer/{other}/medlemmer").data)
    response = client.post(
        f"/arrangoer/arrangementer/{event.id}/invitationer/send",
        data={"csrf_token": token, "idempotency_key": "x" * 20},
    )
    assert response.status_code == 404
    assert client.post(f"/arrangoer/invitationsrunder/{round_id}/stop", data={"csrf_token": token}).status_code == 404
    assert count(app, InvitationRound) == 1


def test_tracking_per_round_and_per_person(
    app, client, smtp, deliver, create_event, create_member, login_as, send_round, register_person
):
    event = directory(create_event, create_member)
    org = event.organisation_id
    create_member(org, "Bo Bounce", email="bounce@x.dk")
    create_member(org, "Olga Optout", email="optout@x.dk")
    smtp.refuse("bounce@x.dk")
    round_id = send_round(event.id)
    deliver()
    tokens = invitation_tokens(app, round_id)
    register_person(event.session_id, email="ida@x.dk", name="Ida Sjælland")
    decline = client.get(f"/invitation/{tokens['ib@x.dk']}/afbud")
    client.post(f"/invitation/{tokens['ib@x.dk']}/afbud", data={"csrf_token": csrf_token(decline.data)})
    app.test_client().post(f"/invitation/{tokens['optout@x.dk']}/afmeld")

    login_as(org)
    page = client.get(f"/arrangoer/arrangementer/{event.id}/invitationer")
    html = page.get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert figures == {
        "Inviteret": "5",
        "Leveret": "4",
        "Tilmeldt": "1",
        "Kan ikke deltage": "1",
        "Intet svar": "1",
        "Kunne ikke leveres": "1",
        "Frameldt": "1",
    }
    rows = dict(
        re.findall(r'<td><a href="/arrangoer/medlemmer/\d+">([^<]+)</a></td><td>[^<]+</td>\s*<td>([^<]+)</td>', html)
    )
    assert rows == {
        "Ida Sjælland": "Tilmeldt",
        "Ib Sjælland": "Kan ikke deltage",
        "Jens Jylland": "Intet svar",
        "Bo Bounce": "Kunne ikke leveres",
        "Olga Optout": "Frameldt",
    }

    with app.app_context():
        from eventsite.invitations.models import InvitationState, Member

        states = dict(
            db.session.execute(
                select(Member.email, Invitation.state).join(Member, Member.id == Invitation.member_id)
            ).all()
        )
    assert states["ida@x.dk"] is InvitationState.REGISTERED
    assert states["ib@x.dk"] is InvitationState.DECLINED
    assert states["bounce@x.dk"] is InvitationState.BOUNCED
    assert states["jens@x.dk"] is InvitationState.SENT


def test_remind_those_who_have_not_answered_sends_to_no_one_twice_within_the_interval(
    app, client, smtp, deliver, create_event, create_member, login_as, send_round, register_person
):
    event = directory(create_event, create_member)
    send_round(event.id)
    deliver()
    register_person(event.session_id, email="ida@x.dk")
    login_as(event.organisation_id)
    url = f"/arrangoer/arrangementer/{event.id}/invitationer/ny?reminder=1"

    page = client.get(url)
    assert "Ingen modtagere med disse valg." in visible_text(page.data)
    assert "2 har fået en e-mail for nylig" in visible_text(page.data)

    app.config["INVITATION_REMINDER_INTERVAL_HOURS"] = 0
    try:
        page = client.get(url)
        text = visible_text(page.data)
        assert "2 modtagere" in text and "1 er allerede tilmeldt" in text
        response = client.post(
            f"/arrangoer/arrangementer/{event.id}/invitationer/send",
            data=MultiDict(send_form(page.get_data(as_text=True))),
        )
        assert response.status_code == 303
    finally:
        app.config["INVITATION_REMINDER_INTERVAL_HOURS"] = 72
    deliver()
    page = client.get(url)
    assert "Ingen modtagere med disse valg." in visible_text(page.data), "the interval applies to reminders too"
    received = Counter(r.rcpt_tos[0] for r in smtp.received)
    assert received == Counter({"ida@x.dk": 1, "ib@x.dk": 2, "jens@x.dk": 2})


def test_progress_is_visible_while_a_round_is_delivered_and_it_can_be_stopped(
    app, client, smtp, deliver, create_event, create_member, login_as, send_round
):
    event = directory(create_event, create_member)
    round_id = send_round(event.id)
    login_as(event.organisation_id)
    page = client.get(f"/arrangoer/invitationsrunder/{round_id}")
    html = page.get_data(as_text=True)
    assert '<progress id="delivery-progress" aria-labelledby="progress-heading" max="3" value="0">' in html
    assert f'data-progress-url="/arrangoer/invitationsrunder/{round_id}/fremdrift"' in html
    assert "0 af 3 e-mails behandlet; 3 venter." in visible_text(html)
    progress = client.get(f"/arrangoer/invitationsrunder/{round_id}/fremdrift").get_json()
    assert progress == {
        "invited": 3,
        "handled": 0,
        "delivered": 0,
        "bounced": 0,
        "waiting": 3,
        "done": False,
        "text": "0 af 3 e-mails behandlet; 3 venter.",
    }

    with app.app_context():
        from eventsite.mail.worker import deliver_batch

        deliver_batch(limit=1)
    progress = client.get(f"/arrangoer/invitationsrunder/{round_id}/fremdrift").get_json()
    assert (progress["handled"], progress["delivered"], progress["waiting"]) == (1, 1, 2)

    response = client.post(f"/arrangoer/invitationsrunder/{round_id}/stop", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Afsendelsen er stoppet: 2 e-mails bliver ikke sendt." in visible_text(html)
    assert "data-progress-url" not in html
    assert deliver().sent == 0
    assert len(smtp.received) == 1


def test_the_command_line_invites_by_region_level_and_tag(app, create_event, create_member):
    event = directory(create_event, create_member)
    create_member(
        event.organisation_id,
        "Tine Tag",
        email="tine@x.dk",
        municipality_code="0370",
        job_level="mellemleder",
        tags=["Kreds Syd"],
    )
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["invite", "--event", str(event.id), "--region", "Sjælland", "--level", "mellemleder", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "2 modtagere" in result.output and "Ida Sjælland <ida@x.dk>" in result.output
    assert count(app, Invitation) == 0

    result = runner.invoke(args=["invite", "--event", str(event.id), "--tag", "kreds syd"])
    assert result.exit_code == 0, result.output
    assert "1 e-mails sat i kø" in result.output
    result = runner.invoke(args=["invite", "--event", str(event.id), "--region", "Sjælland", "--level", "mellemleder"])
    assert "1 er allerede inviteret" in result.output
    with app.app_context():
        assert sorted(db.session.execute(select(OutboxMessage.recipient)).scalars()) == ["ida@x.dk", "tine@x.dk"]

    for args, message in (
        (["--region", "Atlantis"], "Ukendt region"),
        (["--level", "kejser"], "Ukendt ledelsesniveau"),
        (["--tag", "ingen"], "Intet medlem har tagget"),
    ):
        result = runner.invoke(args=["invite", "--event", str(event.id), *args])
        assert result.exit_code == 1 and message in result.output, args
    result = runner.invoke(args=["invite", "--event", "999999"])
    assert result.exit_code == 1 and "Der er intet arrangement med id 999999." in result.output
