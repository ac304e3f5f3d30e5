"""Fixtures for meetings: an upload folder per test, real sample files of each type, an
organiser's meeting with an agenda built through the back office's forms."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.meetings.models import AgendaItem, MeetingFile
from tests.helpers import csrf_token
from tests.mail.conftest import deliver, smtp  # noqa: F401  (fixtures)


@pytest.fixture
def uploads(app, monkeypatch, tmp_path):
    """EVENTSITE_UPLOAD_DIR for this test: an empty folder of its own."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    return folder


def stored_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def pdf_bytes(text: str = "Handlerum") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def _ooxml(main_part: str, main_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml naming its main part."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(main_part, "<root/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _ooxml(
        "word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )


def docm_bytes() -> bytes:
    """A macro-enabled Word file: not among the accepted types."""
    return _ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")


def pptx_bytes() -> bytes:
    return _ooxml(
        "ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    )


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Budget"
    workbook.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make("bilag").save(buffer, kind="png")
    return buffer.getvalue()


#: The smallest JPEG header start, with enough after it to be a file.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def upload(
    client,
    session_id: int,
    filename: str,
    data: bytes,
    *,
    title: str = "",
    shown_to: str = "participants",
    item_id: int = 0,
):
    """Post the back office's upload form, as the browser does."""
    page = client.get(f"/arrangoer/sessioner/{session_id}/dagsorden")
    return client.post(
        f"/arrangoer/sessioner/{session_id}/bilag",
        data={
            "csrf_token": csrf_token(page.data),
            "title": title,
            "agenda_item_id": str(item_id),
            "shown_to": shown_to,
            "file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


def raw_upload(client, session_id: int, filename: str, data: bytes, *, shown_to: str = "participants"):
    """The upload form posted as one encoded body: the test client spools a large
    multipart body built from a dict to a temporary file it never closes (a
    ResourceWarning); a browser sends just these bytes."""
    page = client.get(f"/arrangoer/sessioner/{session_id}/dagsorden")
    boundary = "----eventsite-test-boundary"
    fields = {"csrf_token": csrf_token(page.data), "title": "", "agenda_item_id": "0", "shown_to": shown_to}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        f"/arrangoer/sessioner/{session_id}/bilag",
        input_stream=io.BytesIO(body),
        content_length=len(body),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def add_item(client, session_id: int, title: str, *, under: int | None = None, **fields):
    """Post the "new agenda item" form; returns the response."""
    url = f"/arrangoer/sessioner/{session_id}/dagsorden/nyt-punkt" + (f"?under={under}" if under else "")
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.data), "title": title, "kind": "orientering"}
    data.update(fields)
    return client.post(url, data=data)


def items_of(app, session_id: int) -> list[AgendaItem]:
    with app.app_context():
        return list(db.session.scalars(select(AgendaItem).where(AgendaItem.session_id == session_id)))


def item_id(app, session_id: int, title: str) -> int:
    return next(i.id for i in items_of(app, session_id) if i.title == title)


def file_rows(app) -> list[MeetingFile]:
    with app.app_context():
        return list(db.session.scalars(select(MeetingFile).order_by(MeetingFile.id)))


def post_action(client, page_url: str, action_url: str, **data):
    page = client.get(page_url)
    return client.post(action_url, data={"csrf_token": csrf_token(page.data), **data})
