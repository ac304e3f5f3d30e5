"""The member directory pages: list, search, add, edit; other organisations get 404."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.audit import AuditEntry
from eventsite.extensions import db
from eventsite.invitations.models import JobLevel, Member
from tests.helpers import csrf_token, visible_text


def member_form(client, url, token_url=None, **fields):
    data = {
        "csrf_token": csrf_token(client.get(token_url or url).data),
        "name": "Søren Ærø",
        "email": "soren@naestved.dk",
        "member_number": "",
        "job_title": "Kommunaldirektør",
        "job_level": "direktoer",
        "workplace": "Næstved Kommune",
        "municipality_code": "0370",
        "region": "",
        "tags": "VIP, Kreds Sjælland",
    }
    data.update(fields)
    return client.post(url, data=data)


def test_an_organiser_adds_a_member_and_finds_it_again(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org)
    response = member_form(client, f"/arrangoer/organisationer/{org}/medlemmer/ny")
    assert response.status_code == 303
    with app.app_context():
        member = db.session.execute(select(Member)).scalar_one()
        assert (member.name, member.job_level, member.municipality_code) == ("Søren Ærø", JobLevel.DIREKTOER, "0370")
        assert member.region in ("Region Sjælland", "Region Østdanmark")
        assert member.tags == ["Kreds Sjælland", "VIP"]
        assert db.session.execute(
            select(AuditEntry.action).where(AuditEntry.object_type == "member")
        ).scalars().all() == ["created"]
    page = client.get(f"/arrangoer/organisationer/{org}/medlemmer?q=Søren")
    assert "Søren Ærø" in visible_text(page.data)
    page = client.get(f"/arrangoer/organisationer/{org}/medlemmer?q=nobody-like-this")
    assert "Søren Ærø" not in visible_text(page.data)
    assert "0 medlemmer fundet" in visible_text(page.data)


def test_search_filters_by_region_level_and_tag(app, client, create_organisation, create_member, login_as):
    org = create_organisation()
    create_member(org, name="Ida Sjælland", municipality_code="0370", job_level="mellemleder", tags=["Kreds Syd"])
    create_member(org, name="Jens Jylland", municipality_code="0751", job_level="mellemleder")
    create_member(org, name="Karen Kbh", region="Region Østdanmark", job_level="chef")
    login_as(org)
    base = f"/arrangoer/organisationer/{org}/medlemmer"
    text = visible_text(client.get(base + "?region=Region Sjælland").data)
    assert "Ida Sjælland" in text and "Jens Jylland" not in text and "Karen Kbh" not in text
    text = visible_text(client.get(base + "?region=Region Østdanmark").data)
    assert "Ida Sjælland" in text and "Karen Kbh" in text and "Jens Jylland" not in text
    text = visible_text(client.get(base + "?level=mellemleder").data)
    assert "Ida Sjælland" in text and "Jens Jylland" in text and "Karen Kbh" not in text
    text = visible_text(client.get(base + "?tag=Kreds Syd").data)
    assert "Ida Sjælland" in text and "Jens Jylland" not in text


def test_editing_checks_the_email_is_not_taken_and_keeps_the_form(
    app, client, create_organisation, create_member, login_as
):
    org = create_organisation()
    create_member(org, email="taken@x.dk")
    member_id = create_member(org, email="mine@x.dk", name="Mig Selv")
    login_as(org)
    url = f"/arrangoer/medlemmer/{member_id}"
    response = member_form(client, url, email="taken@x.dk", name="Mig Selv")
    assert response.status_code == 422
    assert "Et andet medlem har allerede denne e-mailadresse." in visible_text(response.data)
    with app.app_context():
        assert db.session.get(Member, member_id).email == "mine@x.dk"
    response = member_form(client, url, email="new@x.dk", name="Mig Selv", opted_out="y")
    assert response.status_code == 303
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert member.email == "new@x.dk"
        assert member.opted_out


def test_bad_input_is_refused_with_danish_messages(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org)
    response = member_form(
        client,
        f"/arrangoer/organisationer/{org}/medlemmer/ny",
        name="=cmd|' /C calc'!A0",
        email="not-an-address",
        municipality_code="9999",
    )
    assert response.status_code == 422
    text = visible_text(response.data)
    assert "Teksten må ikke begynde med =, +, - eller @." in text
    assert "Skriv en gyldig e-mailadresse" in text
    with app.app_context():
        assert db.session.execute(select(Member)).first() is None


def test_another_organisations_members_are_not_found(app, client, create_organisation, create_member, login_as):
    org_a = create_organisation(slug="a")
    org_b = create_organisation(slug="b")
    member_b = create_member(org_b, name="Bodil Bhemmelig")
    login_as(org_a)
    assert client.get(f"/arrangoer/organisationer/{org_b}/medlemmer").status_code == 404
    assert client.get(f"/arrangoer/medlemmer/{member_b}").status_code == 404
    assert client.get(f"/arrangoer/organisationer/{org_b}/medlemmer/import").status_code == 404
    own_page = f"/arrangoer/organisationer/{org_a}/medlemmer/ny"
    response = member_form(client, f"/arrangoer/medlemmer/{member_b}", token_url=own_page, name="Hacked")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Member, member_b).name == "Bodil Bhemmelig"


def test_a_checkin_helper_cannot_see_the_directory(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org, role="checkin")
    assert client.get(f"/arrangoer/organisationer/{org}/medlemmer").status_code == 404


def test_the_directory_is_only_for_logged_in_staff(client, create_organisation):
    org = create_organisation()
    response = client.get(f"/arrangoer/organisationer/{org}/medlemmer")
    assert response.status_code in (302, 303)
    assert "/arrangoer/log-ind" in response.headers["Location"]
