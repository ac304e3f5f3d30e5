"""Meetings (issue 16): agendas with numbered items, bilag, the agenda PDF and series.

* `models`   Meeting (per-session settings), AgendaItem, MeetingFile (bilag), MeetingSeries.
* `agenda`   numbering (`agenda_for(session)`), editing, reordering, copying, templates.
"""

from __future__ import annotations
