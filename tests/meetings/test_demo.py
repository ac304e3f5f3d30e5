"""The demo data's meetings: the Lederforum's timed agenda and bilag, the generalforsamling, a board series."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.meetings.agenda import agenda_for
from eventsite.meetings.files import files_of_session
from eventsite.meetings.models import MeetingSeries
from tests.helpers import visible_text
from tests.meetings.conftest import stored_files


def test_the_demo_runs_the_lederforum_and_the_generalforsamling(app, uploads):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        forum = db.session.scalars(select(Event).where(Event.title.like("Lederforum%"))).one()
        session = forum.sessions[0]
        agenda = agenda_for(session)
        assert [(e.number, e.item.starts_at.strftime("%H.%M")) for e in agenda][:2] == [("1", "08.45"), ("2", "09.00")]
        assert {e.item.case_number for e in agenda} == {"S2024-702"}
        files = files_of_session(session)
        assert [(f.title, f.shown_to.value) for f in files] == [
            ("Bilag 1. Handlerum – faglig ledelse", "public"),
            ("Bilag 2. One-pager", "participants"),
        ]
        assert sorted(f.stored_name for f in files) == stored_files(uploads)
        forum_id = forum.id
        public_id, private_id = files[0].id, files[1].id

        aarsmoede = db.session.scalars(select(Event).where(Event.title.like("Årsmøde%"))).one()
        gf = [(e.number, e.item.title) for e in agenda_for(aarsmoede.sessions[0])]
        assert gf[0] == ("1", "Valg af dirigent og referent") and ("3.1", "Forslag om kontingent 2027") in gf
        assert gf[-1] == ("6", "Eventuelt")

        (series,) = db.session.scalars(select(MeetingSeries)).all()
        assert len(series.meetings) == 4

    anyone = app.test_client()
    page = visible_text(anyone.get(f"/arrangementer/{forum_id}").data)
    assert "2. Handlerum og faglig ledelse (Drøftelse)" in page and "Bilag 1. Handlerum – faglig ledelse" in page
    response = anyone.get(f"/arrangementer/{forum_id}/bilag/{public_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    response.close()
    assert anyone.get(f"/arrangementer/{forum_id}/bilag/{private_id}").status_code == 404
