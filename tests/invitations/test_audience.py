"""Who a round goes to: filters, additions and removals, and who is always left out."""

from __future__ import annotations

from datetime import timedelta

from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.invitations.audience import AudienceSpec, build_audience, find_members
from eventsite.invitations.directory import opt_out
from eventsite.invitations.models import JobLevel, Member


def audience(app, event_id, **fields):
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        interval = fields.pop("interval", None)
        result = build_audience(event, AudienceSpec(**fields), reminder_interval=interval)
        return sorted(m.name for m in result.members), result.excluded


def test_filters_combine_regions_levels_and_tags(app, create_event, create_member):
    event = create_event()
    org = event.organisation_id
    create_member(org, "Ida Sjælland", municipality_code="0370", job_level="mellemleder", tags=["Kreds Syd"])
    create_member(org, "Ib Sjælland", municipality_code="0370", job_level="direktoer")
    create_member(org, "Jens Jylland", municipality_code="0751", job_level="mellemleder", tags=["Kreds Syd"])
    create_member(org, "Karen Østdanmark", region="Region Østdanmark", job_level="mellemleder")
    create_member(org, "Lis Hovedstaden", municipality_code="0101", job_level="mellemleder")

    assert audience(app, event.id, regions=["Region Sjælland"], job_levels=[JobLevel.MELLEMLEDER])[0] == [
        "Ida Sjælland"
    ]
    assert audience(app, event.id, regions=["Region Østdanmark"], job_levels=[JobLevel.MELLEMLEDER])[0] == [
        "Ida Sjælland",
        "Karen Østdanmark",
        "Lis Hovedstaden",
    ]
    assert audience(app, event.id, regions=["Region Sjælland", "Region Midtjylland"])[0] == [
        "Ib Sjælland",
        "Ida Sjælland",
        "Jens Jylland",
    ]
    assert audience(app, event.id, tags=["Kreds Syd"])[0] == ["Ida Sjælland", "Jens Jylland"]
    assert audience(app, event.id, municipality_codes=["0751"])[0] == ["Jens Jylland"]
    assert len(audience(app, event.id)[0]) == 5, "no filters: the whole directory"


def test_members_are_added_and_removed_by_hand(app, create_event, create_member):
    event = create_event()
    org = event.organisation_id
    ida = create_member(org, "Ida", municipality_code="0370", member_number="17")
    ib = create_member(org, "Ib", municipality_code="0370")
    create_member(org, "Jens", municipality_code="0751", email="jens@x.dk")
    with app.app_context():
        added, unknown = find_members(org, ["JENS@x.dk", "17", "nobody@x.dk", ""])
    assert unknown == ["nobody@x.dk"]
    names, excluded = audience(app, event.id, regions=["Region Sjælland"], added_ids=added, removed_ids=[ib])
    assert names == ["Ida", "Jens"]
    assert excluded == {"removed": 1}
    assert audience(app, event.id, added_ids=[ida])[0] == ["Ida"], "only hand-picked members"


def test_opted_out_registered_and_invited_members_are_left_out(
    app, create_event, create_member, register_person, send_round
):
    event = create_event()
    org = event.organisation_id
    create_member(org, "Fresh")
    gone = create_member(org, "Opted Out")
    create_member(org, "Signed Up", email="signed@x.dk")
    invited = create_member(org, "Invited Before")
    with app.app_context():
        opt_out(db.session.get(Member, gone))
        db.session.commit()
    register_person(event.session_id, email="Signed@x.dk")
    send_round(event.id, added_ids=[invited])

    names, excluded = audience(app, event.id)
    assert names == ["Fresh"]
    assert excluded == {"opted_out": 1, "registered": 1, "invited": 1}


def test_a_reminder_goes_only_to_those_invited_who_have_not_answered_and_not_recently(
    app, create_event, create_member, send_round
):
    event = create_event()
    org = event.organisation_id
    quiet = create_member(org, "Quiet")
    create_member(org, "Never Invited")
    declined = create_member(org, "Declined")
    send_round(event.id, added_ids=[quiet, declined])
    with app.app_context():
        from sqlalchemy import update

        from eventsite.invitations.models import Invitation

        db.session.execute(update(Invitation).where(Invitation.member_id == declined).values(declined_at=utcnow()))
        db.session.commit()

    names, excluded = audience(app, event.id, reminder=True, interval=timedelta(hours=72))
    assert names == []
    assert excluded == {"not_invited": 1, "declined": 1, "recently_mailed": 1}
    names, _ = audience(app, event.id, reminder=True, interval=timedelta(seconds=0))
    assert names == ["Quiet"]


def test_another_organisations_members_are_never_in_the_audience(app, create_event, create_organisation, create_member):
    event = create_event()
    other = create_organisation(slug="andre")
    stranger = create_member(other, "Stranger")
    create_member(event.organisation_id, "Ours")
    assert audience(app, event.id, added_ids=[stranger])[0] == []
    assert audience(app, event.id)[0] == ["Ours"]
