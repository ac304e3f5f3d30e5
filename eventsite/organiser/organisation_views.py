"""The header's organisation switcher: an account with roles in several organisations chooses
which one the back office's lists show (kept in the login session, eventsite.accounts.access)."""

from __future__ import annotations

from flask import abort, redirect

from eventsite.accounts.access import bp, choose_organisation, login_required, safe_next_url
from eventsite.organiser.forms import OrganisationSwitchForm
from eventsite.organiser.login_session import home_url
from eventsite.web import writes


@bp.post("/organisation")
@writes()
@login_required
def switch_organisation():
    form = OrganisationSwitchForm()
    if not form.validate():
        abort(400)
    # Another organisation's id (a tampered form) answers as a missing one: nothing changes.
    if form.organisation_id.data is None or not choose_organisation(form.organisation_id.data):
        abort(404)
    return redirect(safe_next_url(form.next.data) or home_url(), code=303)
