"""Login, logout, password change and the back office's front door."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from eventsite import limits
from eventsite.accounts import logins as accounts
from eventsite.accounts.access import (
    bp,
    login_required,
    public,
    safe_next_url,
)
from eventsite.organiser.forms import LoginForm, LogoutForm, PasswordChangeForm
from eventsite.organiser.login_session import continue_login, home_url, start_login_session
from eventsite.web import discard, keep_changes, writes


@bp.route("/log-ind", methods=["GET", "POST"])
@limits.per_client("login")
@writes()
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_url(), code=303)
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
        return render_template("organiser/login.html", form=form)
    if not form.validate():
        return render_template("organiser/login.html", form=form), 422
    try:
        user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr or "")
    except accounts.TooManyAttempts:
        discard()
        form.form_errors.append(str(accounts.TOO_MANY_ATTEMPTS))
        return render_template("organiser/login.html", form=form), 429
    if user is None:
        keep_changes()  # the failed attempt counts towards the lockout
        form.form_errors.append(str(accounts.WRONG_CREDENTIALS))
        return render_template("organiser/login.html", form=form), 401
    return continue_login(user, form.next.data)


@bp.post("/log-ud")
@writes()
@login_required
def logout():
    form = LogoutForm()
    if not form.validate():
        return redirect(url_for("organiser.index"), code=303)
    # Ends every session of the account, also a copied cookie or another browser.
    accounts.end_all_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("organiser.login"), code=303)


@bp.get("/")
@login_required
def index():
    return redirect(home_url(), code=303)


@bp.route("/adgangskode", methods=["GET", "POST"])
@writes()
@login_required
def password():
    form = PasswordChangeForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("organiser/password.html", form=form), 422
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except accounts.AccountError as error:
            discard()
            getattr(form, error.field or "password").errors.append(str(error.message))
            return render_template("organiser/password.html", form=form), 422
        # The new session token logged every browser out; keep this one logged in.
        start_login_session(user)
        flash(_("Your password has been changed. Other browsers have been logged out."), "success")
        return redirect(url_for("organiser.password"), code=303)
    return render_template("organiser/password.html", form=form)
