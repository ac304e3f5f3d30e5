"""Fees, add-ons and days, subsidised places, and invoicing by EAN (issue 6).

* `pricing`      pure arithmetic in øre: price lists, itemised quotes, what is due.
* `identifiers`  EAN and CVR numbers (python-stdnum).
* `models`       fee settings, days, add-ons, choices, billing, subsidy budgets and requests.
* `operations`   a sign-up's days, add-ons, payer and subsidy request (locks, then decides).
* `subsidies`    the review queue and the budget (locked while approving), the report.
* `invoicing`    the invoicing list, invoiced/paid marks, CSV and XLSX exports.
* `signup`       the extra fieldsets on the public sign-up form.
* `views`        back-office pages on the organiser blueprint (/arrangoer/...).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the template filters `dkk` and `event_day`, `payment_for` for email
    templates, and the sign-up's extra fields."""
    # Imported here, when the app is assembled: this __init__ runs on every import of
    # a payments module (the models too), which must not pull in forms, registration and mail.
    from eventsite.payments import audit_labels, privacy
    from eventsite.payments.display import format_amount, format_event_day
    from eventsite.payments.operations import registration_payment, registration_payments
    from eventsite.payments.signup import SIGNUP_EXTRAS
    from eventsite.registration.signup import add_signup_extras

    # Days, add-ons, payer and subsidy on the sign-up form; the price on the manage page.
    add_signup_extras(app, SIGNUP_EXTRAS)
    # Subsidy requests and invoice details in the personal-data registry.
    privacy.init_app(app)

    app.add_template_filter(format_amount, "dkk")
    app.add_template_filter(format_event_day, "event_day")
    # Emails about a registration are rendered by eventsite.registration; this gives them its price.
    app.add_template_global(registration_payment, "payment_for")
    # ...worked out once per email (as `payment`), not once per part.
    from eventsite.registration.email import add_email_context

    add_email_context(app, "payment", registration_payment, batch=registration_payments)
    # What fees, add-ons and subsidies' fields are called in the change log.
    audit_labels.init_app(app)
