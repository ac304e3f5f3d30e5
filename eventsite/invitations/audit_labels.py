"""The change log's words for the member directory and invitation rounds (eventsite.audit)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.audit import add_audit_labels, add_object_names
from eventsite.extensions import db
from eventsite.invitations.models import JOB_LEVEL_LABELS, Member


def member_names(ids: list[int]) -> dict[int, str]:
    return dict(db.session.execute(select(Member.id, Member.name).where(Member.id.in_(ids))).tuples().all())


def init_app(app: Flask) -> None:
    add_audit_labels(
        app,
        object_types={
            "member": _l("Member"),
            "member_import": _l("Member import"),
            "invitation_round": _l("Invitation round"),
        },
        fields={
            "member_number": _l("Member number"),
            "job_level": _l("Job level"),
            "region": _l("Region"),
            "opted_out_at": _l("Declined invitations"),
            "tags": _l("Tags"),
            "recipients": _l("Recipients"),
            "audience": _l("Audience"),
        },
        values={"job_level": {level.value: label for level, label in JOB_LEVEL_LABELS.items()}},
    )
    add_object_names(app, "member", member_names)
