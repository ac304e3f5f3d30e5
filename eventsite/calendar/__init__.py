"""Calendars: the iCal builder, .ics downloads, public and personal feeds."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint, the template helpers and the calendar in emails."""
    # Imported when the app is assembled, not with the package: importing any calendar
    # module (eventsite.calendar.ical in mail's tests, say) must not load the views.
    from eventsite.calendar import email
    from eventsite.calendar.links import feed_link, session_links
    from eventsite.calendar.views import bp

    app.register_blueprint(bp)
    email.init_app(app)
    app.jinja_env.globals["calendar_feed_link"] = feed_link
    app.jinja_env.globals["calendar_session_links"] = session_links
