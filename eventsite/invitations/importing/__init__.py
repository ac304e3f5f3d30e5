"""Member import: check every row of a file, report, then upsert in one transaction.

`check_file` reads and checks a file and returns a `Preview`: the cleaned rows and
a report line for every problem (row, column, message). Nothing is saved. The
preview is kept server-side (`store_preview`, a MemberImport row) until the
organiser confirms; `apply_preview` then upserts by member number, else by e-mail.
A preview with errors saves nothing unless the organiser asks for only the valid
rows. The opt-out flag is never touched by an import: a file from the membership
system cannot re-subscribe someone who unsubscribed.

One job per module, from the file to the database:
* `report`  – typed data: MemberRow, Finding (with its Severity), CheckedRow (with its RowAction), Preview
* `columns` – the header row: which column holds which field
* `checks`  – each row cleaned and checked, duplicates, matching against a directory (pure)
* `preview` – check_file against the organisation's directory; keeping and loading previews
* `apply`   – the upsert (flushes, never commits)
Municipality and region names are read by eventsite.geo.
"""

from eventsite.invitations.importing.apply import ImportRefused, ImportResult, apply_preview
from eventsite.invitations.importing.preview import check_file, load_preview, store_preview
from eventsite.invitations.importing.report import Finding, MemberRow, Preview, RowAction, Severity

__all__ = [
    "Finding",
    "ImportRefused",
    "ImportResult",
    "MemberRow",
    "Preview",
    "RowAction",
    "Severity",
    "apply_preview",
    "check_file",
    "load_preview",
    "store_preview",
]
