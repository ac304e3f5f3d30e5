"""The record of processing activities (GDPR art. 30) for one organisation, as an organiser's export.

Built from what the code knows, so it stays true as the code changes: the categories of
personal data every area registers (eventsite.personal_data), what erasure does to each,
and the retention periods in force for the organisation (eventsite.privacy.retention,
its own settings or the defaults). The first sheet states the controller, purposes,
legal bases, data subjects, recipients and safeguards, the second the categories and
the third the retention periods. The association completes it with what only it knows
(its processors' names, its data-protection contact).
"""

from __future__ import annotations

import io
from typing import Any

from flask_babel import gettext as _

from eventsite import personal_data
from eventsite.accounts.models import Organisation
from eventsite.personal_data import Unit
from eventsite.privacy import retention
from eventsite.spreadsheets import write_xlsx_sheets


def _unit(unit: Unit) -> str:
    return {Unit.DAYS: _("days"), Unit.MONTHS: _("months"), Unit.YEARS: _("years")}[unit]


def overview(organisation: Organisation) -> list[list[Any]]:
    """Art. 30(1)(a)-(g) in words, one row per item."""
    return [
        [_("Item"), _("Content")],
        [_("Data controller"), f"{organisation.name} {organisation.sender_email or ''}".strip()],
        [
            _("Purposes"),
            _(
                "Running the association's events and meetings: registrations, waiting lists, e-mails about them, "
                "lists and badges for the door, catering, invoices and subsidies, attendance statistics; "
                "invitations to members."
            ),
        ],
        [
            _("Legal basis"),
            _(
                "Members: the association's legitimate activities, GDPR art. 9(2)(d) with art. 6(1)(b) and (f). "
                "Others: the registration, art. 6(1)(b); beyond it consent, art. 6(1)(a) and 9(2)(a). "
                "Participant lists: consent only. Invoices: legal obligation, art. 6(1)(c) (Bookkeeping Act)."
            ),
        ],
        [
            _("Data subjects"),
            _("Members in the member directory; people who sign up for events (members and others)."),
        ],
        [
            _("Special categories"),
            _("Union membership can be inferred from any record (art. 9). No CPR numbers are held."),
        ],
        [
            _("Recipients"),
            _(
                "The association's organisers and check-in helpers; the caterer (dietary needs); other confirmed "
                "participants of a session, only for those who consented to the participant list; the hosting "
                "and e-mail processors under data processing agreements."
            ),
        ],
        [_("Transfers to third countries"), _("None by the application itself.")],
        [_("Retention"), _('See the sheet "Retention" (periods in force for this organisation).')],
        [
            _("Security measures"),
            _(
                "Personal links signed and expiring; single-use links for the member page; two-factor login for "
                "organisers; rate limits; no personal data in public pages, feeds, logs or Referer headers; "
                "erasure and retention that run by themselves; an audit trail without erased data."
            ),
        ],
    ]


def categories_sheet() -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Category"), _("Key"), _("On erasure")]]
    for category in personal_data.categories():
        rows.append([str(category.label), category.name, str(category.erasure_note or "")])
    return rows


def retention_sheet(organisation_id: int) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("What"), _("Period"), _("Unit"), _("Setting"), _("Why")]]
    for period in retention.periods(organisation_id):
        rows.append(
            [
                str(period.step.label),
                period.value,
                _unit(period.unit),
                _("Default") if period.is_default else _("Set by the organisation"),
                str(period.step.reason),
            ]
        )
    return rows


def to_xlsx(organisation: Organisation) -> bytes:
    """The record as a workbook: overview, categories, retention."""
    target = io.BytesIO()
    write_xlsx_sheets(
        [
            (_("Record of processing"), overview(organisation)),
            (_("Categories"), categories_sheet()),
            (_("Retention"), retention_sheet(organisation.id)),
        ],
        target,
    )
    return target.getvalue()
