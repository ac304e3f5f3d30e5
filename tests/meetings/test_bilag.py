"""Bilag: types checked by content, bad uploads refused with nothing stored, downloads
as attachments, and who may download what (public, non-participant, participant)."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.meetings.files import delete_files_of_event
from eventsite.meetings.models import MeetingFile
from tests.helpers import visible_text
from tests.meetings.conftest import (
    JPEG,
    add_item,
    docm_bytes,
    docx_bytes,
    file_rows,
    item_id,
    items_of,
    pdf_bytes,
    png_bytes,
    post_action,
    pptx_bytes,
    raw_upload,
    stored_files,
    upload,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    "filename, make, content_type",
    [
        ("Handlerum.pdf", pdf_bytes, "application/pdf"),
        ("One-pager.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Budget.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Slides.pptx", pptx_bytes, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("Kort.png", png_bytes, "image/png"),
        ("Foto.jpeg", lambda: JPEG, "image/jpeg"),
    ],
)
def test_each_accepted_type_is_stored_under_a_random_name(
    app, client, organiser, create_event, uploads, filename, make, content_type
):
    sid = create_event(organisation_id=organiser).session_id
    data = make()
    response = upload(client, sid, filename, data, title="Bilag 1")
    assert response.status_code == 303, visible_text(response.data)
    (row,) = file_rows(app)
    assert row.content_type == content_type and row.size_bytes == len(data)
    assert stored_files(uploads) == [row.stored_name]
    assert filename.rsplit(".", 1)[0] not in row.stored_name and len(row.stored_name) == 32
    assert (uploads / row.stored_name).read_bytes() == data


def test_the_type_comes_from_the_content_not_the_name(app, client, organiser, create_event, uploads):
    sid = create_event(organisation_id=organiser).session_id
    # A PDF called .docx is a PDF, and downloads as one.
    assert upload(client, sid, "referat.docx", pdf_bytes()).status_code == 303
    (row,) = file_rows(app)
    assert row.content_type == "application/pdf" and row.filename == "referat.pdf"


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


BAD_UPLOADS = [
    pytest.param(
        "Bilag.pdf", b"<!doctype html><script>alert(1)</script>", "men indholdet er ikke en PDF-fil", id="html-as-pdf"
    ),
    pytest.param(
        "Kort.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "men indholdet er ikke en PNG-fil",
        id="svg-as-png",
    ),
    pytest.param("side.html", b"<html><body>hej</body></html>", "Denne type fil kan ikke vedhæftes", id="html"),
    pytest.param(
        "tegning.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Denne type fil kan ikke vedhæftes", id="svg"
    ),
    pytest.param(
        "One-pager.docx", _zip(**{"word/document.xml": b"<w/>"}), "ikke en Word-fil", id="zip-without-content-types"
    ),
    pytest.param("Makro.docx", docm_bytes(), "ikke en Word-fil", id="macro-enabled-word"),
    pytest.param("program.exe", b"MZ\x90\x00" + b"\x00" * 100, "Denne type fil kan ikke vedhæftes", id="exe"),
    pytest.param("tom.pdf", b"", "Filen er tom", id="empty"),
]


@pytest.mark.parametrize("filename, data, message", BAD_UPLOADS)
def test_bad_files_are_refused_in_danish_and_nothing_is_stored(
    app, client, organiser, create_event, uploads, filename, data, message
):
    sid = create_event(organisation_id=organiser).session_id
    response = upload(client, sid, filename, data)
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert "Intet er gemt" in visible_text(response.data)
    assert file_rows(app) == [] and stored_files(uploads) == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(app, client, organiser, create_event, uploads, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    sid = create_event(organisation_id=organiser).session_id
    response = raw_upload(client, sid, "stor.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert "Filen er for stor: højst 1 MB. Intet er gemt." in visible_text(response.data)
    assert file_rows(app) == [] and stored_files(uploads) == []
    # Under the bilag limit but over the site-wide MAX_CONTENT_LENGTH (2 MB) elsewhere: accepted here.
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 5)
    assert raw_upload(client, sid, "stor.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024)).status_code == 303
    (row,) = file_rows(app)
    assert row.size_bytes == 3 * 1024 * 1024 + 9


def test_an_upload_without_the_csrf_token_is_refused(app, client, organiser, create_event, uploads):
    sid = create_event(organisation_id=organiser).session_id
    response = client.post(
        f"/arrangoer/sessioner/{sid}/bilag",
        data={"agenda_item_id": "0", "shown_to": "public", "file": (io.BytesIO(pdf_bytes()), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert file_rows(app) == [] and stored_files(uploads) == []


@pytest.fixture
def meeting_with_bilag(app, client, organiser, create_event, register_person, uploads):
    """A Lederforum with two bilag: one public (on an item), one for participants only."""
    event = create_event(title="Lederforum", organisation_id=organiser, sessions=[{"capacity": 1}, {}])
    sid, other_sid = event.session_ids
    add_item(client, sid, "Faglig ledelse", case_number="S2024-702")
    faglig = item_id(app, sid, "Faglig ledelse")
    upload(
        client,
        sid,
        "Handlerum – faglig ledelse.pdf",
        pdf_bytes("Handlerum"),
        title="Bilag 1. Handlerum – faglig ledelse",
        shown_to="public",
        item_id=faglig,
    )
    upload(client, sid, "one-pager.docx", docx_bytes(), title="Bilag 2. One-pager", shown_to="participants")
    public_file, private_file = file_rows(app)
    return {
        "event": event,
        "public": public_file,
        "private": private_file,
        "participant": register_person(sid, "deltager@example.dk", "Dorthe Deltager"),
        "waiting": register_person(sid, "venter@example.dk", "Vera Venter"),
        "other_session": register_person(other_sid, "anden@example.dk", "Anders Anden"),
    }


def assert_attachment(response, filename: str, content_type: str):
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(filename)}" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_who_may_download_which_bilag(app, meeting_with_bilag):
    world = meeting_with_bilag
    event_id = world["event"].id
    public, private = world["public"], world["private"]
    anyone = app.test_client()

    # The public: the public bilag, and nothing else (the same 404 as for no file at all).
    response = anyone.get(f"/arrangementer/{event_id}/bilag/{public.id}")
    assert_attachment(response, "Handlerum – faglig ledelse.pdf", "application/pdf")
    assert 'filename="Handlerum  faglig ledelse.pdf"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF-")
    response.close()
    assert anyone.get(f"/arrangementer/{event_id}/bilag/{private.id}").status_code == 404
    assert anyone.get(f"/arrangementer/{event_id}/bilag/999999").status_code == 404
    assert anyone.get(f"/arrangementer/{event_id + 1}/bilag/{public.id}").status_code == 404

    # A participant: both, through their personal link.
    token = world["participant"].token
    response = anyone.get(f"/tilmelding/{token}/bilag/{private.id}")
    assert_attachment(response, "one-pager.docx", "application/vnd.openxmlformats")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    response.close()
    response = anyone.get(f"/tilmelding/{token}/bilag/{public.id}")
    assert response.status_code == 200
    response.close()

    # Not participants: on the waiting list, in another session, a forged link.
    for who in ("waiting", "other_session"):
        assert anyone.get(f"/tilmelding/{world[who].token}/bilag/{private.id}").status_code == 404
    assert anyone.get(f"/tilmelding/{token}x/bilag/{private.id}").status_code == 404
    # The public one stays public on the waiting list's personal page.
    response = anyone.get(f"/tilmelding/{world['waiting'].token}/bilag/{public.id}")
    assert response.status_code == 200
    response.close()


def test_pages_list_the_bilag_each_reader_may_see(app, meeting_with_bilag):
    world = meeting_with_bilag
    anyone = app.test_client()
    page = visible_text(anyone.get(f"/arrangementer/{world['event'].id}").data)
    assert "Bilag 1. Handlerum – faglig ledelse" in page and "One-pager" not in page
    page = visible_text(anyone.get(f"/tilmelding/{world['participant'].token}").data)
    assert "Bilag 1. Handlerum – faglig ledelse" in page and "Bilag 2. One-pager" in page
    page = visible_text(anyone.get(f"/tilmelding/{world['waiting'].token}").data)
    assert "One-pager" not in page


def test_the_organiser_changes_who_may_download_and_deletes(app, client, meeting_with_bilag, uploads):
    world = meeting_with_bilag
    private = world["private"]
    sid = private.session_id
    page_url = f"/arrangoer/sessioner/{sid}/dagsorden"
    response = post_action(
        client, page_url, f"/arrangoer/bilag/{private.id}/synlighed", **{f"f{private.id}-shown_to": "public"}
    )
    assert response.status_code == 303
    anyone = app.test_client()
    response = anyone.get(f"/arrangementer/{world['event'].id}/bilag/{private.id}")
    assert response.status_code == 200
    response.close()
    assert len(stored_files(uploads)) == 2
    response = post_action(client, page_url, f"/arrangoer/bilag/{private.id}/slet")
    assert response.status_code == 303
    assert stored_files(uploads) == [world["public"].stored_name]
    assert anyone.get(f"/arrangementer/{world['event'].id}/bilag/{private.id}").status_code == 404
    # Deleting the item deletes its bilag too.
    response = post_action(client, page_url, f"/arrangoer/dagsordenspunkter/{world['public'].agenda_item_id}/slet")
    assert response.status_code == 303
    assert file_rows(app) == [] and stored_files(uploads) == []


def test_the_files_of_an_event_go_with_it_and_only_after_the_commit(app, meeting_with_bilag, uploads):
    from eventsite.events.models import Event

    world = meeting_with_bilag
    with app.test_request_context():
        event = db.session.get(Event, world["event"].id)
        assert delete_files_of_event(event) == 2
        # Not committed yet: the files are still there; a rollback keeps them.
        assert len(stored_files(uploads)) == 2
        db.session.rollback()
    assert len(file_rows(app)) == 2 and len(stored_files(uploads)) == 2
    with app.test_request_context():
        event = db.session.get(Event, world["event"].id)
        delete_files_of_event(event)
        db.session.commit()
        assert db.session.scalars(select(MeetingFile)).all() == []
    assert stored_files(uploads) == []


def test_an_upload_rolled_back_leaves_no_file_behind(app, create_event, uploads):
    from eventsite.events.models import EventSession
    from eventsite.meetings.files import attach_file
    from eventsite.meetings.models import ShownTo

    sid = create_event().session_id
    with app.test_request_context():
        session = db.session.get(EventSession, sid)
        attach_file(session, title="x", filename="x.pdf", data=pdf_bytes(), shown_to=ShownTo.PUBLIC)
        assert len(stored_files(uploads)) == 1
        db.session.rollback()
    assert stored_files(uploads) == []


def test_deleting_a_session_deletes_its_agenda_and_bilag(app, client, organiser, create_event, uploads):
    event = create_event(organisation_id=organiser, sessions=[{}, {}])
    sid = event.session_ids[1]
    add_item(client, sid, "Punkt")
    upload(client, sid, "a.pdf", pdf_bytes(), item_id=item_id(app, sid, "Punkt"))
    upload(client, sid, "b.pdf", pdf_bytes())
    assert len(stored_files(uploads)) == 2
    response = post_action(client, f"/arrangoer/arrangementer/{event.id}", f"/arrangoer/sessioner/{sid}/slet")
    assert response.status_code == 303
    assert file_rows(app) == [] and stored_files(uploads) == []
    assert items_of(app, sid) == []
