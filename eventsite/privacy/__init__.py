"""Privacy: erasure, a person's export, and retention that runs by itself (GDPR art. 15, 17, 20).

A top-layer area built on the personal-data registry (eventsite.personal_data), which
every area fills with what it holds about a person:

* `erasure` – `erase_person(person, reason=..., by_user=...)` anonymises a person everywhere
* `export` – `collect(person)` and the JSON / XLSX / CSV writers
* `retention` – the organisations' periods, the participant step, `run_retention`
* `audit_data` – the audit trail's category (the trail itself sits at the bottom)
* `models` – RetentionSetting; `views`, `forms` – the back-office pages
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The audit trail's category, the scheduled retention job and the `retention` command."""
    # Imported here, when the app is assembled: this __init__ runs on every import of a
    # privacy module (eventsite.models imports the model), which must not pull in every area.
    from eventsite import personal_data
    from eventsite.mail.jobs import add_job
    from eventsite.privacy import audit_data
    from eventsite.privacy.cli import register_cli
    from eventsite.privacy.retention import RETENTION_INTERVAL, retention_job

    personal_data.add_category(app, audit_data.CATEGORY)
    add_job(app, "retention", retention_job, every=RETENTION_INTERVAL)
    register_cli(app)
