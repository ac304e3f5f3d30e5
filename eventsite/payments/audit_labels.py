"""The change log's words for fees, days, add-ons, subsidies and invoicing (eventsite.audit)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from eventsite.audit import add_audit_labels
from eventsite.payments.models import ADDON_KIND_LABELS, SUBSIDY_STATUS_LABELS
from eventsite.payments.pricing import format_dkk


def _kroner(value) -> str:
    try:
        return format_dkk(int(value))
    except (TypeError, ValueError):
        return str(value)


def init_app(app: Flask) -> None:
    add_audit_labels(
        app,
        object_types={
            "event_addon": _l("Add-on"),
            "event_day": _l("Day"),
            "event_day_price": _l("Price per number of days"),
            "event_fee": _l("Participant fee"),
            "subsidy_budget": _l("Subsidy budget"),
            "subsidy_request": _l("Subsidy request"),
        },
        fields={
            "event_addon.kind": _l("Kind of add-on"),
            "price_ore": _l("Price"),
            "member_price_ore": _l("Price for members"),
            "non_member_price_ore": _l("Price for non-members"),
            "granted_ore": _l("Amount granted"),
            "amount_ore": _l("Amount"),
            "places": _l("Places"),
            "days": _l("Days"),
            "day": _l("Day"),
            "label": _l("Label"),
            "decision_note": _l("Note on the decision"),
            "invoiced_at": _l("Invoiced"),
            "paid_at": _l("Paid"),
        },
        values={
            "subsidy_request.status": {status.value: label for status, label in SUBSIDY_STATUS_LABELS.items()},
            "event_addon.kind": {kind.value: label for kind, label in ADDON_KIND_LABELS.items()},
        },
        formatters={
            name: _kroner
            for name in ("price_ore", "member_price_ore", "non_member_price_ore", "granted_ore", "amount_ore")
        },
    )
