"""A checked file kept until the organiser confirms: checking against the directory,
storing the preview (a MemberImport row) and loading it back. Flushes, never commits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from eventsite.clock import local_today
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.invitations.importing.checks import Directory, check_data, match_directory
from eventsite.invitations.importing.report import Preview
from eventsite.invitations.models import Member, MemberImport, new_import_token

#: How long an unconfirmed preview is kept.
PREVIEW_LIFETIME = timedelta(days=1)


def check_file(organisation_id: int, filename: str, data: bytes) -> Preview:
    """Read and check an uploaded file against the directory; saves nothing."""
    preview = check_data(filename, data, local_today())
    if not preview.fatal:
        match_directory(preview, load_directory(organisation_id))
    return preview


def load_directory(organisation_id: int) -> Directory:
    """The organisation's members, as matching a file needs them."""
    rows = db.session.execute(
        select(Member.id, Member.email, Member.member_number, Member.name).where(
            Member.organisation_id == organisation_id
        )
    ).all()
    return Directory(
        by_email={email: (mid, number) for mid, email, number, _name in rows},
        by_number={number: mid for mid, _email, number, _name in rows if number},
        names={mid: name for mid, _email, _number, name in rows},
    )


def store_preview(organisation_id: int, preview: Preview, user_id: int | None = None) -> MemberImport:
    """Keep a checked file until the organiser confirms; old previews are removed."""
    db.session.execute(delete(MemberImport).where(MemberImport.created_at < utcnow() - PREVIEW_LIFETIME))
    stored = MemberImport(
        token=new_import_token(),
        organisation_id=organisation_id,
        user_id=user_id,
        filename=preview.filename[:255],
        payload=preview.to_json(),
        created_at=utcnow(),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def load_preview(organisation_id: int, token: str) -> tuple[MemberImport, Preview] | None:
    """A stored preview of this organisation that has not expired, or None."""
    stored = db.session.execute(
        select(MemberImport).where(MemberImport.token == token, MemberImport.organisation_id == organisation_id)
    ).scalar_one_or_none()
    if stored is None or stored.created_at < utcnow() - PREVIEW_LIFETIME:
        return None
    return stored, Preview.from_json(stored.payload)
