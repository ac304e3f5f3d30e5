"""Public and personal downloads: bilag and the agenda PDF.

A bilag marked public opens to anyone who can see the event; a participants-only
bilag only through a participant's personal manage link (404 to everyone else, the
same answer as for a file that does not exist). Every file is sent as an attachment
that no browser or proxy keeps, and never sniffed into HTML.
"""

from __future__ import annotations

import os
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, abort, send_file

from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.meetings.display import AgendaView, is_participant, participant_view, public_view
from eventsite.meetings.files import stored_path
from eventsite.meetings.models import MeetingFile, ShownTo
from eventsite.meetings.pdf import agenda_pdf, pdf_filename
from eventsite.registration.pages import visible_event_or_404
from eventsite.registration.tokens import registration_or_abort

bp = Blueprint("meetings", __name__)


def send_bilag(file: MeetingFile) -> Response:
    """The file as a download: attachment (RFC 5987 name), no-store, nosniff."""
    path = stored_path(file)
    if not os.path.exists(path):
        abort(404)
    response = send_file(
        path,
        mimetype=file.content_type,
        as_attachment=True,
        download_name=file.filename,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["Content-Disposition"] = content_disposition(file.filename)
    return _private(response)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one per RFC 5987 (filename*)."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch for ch in fallback if ch.isprintable() and ch not in '"\\;') or "bilag"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def send_agenda_pdf(view: AgendaView) -> Response:
    response = Response(agenda_pdf(view), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(pdf_filename(view.session))
    return _private(response)


@bp.get("/arrangementer/<int:event_id>/bilag/<int:file_id>")
def public_file(event_id: int, file_id: int) -> Response:
    event = visible_event_or_404(event_id)
    file = db.session.get(MeetingFile, file_id)
    if file is None or file.session.event_id != event.id or file.shown_to is not ShownTo.PUBLIC:
        abort(404)
    return send_bilag(file)


@bp.get("/tilmelding/<token>/bilag/<int:file_id>")
def participant_file(token: str, file_id: int) -> Response:
    registration = registration_or_abort(token, utcnow())
    file = db.session.get(MeetingFile, file_id)
    if file is None or file.session_id != registration.session_id:
        abort(404)
    if file.shown_to is not ShownTo.PUBLIC and not is_participant(registration, registration.session):
        abort(404)
    return send_bilag(file)


@bp.get("/arrangementer/<int:event_id>/sessioner/<int:session_id>/dagsorden.pdf")
def public_agenda_pdf(event_id: int, session_id: int) -> Response:
    event = visible_event_or_404(event_id)
    session = next((s for s in event.sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    view = public_view(session)
    if not view.items:
        abort(404)
    return send_agenda_pdf(view)


@bp.get("/tilmelding/<token>/dagsorden.pdf")
def participant_agenda_pdf(token: str) -> Response:
    registration = registration_or_abort(token, utcnow())
    view = participant_view(registration, token=token)
    if not view.items:
        abort(404)
    return send_agenda_pdf(view)
