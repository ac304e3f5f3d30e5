"""The second step of the login (a TOTP or recovery code), enrolment, and one's own recovery codes.

The half-logged-in state these views accept is described in eventsite.organiser.login_session.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from eventsite import limits
from eventsite.accounts import logins as accounts
from eventsite.accounts import second_factor
from eventsite.accounts.access import bp, login_required, public, safe_next_url
from eventsite.accounts.models import FailedLogin, User
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.organiser.forms import RecoveryCodesForm, SecondFactorCodeForm
from eventsite.organiser.login_session import PENDING_KEY, home_url, pending_user, start_login_session
from eventsite.web import discard, keep_changes, refuse, writes

#: Set right after enrolment (or a request for new codes): the codes page may show new codes once.
SHOW_CODES_KEY = "organiser_show_recovery_codes"


def _finish_login(user: User) -> Response:
    next_url = session.get(PENDING_KEY, {}).get("next")
    start_login_session(user)
    return redirect(safe_next_url(next_url) or home_url(), code=303)


def _enrolment_context(user: User) -> dict:
    secret = second_factor.pending_secret(user)
    return {
        "secret": secret,
        "qr": Markup(second_factor.qr_svg(second_factor.provisioning_uri(user, secret))),
        "user": user,
    }


def _enrol(user: User, template: str, *, during_login: bool) -> Response | tuple[str, int]:
    """Show the QR code and key; on a right code, set the factor up and show the recovery codes.

    During a login the account is only half logged in until this succeeds.
    """
    form = SecondFactorCodeForm()
    if request.method == "POST" and form.validate():
        try:
            second_factor.confirm_enrolment(user, form.code.data, utcnow())
        except accounts.AccountError as error:
            refuse(error, form)
        else:
            if during_login:
                _finish_login(user)
            session[SHOW_CODES_KEY] = True
            flash(_("The second factor is set up."), "success")
            return redirect(url_for("organiser.recovery_codes"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, during_login=during_login, **_enrolment_context(user)), status


@bp.route("/log-ind/kode", methods=["GET", "POST"])
@limits.per_client("login")
@writes()
@public
def login_code():
    """The second step of the login: a code from the app, or a recovery code."""
    user = pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("organiser.login"), code=303)
    if not user.has_second_factor:
        return redirect(url_for("organiser.login_enrol"), code=303)
    form = SecondFactorCodeForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return render_template("organiser/login_code.html", form=form), status
    now = utcnow()
    ip = (request.remote_addr or "unknown")[:45]
    if accounts.login_blocked(user.email, ip, now):
        discard()
        form.form_errors.append(str(accounts.TOO_MANY_ATTEMPTS))
        return render_template("organiser/login_code.html", form=form), 429
    if not second_factor.verify(user, form.code.data, now):
        discard()
        # Wrong codes count towards the lockout like wrong passwords.
        db.session.add(FailedLogin(email=user.email, ip=ip, attempted_at=now))
        keep_changes()
        form.code.errors = [str(second_factor.WRONG_CODE)]
        return render_template("organiser/login_code.html", form=form), 401
    return _finish_login(user)


@bp.route("/log-ind/tofaktor", methods=["GET", "POST"])
@writes()
@public
def login_enrol():
    """First login of an account that must use a second factor: set it up, then log in."""
    user = pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("organiser.login"), code=303)
    if user.has_second_factor:
        return redirect(url_for("organiser.login_code"), code=303)
    return _enrol(user, "organiser/enrol.html", during_login=True)


@bp.get("/tofaktor")
@login_required
def second_factor_page():
    user = current_user._get_current_object()
    return render_template(
        "organiser/second_factor.html",
        user=user,
        required=second_factor.required_for(user),
        unused_codes=second_factor.unused_recovery_codes(user) if user.has_second_factor else 0,
        form=RecoveryCodesForm(),
    )


@bp.route("/tofaktor/opsaet", methods=["GET", "POST"])
@writes()
@login_required
def second_factor_enrol():
    """Set up the second factor while logged in (check-in helpers, for whom it is optional)."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        return redirect(url_for("organiser.second_factor_page"), code=303)
    return _enrol(user, "organiser/enrol_account.html", during_login=False)


@bp.post("/tofaktor/nye-koder")
@writes()
@login_required
def recovery_codes_new():
    """Replace one's recovery codes (the old ones stop working); they are shown once, next."""
    if not RecoveryCodesForm().validate() or not current_user.has_second_factor:
        return redirect(url_for("organiser.second_factor_page"), code=303)
    session[SHOW_CODES_KEY] = True
    return redirect(url_for("organiser.recovery_codes"), code=303)


@bp.get("/tofaktor/gendannelseskoder")
@writes()
@login_required
def recovery_codes():
    """New recovery codes, shown this once (only their digests are kept)."""
    user = current_user._get_current_object()
    if not session.pop(SHOW_CODES_KEY, False) or not user.has_second_factor:
        return redirect(url_for("organiser.second_factor_page"), code=303)
    codes = second_factor.new_recovery_codes(user, utcnow())
    return render_template("organiser/recovery_codes.html", codes=codes, next_url=home_url())
