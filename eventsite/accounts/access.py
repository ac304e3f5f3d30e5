"""Who may see what in the back office (/arrangoer): the access API every organiser view uses.

Rules
-----
* Every URL of the ``organiser`` blueprint requires login. A ``before_request`` hook
  redirects anonymous visitors to the login page before any view runs; only views
  decorated with :func:`public` (the login page) are exempt.
* A view must declare who may use it with exactly one of :func:`public`,
  :func:`login_required` (any logged-in account: logout, password change) or
  :func:`role_required`. A view without a declaration answers 404 to everybody, so a
  forgotten decorator fails closed (and ``tests/organiser/test_access_rules.py`` fails).
* Roles are per organisation (``Role.ADMIN``, ``Role.ORGANISER``, ``Role.CHECKIN``). An
  administrator qualifies wherever any role is accepted. ``role_required()`` without
  arguments means ``STAFF_ROLES`` (admin, organiser). Check-in screens use
  ``role_required(*CHECKIN_ROLES)``, and their endpoints are named ``checkin*``
  (e.g. ``organiser.checkin_session``): the access-rule test treats exactly those
  endpoints as the ones a check-in helper may reach.
* The *current organisation*: an account with roles in several organisations chooses one
  in the header (``choose_organisation``, kept in the login session); lists show
  ``listed_organisation_ids()``, the current one's objects. Roles and loaders are not
  narrowed by it: a link to another of the account's organisations' objects still works.
* Objects are loaded with the ``*_for_current_user_or_404`` loaders. They answer 404
  (never 403, never a hint that the object exists) for anything outside the user's
  organisations or outside the roles accepted. Called without roles, a loader uses the
  roles the current view declared with ``role_required`` (falling back to STAFF_ROLES).

Example (an attendance view)::

    from eventsite.accounts.access import CHECKIN_ROLES, bp, role_required
    from eventsite.events.access import session_for_current_user_or_404

    @bp.get("/sessioner/<int:session_id>/indtjekning")
    @role_required(*CHECKIN_ROLES)
    def checkin_session(session_id: int):
        session = session_for_current_user_or_404(session_id)   # roles from the decorator
        ...

New view modules are imported by ``VIEW_MODULES`` in ``eventsite/organiser/__init__.py``.
Loaders for the areas' own objects live with them: ``eventsite.events.access`` (events,
sessions, venues, programme items), ``eventsite.registration.access`` (registrations).
``tests/organiser/test_access_rules.py`` walks the URL map and checks every route of this
blueprint (anonymous, another organisation's staff, a check-in helper); a route with a URL
parameter it does not know makes it fail until the parameter is added to its PARAMETERS.
Test fixtures for accounts: ``create_user`` and ``login_as`` in ``tests/organiser/conftest.py``.
Templates extend ``organiser/layout.html``. Endpoints the login flow redirects to:
``HOME_ENDPOINT`` (the dashboard) and ``CHECKIN_HOME_ENDPOINT`` for check-in helpers; if
they do not exist (yet), ``organiser.index`` falls back to the event list.
"""

from __future__ import annotations

import functools
from typing import Callable, Iterable

from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from eventsite.accounts.models import Membership, Organisation, Role, User
from eventsite.db import utcnow
from eventsite.extensions import db

bp = Blueprint("organiser", __name__, url_prefix="/arrangoer")

STAFF_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.ORGANISER)
CHECKIN_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.ORGANISER, Role.CHECKIN)
ADMIN_ROLES: tuple[Role, ...] = (Role.ADMIN,)

#: Where organiser.index sends staff and check-in helpers (set up by the attendance views).
HOME_ENDPOINT = "organiser.dashboard"
CHECKIN_HOME_ENDPOINT = "organiser.checkin_home"
#: Fallback home while the dashboard does not exist.
EVENTS_ENDPOINT = "organiser.events"

_ACCESS_ATTR = "_organiser_access"
#: Session key with the login time (POSIX seconds); logins expire after ORGANISER_SESSION_HOURS.
LOGIN_TIME_KEY = "organiser_login_at"


def _as_roles(roles: Iterable[Role | str]) -> tuple[Role, ...]:
    return tuple(Role(r) for r in roles)


# --- declarations ----------------------------------------------------------------


def public(view: Callable) -> Callable:
    """Mark a view as reachable without login (only the login page)."""
    setattr(view, _ACCESS_ATTR, "public")
    return view


