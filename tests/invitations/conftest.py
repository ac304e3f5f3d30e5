"""Fixtures for the member directory and invitations: members, files, rounds."""

from __future__ import annotations

import uuid

import pytest

from eventsite.extensions import db

HEADER = "Navn;E-mail;Medlemsnummer;Stilling;Niveau;Arbejdsplads;Kommune;Region;Tags"


@pytest.fixture
def create_member(app):
    """Add a member to an organisation's directory; returns the member id."""

    def _create(organisation_id: int, name: str = "Mette Hansen", email: str | None = None, **fields) -> int:
        from eventsite.invitations.directory import MemberData
        from eventsite.invitations.directory import create_member as create
        from eventsite.invitations.models import JobLevel

        email = email or f"{uuid.uuid4().hex[:8]}@kommune.dk"
        if isinstance(fields.get("job_level"), str):
            fields["job_level"] = JobLevel(fields["job_level"])
        with app.test_request_context():
            member = create(organisation_id, MemberData(name=name, email=email, **fields))
            db.session.commit()
            return member.id

    return _create


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    """A CSV file as a membership system (or Danish Excel) would write it."""
    return (newline.join((header, *rows)) + newline).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    """An XLSX workbook with the rows on its first sheet."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


from tests.mail.conftest import deliver, smtp  # noqa: E402,F401  (a real SMTP server and the worker)


@pytest.fixture
def send_round(app):
    """Send a round through the domain function (as the view does) and commit; returns its id."""

    def _send(event_id: int, key: str | None = None, **spec_fields) -> int:
        from eventsite.invitations.audience import AudienceSpec
        from eventsite.invitations.sending import send_round as send

        with app.test_request_context(method="POST"):
            result = send(event_id, AudienceSpec(**spec_fields), key or uuid.uuid4().hex)
            db.session.commit()
            return result.round.id

    return _send


def invitation_tokens(app, round_id: int) -> dict[str, str]:
    """member e-mail -> personal token, for every invitation of a round."""
    from sqlalchemy import select

    from eventsite.invitations.models import Invitation
    from eventsite.invitations.tokens import invitation_token

    with app.test_request_context():
        invitations = db.session.execute(select(Invitation).where(Invitation.round_id == round_id)).scalars()
        return {inv.member.email: invitation_token(inv) for inv in invitations}
