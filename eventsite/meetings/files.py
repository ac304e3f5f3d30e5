"""Bilag: files attached to a meeting or an agenda item.

The type is read from the content, never from the name: PDF, PNG and JPEG by their
signatures; DOCX, XLSX and PPTX by opening the zip and finding the main part that
[Content_Types].xml declares. Anything else (HTML, SVG, a script, a macro-enabled
Office file, a renamed zip) is refused with a message and nothing is stored.

Files live under EVENTSITE_UPLOAD_DIR (default `<instance>/uploads`) with random
names. A file is written when its row is added and removed again if the transaction
rolls back; a deleted row's file is removed only once the deletion is committed, so
the disk and the table agree whichever way a request ends.
"""

from __future__ import annotations

import os
import secrets
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Iterable
from xml.etree import ElementTree

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventsite.audit import record_audit
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.meetings.models import TITLE_MAX, AgendaItem, MeetingFile, ShownTo
from eventsite.web import UserError


class FileRefused(UserError):
    """An upload that is not stored, with the reason in Danish."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    #: For the refusal message: "PDF", "Word" ...
    name: str


PDF = FileType("application/pdf", ".pdf", "PDF")
PNG = FileType("image/png", ".png", "PNG")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "PowerPoint")

#: The main part's content type in [Content_Types].xml, for each Office type (macro-
#: enabled variants have other content types and are not among them).
_OFFICE_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_BY_EXTENSION = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
}
#: [Content_Types].xml is a few kilobytes; more is not an Office file (or a zip bomb).
_CONTENT_TYPES_MAX = 256 * 1024
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _office_type(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            root = ElementTree.fromstring(archive.read(info))
            names = set(archive.namelist())
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, RuntimeError, NotImplementedError, OSError):
        return None
    if root.tag != f"{_CT_NS}Types":
        return None
    found: set[FileType] = set()
    for override in root.iter(f"{_CT_NS}Override"):
        kind = _OFFICE_MAIN_PARTS.get(override.get("ContentType", ""))
        part = override.get("PartName", "").lstrip("/")
        if kind is not None and part in names:
            found.add(kind)
    return found.pop() if len(found) == 1 else None


def detect_type(data: bytes) -> FileType | None:
    """The file's type from its content, or None if it is none of the accepted ones."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


ACCEPTED = _l("PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG or JPEG")


def check_upload(filename: str, data: bytes, max_bytes: int) -> FileType:
    """The accepted type of an upload, or FileRefused saying why not."""
    if not data:
        raise FileRefused(_l("The file is empty. Nothing was stored."), "file")
    if len(data) > max_bytes:
        raise FileRefused(
            _l("The file is too large: at most %(max)d MB. Nothing was stored.", max=max_bytes // (1024 * 1024)),
            "file",
        )
    found = detect_type(data)
    claimed = _BY_EXTENSION.get(os.path.splitext(filename.lower())[1])
    if found is None:
        if claimed is not None:
            raise FileRefused(
                _l(
                    "The file is called %(name)s, but its content is not a %(kind)s file."
                    " Nothing was stored. Accepted: %(accepted)s.",
                    name=filename,
                    kind=claimed.name,
                    accepted=ACCEPTED,
                ),
                "file",
            )
        raise FileRefused(
            _l("This kind of file cannot be attached. Nothing was stored. Accepted: %(accepted)s.", accepted=ACCEPTED),
            "file",
        )
    return found


def download_name(filename: str, kind: FileType) -> str:
    """The uploaded name, with the extension of what the file really is."""
    base = os.path.splitext(os.path.basename(filename.replace("\\", "/")))[0].strip() or "bilag"
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"/\\')[:150] or "bilag"
    return base + kind.extension


# --- storage --------------------------------------------------------------------------------

_WRITTEN = "eventsite.meetings.written"
_UNLINK = "eventsite.meetings.unlink"


def upload_dir() -> str:
    """EVENTSITE_UPLOAD_DIR, else the instance folder's uploads/ (made when first needed)."""
    configured = current_app.config.get("UPLOAD_DIR")
    return configured or os.path.join(current_app.instance_path, "uploads")


def stored_path(file: MeetingFile) -> str:
    """Where a bilag's bytes are: a random hex name in the upload folder, nothing typed by a user."""
    if not file.stored_name.isalnum():
        raise ValueError("stored_name must be the random hex name")
    return os.path.join(upload_dir(), file.stored_name)


def _session_info(key: str) -> list[str]:
    info: dict[str, Any] = db.session.info
    paths: list[str] = info.setdefault(key, [])
    return paths


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_UNLINK, []):
        _remove(path)