def login_required(view: Callable) -> Callable:
    """Any logged-in account may use this view (account pages, logout)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _to_login()
        return view(*args, **kwargs)

    setattr(wrapper, _ACCESS_ATTR, "login")
    return wrapper


def role_required(*roles: Role | str) -> Callable[[Callable], Callable]:
    """Only users holding one of these roles in some organisation (admin always does)."""
    accepted = _as_roles(roles) or STAFF_ROLES

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            if not current_organisation_ids(*accepted):
                abort(404)
            g.organiser_roles = accepted
            return view(*args, **kwargs)

        setattr(wrapper, _ACCESS_ATTR, accepted)
        return wrapper

    return decorator


# --- the current user's organisations ---------------------------------------------


def _roles_by_organisation() -> dict[int, Role]:
    if not current_user.is_authenticated:
        return {}
    if "organiser_role_map" not in g:
        rows = db.session.execute(
            select(Membership.organisation_id, Membership.role).where(Membership.user_id == current_user.id)
        ).all()
        g.organiser_role_map = {org_id: role for org_id, role in rows}
    return g.organiser_role_map


def _effective_roles(roles: tuple[Role | str, ...]) -> tuple[Role, ...]:
    if roles:
        return _as_roles(roles)
    return g.get("organiser_roles", STAFF_ROLES)


def has_role(organisation_id: int, *roles: Role | str) -> bool:
    """Does the current user hold one of these roles (or admin) in this organisation?"""
    accepted = _effective_roles(roles)
    role = _roles_by_organisation().get(organisation_id)
    return role is not None and (role is Role.ADMIN or role in accepted)


def current_organisation_ids(*roles: Role | str) -> list[int]:
    """Ids of the organisations where the current user holds one of the roles."""
    return sorted(org_id for org_id in _roles_by_organisation() if has_role(org_id, *(roles or STAFF_ROLES)))


def current_organisations(*roles: Role | str) -> list[Organisation]:
    """The organisations where the current user holds one of the roles (default: staff), by name."""
    ids = set(current_organisation_ids(*roles))
    return [organisation for organisation in _organisations_of_account() if organisation.id in ids]


def _organisations_of_account() -> list[Organisation]:
    """Every organisation where the account has a role, by name; loaded once per request."""
    ids = list(_roles_by_organisation())
    if not ids:
        return []
    if "organiser_organisations" not in g:
        g.organiser_organisations = list(
            db.session.execute(
                select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
            ).scalars()
        )
    return g.organiser_organisations  # type: ignore[no-any-return]


# --- the current organisation (an account with roles in several chooses one) ----------

#: Session key with the id of the organisation the back office's lists show; set by the
#: switcher in the header (eventsite.organiser.organisation_views), checked on every read.
ORGANISATION_KEY = "organiser_organisation"


def organisation_choices() -> list[Organisation]:
    """Every organisation where the account holds any role (the switcher's options), by name."""
    return current_organisations(*CHECKIN_ROLES)


def current_organisation_id() -> int | None:
    """The organisation the back office shows now.

    The one chosen in the switcher while the account still holds a role there; otherwise
    the first (by id) where it is staff, else the first where it has any role.
    """
    roles = _roles_by_organisation()
    if not roles:
        return None
    chosen = session.get(ORGANISATION_KEY)
    if isinstance(chosen, int) and chosen in roles:
        return chosen
    staff = [org_id for org_id in sorted(roles) if has_role(org_id, *STAFF_ROLES)]
    return (staff or sorted(roles))[0]


def current_organisation() -> Organisation | None:
    org_id = current_organisation_id()
    return db.session.get(Organisation, org_id) if org_id is not None else None


def choose_organisation(organisation_id: int) -> bool:
    """Make this the current organisation; False (nothing changes) if the account has no role there."""
    if organisation_id not in _roles_by_organisation():
        return False
    session[ORGANISATION_KEY] = organisation_id
    return True


def listed_organisation_ids(*roles: Role | str) -> list[int]:
    """The organisations whose objects a back-office list shows: the current one, if the
    account holds one of the roles (default: staff) there; else none.

    Access to a single object (the ``*_or_404`` loaders) still follows every organisation
    where the account holds a role: a link to another of its organisations' events works.
    """
    org_id = current_organisation_id()
    return [org_id] if org_id is not None and has_role(org_id, *(roles or STAFF_ROLES)) else []


def is_admin_anywhere() -> bool:
    return bool(current_organisation_ids(*ADMIN_ROLES))


def is_staff_anywhere() -> bool:
    return bool(current_organisation_ids(*STAFF_ROLES))


# --- loaders: 404 for anything outside the user's organisations ----------------------


def organisation_for_current_user_or_404(organisation_id: int | None, *roles: Role | str) -> Organisation:
    if organisation_id is None or not has_role(organisation_id, *roles):
        abort(404)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def user_for_current_admin_or_404(user_id: int) -> User:
    """An account that is a member of an organisation the current user administers."""
    user = db.session.get(User, user_id)
    if user is None or not any(has_role(m.organisation_id, *ADMIN_ROLES) for m in user.memberships):
        abort(404)
    return user


# --- the blueprint-wide guard -----------------------------------------------------


def safe_next_url(value: str | None) -> str | None:
    """Only local back-office paths are followed after login (no open redirect)."""
    if not value or not value.startswith(bp.url_prefix + "/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        return None  # a control character (NUL, CR, LF) has no place in a path or a Location header
    return value


def _to_login():
    target = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("organiser.login", next=target.rstrip("?")))


@bp.before_request
def _require_login_everywhere():
    view = current_app.view_functions.get(request.endpoint or "")
    declared = getattr(view, _ACCESS_ATTR, None)
    if declared == "public":
        return None
    if current_user.is_authenticated:
        started = session.get(LOGIN_TIME_KEY)
        max_age = current_app.config.get("ORGANISER_SESSION_HOURS", 12) * 3600
        if started is None or utcnow().timestamp() - float(started) > max_age:
            logout_user()
            session.pop(LOGIN_TIME_KEY, None)
    if not current_user.is_authenticated:
        return _to_login()
    if declared is None:
        # A view that declares no access rule is closed to everybody.
        abort(404)
    return None


@bp.after_request
def _no_caching(response):
    # Participant data must not linger in shared browsers' or proxies' caches.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.context_processor
def _access_context():
    return {
        "is_admin_anywhere": is_admin_anywhere,
        "is_staff_anywhere": is_staff_anywhere,
        "has_role": has_role,
        "Role": Role,
        "current_organisation_id": current_organisation_id,
        "organisation_choices": organisation_choices,
    }
