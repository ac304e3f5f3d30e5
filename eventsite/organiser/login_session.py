"""Starting a back-office login: the fresh session, the half-logged-in state of the second step, home.

After a right password an account that uses a second factor is only *half* logged
in: the session holds `PENDING_KEY` (the account, its session token, the time), which
only the second-step views (eventsite.organiser.second_factor_views) accept and which
grants nothing else. It lapses after `PENDING_MINUTES`, and with any change of the
account's session token (logout elsewhere, new password, closed account).
"""

from __future__ import annotations

from flask import Response, current_app, redirect, session, url_for
from flask_login import login_user

from eventsite.accounts import second_factor
from eventsite.accounts.access import (
    CHECKIN_HOME_ENDPOINT,
    EVENTS_ENDPOINT,
    HOME_ENDPOINT,
    LOGIN_TIME_KEY,
    is_staff_anywhere,
    safe_next_url,
)
from eventsite.accounts.logins import record_login
from eventsite.accounts.models import User
from eventsite.db import utcnow
from eventsite.extensions import db


def home_url() -> str:
    endpoints = current_app.view_functions
    if is_staff_anywhere():
        return url_for(HOME_ENDPOINT if HOME_ENDPOINT in endpoints else EVENTS_ENDPOINT)
    if CHECKIN_HOME_ENDPOINT in endpoints:
        return url_for(CHECKIN_HOME_ENDPOINT)
    return url_for("organiser.password")


def start_login_session(user: User) -> None:
    # A fresh session: nothing from before the login (a planted or shared cookie) carries over.
    session.clear()
    record_login(user)
    login_user(user)
    session[LOGIN_TIME_KEY] = utcnow().timestamp()


PENDING_KEY = "organiser_pending_login"
PENDING_MINUTES = 10


def continue_login(user: User, next_url: str | None) -> Response:
    """After the password (or an invitation): log in, or ask for the second factor first."""
    if not second_factor.asked_of(user):
        start_login_session(user)
        return redirect(safe_next_url(next_url) or home_url(), code=303)
    session.clear()
    session[PENDING_KEY] = {
        "user": user.id,
        "token": user.session_token,
        "at": utcnow().timestamp(),
        "next": safe_next_url(next_url) or "",
    }
    return redirect(url_for("organiser.login_code" if user.has_second_factor else "organiser.login_enrol"), code=303)


def pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        user = db.session.get(User, int(pending["user"]))
        fresh = utcnow().timestamp() - float(pending["at"]) < PENDING_MINUTES * 60
    except (KeyError, TypeError, ValueError):
        return None
    if user is None or not user.active or not fresh or user.session_token != pending.get("token"):
        return None
    return user
