"""Privacy: erasure, a person's export, and retention that runs by itself (GDPR art. 15, 17, 20);
the member's own page, consent-gated participant lists and the privacy notice.

A top-layer area built on the personal-data registry (eventsite.personal_data), which
every area fills with what it holds about a person:

* `erasure` – `erase_person(person, reason=..., by_user=...)` anonymises a person everywhere
* `export` – `collect(person)` and the JSON / XLSX / CSV writers
* `retention` – the organisations' periods, the participant step, `run_retention`
* `audit_data` – the audit trail's category (the trail itself sits at the bottom)
* `models` – RetentionSetting; `views`, `forms` – the back-office pages
* `member_page` (+ `member_forms`) – "Mine tilmeldinger", the member's own page behind an
  emailed single-use link (eventsite.registration.member_links)
* `notice` (+ `notice_views`) – the privacy notice per organisation, public and editable
* `consent_data` – the participant-list consents (eventsite.registration.consent) in the registry
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The audit trail's category, the scheduled retention job and the `retention` command;
    the member page, the privacy notice and the consents' category."""
    # Imported here, when the app is assembled: this __init__ runs on every import of a
    # privacy module (eventsite.models imports the model), which must not pull in every area.
    from eventsite import personal_data
    from eventsite.mail.jobs import add_job
    from eventsite.privacy import audit_data, member_page, notice
    from eventsite.privacy.cli import register_cli
    from eventsite.privacy.retention import RETENTION_INTERVAL, retention_job

    member_page.init_app(app)
    notice.init_app(app)
    personal_data.add_category(app, audit_data.CATEGORY)
    add_job(app, "retention", retention_job, every=RETENTION_INTERVAL)
    register_cli(app)
