"""Meetings (issue 16): agendas with numbered items, bilag, the agenda PDF and series.

* `models`       Meeting (per-session settings), AgendaItem, MeetingFile (bilag), MeetingSeries.
* `agenda`       numbering (`agenda_for(session)`), editing, reordering, copying, templates.
* `files`        bilag: content checks, storage under EVENTSITE_UPLOAD_DIR, deletion
                 (`delete_files_of_event(event)` for retention).
* `display`      what the public and a participant see (agenda, bilag links); the
                 agenda in emails and calendar descriptions.
* `pdf`          the agenda PDF (WeasyPrint).
* `series`       meeting series: a board's meetings of the year.
* `views`        public and personal downloads (bilag, agenda PDF).
* `admin_views`  back-office pages on the organiser blueprint (/arrangoer/...).
* `registry`     hooks for the areas above (a column on the series overview).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The downloads blueprint, the agenda on pages, in emails and in calendars."""
    # Imported here, when the app is assembled: this __init__ runs on every import of a
    # meetings module (the models in a migration, say), which must not load the views.
    from eventsite.calendar.entries import add_description_text
    from eventsite.meetings import display, views
    from eventsite.registration.email import add_email_context

    app.register_blueprint(views.bp)
    # The agenda and bilag on the event page and the personal manage page (partials
    # under templates/meetings/, included with one line each).
    app.add_template_global(display.public_view, "meeting_public_view")
    app.add_template_global(display.participant_view, "meeting_participant_view")
    # ...in the emails about a registration (as `meeting`), and in calendar descriptions.
    add_email_context(app, "meeting", display.email_view, batch=display.email_views)
    add_description_text(app, display.calendar_texts)
