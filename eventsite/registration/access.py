"""Back-office loader for registrations: 404 outside the user's organisations.

The rules are eventsite.accounts.access's (read its docstring).
"""

from __future__ import annotations

from flask import abort

from eventsite.accounts.access import has_role
from eventsite.accounts.models import Role
from eventsite.extensions import db
from eventsite.registration.models import Registration


def registration_for_current_user_or_404(registration_id: int, *roles: Role | str) -> Registration:
    """The registration, if its event belongs to one of the user's organisations (with a role)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not has_role(registration.event.organisation_id, *roles):
        abort(404)
    return registration