@sa_event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: Any) -> None:
    if session.in_transaction():
        return  # a savepoint or an inner transaction: the outer one decides
    session.info.pop(_UNLINK, None)
    for path in session.info.pop(_WRITTEN, []):
        _remove(path)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _write(data: bytes) -> str:
    directory = upload_dir()
    os.makedirs(directory, mode=0o700, exist_ok=True)
    name = secrets.token_hex(16)
    path = os.path.join(directory, name)
    # O_EXCL: a name that exists (it will not, at 128 random bits) is never overwritten.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    _session_info(_WRITTEN).append(path)
    return name


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def attach_file(
    session: EventSession,
    *,
    title: str,
    filename: str,
    data: bytes,
    shown_to: ShownTo,
    agenda_item: AgendaItem | None = None,
    uploaded_by_id: int | None = None,
) -> MeetingFile:
    """Check and store an upload as a bilag of the session (or of one of its items). Flushes."""
    kind = check_upload(filename, data, max_upload_bytes())
    title = title.strip() or os.path.splitext(download_name(filename, kind))[0]
    if len(title) > TITLE_MAX:
        raise FileRefused(_l("At most %(max)d characters.", max=TITLE_MAX), "title")
    if agenda_item is not None and agenda_item.session_id != session.id:
        raise FileRefused(_l("The agenda item belongs to another meeting."), "agenda_item_id")
    position = (
        db.session.scalar(select(func.max(MeetingFile.position)).where(MeetingFile.session_id == session.id)) or 0
    ) + 1
    file = MeetingFile(
        session_id=session.id,
        agenda_item_id=agenda_item.id if agenda_item else None,
        position=position,
        title=title,
        filename=download_name(filename, kind),
        stored_name=_write(data),
        content_type=kind.content_type,
        size_bytes=len(data),
        shown_to=shown_to,
        uploaded_by_id=uploaded_by_id,
    )
    db.session.add(file)
    db.session.flush()
    record_audit(
        session.event.organisation_id,
        "meeting_file",
        file.id,
        "created",
        after={
            "session_id": session.id,
            "agenda_item_id": file.agenda_item_id,
            "title": file.title,
            "content_type": file.content_type,
            "size_bytes": file.size_bytes,
            "shown_to": shown_to.value,
        },
    )
    return file


def set_shown_to(file: MeetingFile, shown_to: ShownTo) -> bool:
    if file.shown_to is shown_to:
        return False
    before = file.shown_to
    file.shown_to = shown_to
    db.session.flush()
    record_audit(
        file.session.event.organisation_id,
        "meeting_file",
        file.id,
        "updated",
        before={"shown_to": before.value},
        after={"shown_to": shown_to.value},
    )
    return True


def delete_file(file: MeetingFile, *, audit: bool = True) -> None:
    """Delete a bilag's row now and its bytes once the deletion is committed."""
    if audit:
        record_audit(
            file.session.event.organisation_id,
            "meeting_file",
            file.id,
            "deleted",
            before={"session_id": file.session_id, "title": file.title, "content_type": file.content_type},
        )
    _session_info(_UNLINK).append(stored_path(file))
    db.session.delete(file)
    db.session.flush()


def files_of_items(item_ids: Iterable[int]) -> list[MeetingFile]:
    ids = list(item_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(MeetingFile).where(MeetingFile.agenda_item_id.in_(ids))))


def files_of_session(session: EventSession) -> list[MeetingFile]:
    """The session's bilag in order (meeting-level and per item)."""
    return list(
        db.session.scalars(
            select(MeetingFile)
            .where(MeetingFile.session_id == session.id)
            .order_by(MeetingFile.position, MeetingFile.id)
        )
    )


def delete_files_of_session(session: EventSession) -> int:
    """Delete a session's bilag (rows now, bytes after the commit); returns how many."""
    found = files_of_session(session)
    for file in found:
        delete_file(file, audit=False)
    return len(found)


def delete_files_of_event(event: Event) -> int:
    """Delete every bilag of the event's sessions, for the event's deletion or retention.

    Rows go in the current transaction, the bytes once it commits. Returns how many.
    """
    count = sum(delete_files_of_session(session) for session in event.sessions)
    if count:
        record_audit(event.organisation_id, "event", event.id, "files_deleted", after={"files": count})
    return count
