"""Back-office pages for fees, days, add-ons, subsidies and invoicing (on the organiser blueprint).

Thin views: validate, call one domain function, commit, flash, redirect (303).
Objects are loaded with the organiser area's access rules: anything outside the
user's organisations is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from eventsite.accounts.access import bp, has_role, listed_organisation_ids, role_required
from eventsite.db import utcnow
from eventsite.events.access import event_for_current_user_or_404
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.forms import ConfirmForm
from eventsite.payments import invoicing, settings, subsidies
from eventsite.payments.forms import (
    AddOnForm,
    BudgetForm,
    DayEditForm,
    DayForm,
    DayPriceForm,
    DecisionForm,
    FeeForm,
    MarkForm,
)
from eventsite.payments.models import AddOn, AddOnKind, DayPriceRow, EventDay, SubsidyRequest, SubsidyStatus
from eventsite.payments.offer import event_offer
from eventsite.payments.pricing import ore_to_input
from eventsite.payments.settings import AddOnData, SettingsError
from eventsite.payments.subsidies import SubsidyError
from eventsite.sorting import danish_sort_key, sort_from_args, sorted_rows
from eventsite.web import discard, id_arg, refuse, writes

# --- loaders ---------------------------------------------------------------------------


def _owned_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    event = db.session.get(Event, found.event_id)
    if event is None or not has_role(event.organisation_id):
        abort(404)
    return found, event


def _to_settings(event_id: int, anchor: str = ""):
    return redirect(url_for("organiser.payments_settings", event_id=event_id) + anchor, code=303)


# --- settings: fee, day prices, days, add-ons, budget -------------------------------------


def _render_settings(event: Event, status: int = 200, **forms):
    offer = event_offer(event.id)
    fee_form = forms.get("fee_form") or FeeForm(formdata=None)
    if "fee_form" not in forms and offer.fees:
        fee_form.member_price.data = ore_to_input(offer.fees.member_price_ore)
        fee_form.non_member_price.data = ore_to_input(offer.fees.non_member_price_ore)
    budget_form = forms.get("budget_form") or BudgetForm(formdata=None)
    if "budget_form" not in forms and offer.budget:
        budget_form.places.data = offer.budget.places
        budget_form.amount.data = ore_to_input(offer.budget.amount_ore)
        budget_form.description.data = offer.budget.description
    budget_use = subsidies.budget_use(offer.budget) if offer.budget else None
    return (
        render_template(
            "payments/settings.html",
            event=event,
            offer=offer,
            fee_form=fee_form,
            day_price_form=forms.get("day_price_form") or DayPriceForm(formdata=None),
            day_form=forms.get("day_form") or DayForm(formdata=None),
            addon_form=forms.get("addon_form") or AddOnForm(formdata=None),
            budget_form=budget_form,
            budget_use=budget_use,
            action_form=ConfirmForm(),
        ),
        status,
    )


@bp.get("/arrangementer/<int:event_id>/betaling")
@role_required()
def payments_settings(event_id: int):
    return _render_settings(event_for_current_user_or_404(event_id))


def _settings_post(event: Event, form, form_name: str, action, message: str, anchor: str):
    """Validate one of the settings forms, run its action, commit; re-render the page on errors."""
    if not form.validate():
        return _render_settings(event, 422, **{form_name: form})
    try:
        action()
    except (SettingsError, SubsidyError) as error:
        refuse(error, form)
        return _render_settings(event, 422, **{form_name: form})
    flash(message, "success")
    return _to_settings(event.id, anchor)


@bp.post("/arrangementer/<int:event_id>/betaling/gebyr")
@writes()
@role_required()
def payments_fee(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = FeeForm()
    return _settings_post(
        event,
        form,
        "fee_form",
        lambda: settings.save_fee(event, form.member_price.ore, form.non_member_price.ore),
        _("The fee has been saved."),
        "#fee",
    )


@bp.post("/arrangementer/<int:event_id>/betaling/dagspriser")
@writes()
@role_required()
def payments_day_price(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = DayPriceForm()
    return _settings_post(
        event,
        form,
        "day_price_form",
        lambda: settings.save_day_price(event, form.days.data, form.member_price.ore, form.non_member_price.ore),
        _("The day price has been saved."),
        "#day-prices",
    )


@bp.post("/dagspriser/<int:row_id>/slet")
@writes()
@role_required()
def payments_day_price_delete(row_id: int):
    row, event = _owned_or_404(DayPriceRow, row_id)
    if not ConfirmForm().validate():
        abort(400)
    settings.delete_day_price(row)
    flash(_("The day price has been removed."), "success")
    return _to_settings(event.id, "#day-prices")


@bp.post("/arrangementer/<int:event_id>/betaling/dage")
@writes()
@role_required()
def payments_day_add(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = DayForm()
    return _settings_post(
        event,
        form,
        "day_form",
        lambda: settings.add_day(event, form.day.data, form.label.data or "", form.capacity.data),
        _("The day has been added."),
        "#days",
    )


@bp.route("/dage/<int:day_id>/rediger", methods=["GET", "POST"])
@writes()
@role_required()
def payments_day_edit(day_id: int):
    day, event = _owned_or_404(EventDay, day_id)
    form = DayEditForm()
    if request.method == "GET":
        form.label.data, form.capacity.data = day.label, day.capacity
        return render_template("payments/day_form.html", event=event, day=day, form=form)
    if not form.validate():
        return render_template("payments/day_form.html", event=event, day=day, form=form), 422
    try:
        settings.update_day(day, form.label.data or "", form.capacity.data)
    except SettingsError as error:
        refuse(error, form)
        return render_template("payments/day_form.html", event=event, day=day, form=form), 422
    flash(_("The day has been saved."), "success")
    return _to_settings(event.id, "#days")


@bp.post("/dage/<int:day_id>/slet")
@writes()
@role_required()
def payments_day_delete(day_id: int):
    day, event = _owned_or_404(EventDay, day_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        settings.delete_day(day)
    except SettingsError as error:
        refuse(error)
        return _to_settings(event.id, "#days")
    flash(_("The day has been removed."), "success")
    return _to_settings(event.id, "#days")


def _addon_data(form: AddOnForm) -> AddOnData:
    return AddOnData(
        kind=AddOnKind(form.kind.data),
        title=form.title.data or "",
        price_ore=form.price.ore,
        capacity=form.capacity.data,
        description=form.description.data or "",
    )


@bp.post("/arrangementer/<int:event_id>/betaling/tilvalg")
@writes()
@role_required()
def payments_addon_add(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = AddOnForm()
    return _settings_post(
        event,
        form,
        "addon_form",
        lambda: settings.add_addon(event, _addon_data(form)),
        _("The add-on has been added."),
        "#addons",
    )


@bp.route("/tilvalg/<int:addon_id>/rediger", methods=["GET", "POST"])
@writes()
@role_required()
def payments_addon_edit(addon_id: int):
    addon, event = _owned_or_404(AddOn, addon_id)
    form = AddOnForm()
    if request.method == "GET":
        form.kind.data, form.title.data, form.description.data = addon.kind.value, addon.title, addon.description
        form.price.data, form.capacity.data = ore_to_input(addon.price_ore), addon.capacity
        return render_template("payments/addon_form.html", event=event, addon=addon, form=form)
    if not form.validate():
        return render_template("payments/addon_form.html", event=event, addon=addon, form=form), 422
    try:
        settings.update_addon(addon, _addon_data(form))
    except SettingsError as error:
        refuse(error, form)
        return render_template("payments/addon_form.html", event=event, addon=addon, form=form), 422
    flash(_("The add-on has been saved."), "success")
    return _to_settings(event.id, "#addons")


@bp.post("/tilvalg/<int:addon_id>/slet")
@writes()
@role_required()
def payments_addon_delete(addon_id: int):
    addon, event = _owned_or_404(AddOn, addon_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        settings.delete_addon(addon)
    except SettingsError as error:
        refuse(error)
        return _to_settings(event.id, "#addons")
    flash(_("The add-on has been removed."), "success")
    return _to_settings(event.id, "#addons")


@bp.post("/arrangementer/<int:event_id>/betaling/tilskud")
@writes()
@role_required()
def payments_budget(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = BudgetForm()
    return _settings_post(
        event,
        form,
        "budget_form",
        lambda: subsidies.save_budget(
            event,
            places=form.places.data,
            amount_ore=form.amount.ore,
            description=form.description.data or "",
            user=current_user,
        ),
        _("The subsidy budget has been saved."),
        "#subsidy",
    )


# --- subsidy requests: the queue, decisions, the report ----------------------------------------


def _events_of_user() -> list[Event]:

    org_ids = listed_organisation_ids()
    return list(
        db.session.execute(select(Event).where(Event.organisation_id.in_(org_ids)).order_by(Event.title)).scalars()
    )


@bp.get("/tilskud")
@role_required()
def subsidy_queue():
    events = _events_of_user()
    event_id = id_arg("arrangement")
    if event_id is not None:
        events = [e for e in events if e.id == event_id]
    status_arg = request.args.get("status") or None
    status = next((s for s in SubsidyStatus if s.value == status_arg), None)
    requests = subsidies.subsidy_requests([e.id for e in events], status)
    if status_arg is None:
        # The default view: what awaits a decision first, then what has been decided.
        lists = [
            (_("Awaiting a decision"), [r for r in requests if r.status is SubsidyStatus.REQUESTED]),
            (_("Decided"), [r for r in requests if r.status is not SubsidyStatus.REQUESTED]),
        ]
    else:
        lists = [(None, requests)]
    budgets = {}
    for event in {r.event for r in requests}:
        offer_budget = event_offer(event.id, with_places=False).budget
        budgets[event.id] = subsidies.budget_use(offer_budget) if offer_budget else None
    return render_template(
        "payments/subsidy_queue.html",
        lists=lists,
        budgets=budgets,
        status=status,
        status_arg=status_arg,
        statuses=list(SubsidyStatus),
        event_id=event_id,
        events=_events_of_user(),
    )


@bp.route("/tilskud/<int:request_id>", methods=["GET", "POST"])
@writes()
@role_required()
def subsidy_request(request_id: int):
    found, event = _owned_or_404(SubsidyRequest, request_id)
    form = DecisionForm()
    budget = event_offer(event.id, with_places=False).budget
    # An amount budget needs the amount of every approval; a budget of places does not.
    amount_needed = budget is not None and budget.amount_ore is not None
    form.granted.label.text = _("Amount granted") if amount_needed else _("Amount granted (optional)")

    def page(status: int = 200):
        use = subsidies.budget_use(budget, excluding=found.id) if budget else None
        return render_template(
            "payments/subsidy_request.html",
            request_=found,
            event=event,
            form=form,
            budget=budget,
            use=use,
            amount_needed=amount_needed,
        ), status

    if request.method == "GET":
        if found.granted_ore is not None:
            form.granted.data = ore_to_input(found.granted_ore)
        form.note.data = found.decision_note
        return page()
    if not form.validate():
        return page(422)
    try:
        subsidies.decide(
            found,
            form.decision.data == "approve",
            granted_ore=form.granted.ore,
            note=form.note.data or "",
            user=current_user._get_current_object(),
            now=utcnow(),
        )
    except SubsidyError as error:
        discard()
        form.form_errors.append(str(error.message))
        return page(409)
    flash(_("The decision has been saved, and the person is told by e-mail."), "success")
    return redirect(url_for("organiser.subsidy_queue", arrangement=event.id), code=303)


@bp.get("/tilskud/rapport")
@role_required()
def subsidy_report():
    org_ids = listed_organisation_ids()
    years = subsidies.report_years(org_ids)
    year = request.args.get("aar", type=int) or (years[0] if years else utcnow().year)
    if not 1900 <= year <= 2200:
        year = utcnow().year
    return render_template(
        "payments/subsidy_report.html", report=subsidies.subsidy_report(org_ids, year), years=years, year=year
    )


# --- invoicing --------------------------------------------------------------------------------


@bp.get("/arrangementer/<int:event_id>/fakturering")
@role_required()
def invoicing_list(event_id: int):
    event = event_for_current_user_or_404(event_id)
    rows = invoicing.invoice_rows(event.id)
    # Without a choice: sign-up order (the order invoice_rows gives).
    order = sort_from_args(request.args, INVOICE_SORT_KEYS, default="")
    if order.key:
        signed_up = {r.registration.id: position for position, r in enumerate(rows)}
        rows = sorted_rows(rows, order, INVOICE_SORT_KEYS, tiebreak=lambda r: signed_up[r.registration.id])
    return render_template(
        "payments/invoicing.html",
        event=event,
        rows=rows,
        order=order,
        form=MarkForm(),
        total_due=sum(r.due for r in rows),
    )


#: The invoicing list's sortable columns (`?sort=`).
INVOICE_SORT_KEYS: dict[str, Callable[[invoicing.InvoiceRow], Any]] = {
    "participant": lambda r: danish_sort_key(r.registration.person.name),
    "status": lambda r: r.registration.status.value,
    "payer": lambda r: (r.billing.payer_kind.value, danish_sort_key(r.payer_name)),
    "total": lambda r: r.quote.total,
    "due": lambda r: r.due,
    # Not yet invoiced (paid) first when ascending.
    "invoiced": lambda r: (r.billing.invoiced_at is not None, r.billing.invoiced_at or 0),
    "paid": lambda r: (r.billing.paid_at is not None, r.billing.paid_at or 0),
}


@bp.post("/arrangementer/<int:event_id>/fakturering/marker")
@writes()
@role_required()
def invoicing_mark(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = MarkForm()
    action = request.form.get("action", "")
    if not form.validate() or action not in invoicing.MARKS:
        abort(400)
    ids = [int(v) for v in request.form.getlist("registration_id") if v.isascii() and v.isdigit()]
    if not ids:
        flash(_("Tick the registrations to mark."), "error")
        return redirect(url_for("organiser.invoicing_list", event_id=event.id), code=303)
    changed = invoicing.mark(event, ids, action)
    flash(ngettext("%(num)d registration marked.", "%(num)d registrations marked.", changed), "success")
    return redirect(url_for("organiser.invoicing_list", event_id=event.id), code=303)


@bp.get("/arrangementer/<int:event_id>/fakturering.<fmt>")
@role_required()
def invoicing_export(event_id: int, fmt: str):
    event = event_for_current_user_or_404(event_id)
    stem = f"fakturering-{event.id}"
    if fmt == "csv":
        return Response(
            invoicing.invoicing_csv(event.id),
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            invoicing.invoicing_xlsx(event.id),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
        )
    abort(404)
