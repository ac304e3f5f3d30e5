"""The member page's links and sessions are deleted by the retention job once they are over
(30 days after they were asked for, by default), and a new link still works afterwards.
Through real HTTP and SMTP, with the clock set forward. Both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from eventsite import clock
from eventsite.extensions import db
from eventsite.mail.jobs import registered_jobs, run_job
from eventsite.mail.models import JobRun
from eventsite.registration.models import MemberLink
from tests.conftest import FUTURE, SUITE_NOW
from tests.privacy.member_helpers import MEMBER_LINK, ask_for_link, enter, member_links_in, text_of

EMAIL = "kirsten@example.dk"


def _links(app) -> list[MemberLink]:
    with app.app_context():
        links = db.session.execute(select(MemberLink).order_by(MemberLink.id)).scalars().all()
        db.session.expunge_all()
        return links


def _retention(app, when) -> None:
    with clock.travelled(when), app.app_context():
        run_job(next(job for job in registered_jobs() if job.name == "retention"))


def test_links_and_sessions_that_are_over_go_after_30_days_and_a_new_link_still_works(
    app, client, create_event, register_person, smtp, deliver
):
    # Far enough ahead that its page still takes requests for a link after the clean-up.
    event = create_event(sessions=[{"start": FUTURE + timedelta(days=60)}])
    register_person(event.session_id, email=EMAIL, name="Kirsten Kirk")
    # One link followed (a visit), then a second one asked for and never followed.
    ask_for_link(client, event.id, EMAIL)
    deliver()
    [first] = member_links_in(smtp)
    assert enter(client, first).status_code == 303
    with clock.travelled(SUITE_NOW + timedelta(days=2)):
        ask_for_link(app.test_client(), event.id, EMAIL)
        deliver()
    visited, unused = _links(app)
    assert visited.used_at is not None and unused.used_at is None

    # Not before their time: the visit could last 4 hours, and is kept 30 days after that.
    _retention(app, SUITE_NOW + timedelta(days=30, hours=3))
    assert [link.id for link in _links(app)] == [visited.id, unused.id]
    _retention(app, SUITE_NOW + timedelta(days=30, hours=5))
    # The visit is gone; the unused link is over too but the newest row stays (its id
    # keeps SQLite from handing an old id, and its email's dedupe key, out again).
    assert [link.id for link in _links(app)] == [unused.id]
    with clock.travelled(SUITE_NOW + timedelta(days=40)), app.app_context():
        run_job(next(job for job in registered_jobs() if job.name == "retention"))
        row = db.session.execute(select(JobRun).where(JobRun.name == "retention")).scalar_one()
        assert "member_page_links" not in (row.last_line or "")
    assert [link.id for link in _links(app)] == [unused.id]

    # A new link, asked for after the clean-up, is emailed and lets the person in.
    with clock.travelled(SUITE_NOW + timedelta(days=41)):
        before = len(smtp.received)
        visitor = app.test_client()
        ask_for_link(visitor, event.id, EMAIL)
        deliver()
        [path] = [p for received in smtp.received[before:] for p in MEMBER_LINK.findall(text_of(received))]
        entered = enter(visitor, path)
        assert entered.status_code == 303 and entered.headers["Location"].endswith("/mine-tilmeldinger/")
    links = _links(app)
    assert len(links) == 2 and links[-1].id > unused.id and links[-1].used_at is not None
