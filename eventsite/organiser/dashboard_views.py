"""The back office's front page (/arrangoer/oversigt): figures across the user's organisations."""

from __future__ import annotations

from flask import render_template

from eventsite.accounts.access import bp, current_organisations, listed_organisation_ids, role_required
from eventsite.attendance.exports import short_when_formatter
from eventsite.attendance.views import url_for_each
from eventsite.organiser.dashboard import JobLevel, build_dashboard


@bp.get("/oversigt")
@role_required()
def dashboard():
    listed = listed_organisation_ids()
    organisations = [o for o in current_organisations() if o.id in listed]
    figures = build_dashboard([o.id for o in organisations])
    urls = {
        endpoint: url_for_each(f"organiser.{endpoint}", argument)
        for endpoint, argument in (
            ("participants_event", "event_id"),
            ("participants_session", "session_id"),
            ("checkin_session", "session_id"),
            ("export", "event_id"),
        )
    }
    return render_template(
        "organiser/dashboard.html",
        dashboard=figures,
        organisation_names={o.id: o.name for o in organisations},
        short_when=short_when_formatter(),
        level_labels={level: level.label for level in JobLevel},
        urls=urls,
    )
