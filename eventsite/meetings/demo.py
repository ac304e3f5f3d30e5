"""Demo data for meetings: the Lederforum's timed agenda with two bilag, the årsmøde's
generalforsamling agenda, and a board's meeting series.

Called at the end of `eventsite.demo.seed_demo`; flushes, never commits. The bilag are
small PDFs made here with WeasyPrint (nothing is fetched).
"""

from __future__ import annotations

from datetime import date, time

from eventsite.events.models import EventKind, EventSession, Organisation, Venue
from eventsite.meetings.agenda import GENERALFORSAMLING, ItemData, add_item, agenda_for, apply_template, update_item
from eventsite.meetings.files import attach_file
from eventsite.meetings.models import AgendaKind, ShownTo
from eventsite.meetings.series import SeriesData, create_series

CASE_NUMBER = "S2024-702"


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    # Imported here: WeasyPrint takes about 40 MB, and only seeding the demo needs it.
    from weasyprint import HTML

    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    pdf: bytes = HTML(string=f"<h1>{title}</h1>{body}", url_fetcher=_no_fetch).write_pdf()
    return pdf


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"demo PDFs fetch nothing ({url!r})")


def seed_lederforum(session: EventSession) -> None:
    """The Lederforum: a timed agenda under one case number and its two bilag."""
    items = [
        ("08:45", "09:00", "Velkomst", AgendaKind.ORIENTERING, "Formand Kirsten Holm", "", ""),
        (
            "09:00",
            "10:30",
            "Handlerum og faglig ledelse",
            AgendaKind.DROEFTELSE,
            "Professor Jens Bach",
            "Oplæg om **styring og tillid**, derefter drøftelse ved bordene.\n\n"
            "- Hvor er handlerummet i dag?\n- Hvad kræver faglig ledelse af den øverste ledelse?",
            "",
        ),
        (
            "10:45",
            "12:00",
            "Lederforums anbefalinger",
            AgendaKind.BESLUTNING,
            "Sekretariatet",
            "Udkast til anbefalinger, se bilag 2.",
            "Sekretariatet indstiller, at Lederforum vedtager anbefalingerne og sender dem til bestyrelsen.",
        ),
        ("13:00", "14:30", "Workshops", AgendaKind.DROEFTELSE, "", "", ""),
        ("14:30", "15:00", "Afrunding og næste Lederforum", AgendaKind.ORIENTERING, "Formand Kirsten Holm", "", ""),
    ]
    created = {}
    for start, end, title, kind, presenter, description, decision in items:
        created[title] = add_item(
            session,
            ItemData(
                title=title,
                kind=kind,
                case_number=CASE_NUMBER,
                presenter=presenter,
                starts_at=time.fromisoformat(start),
                ends_at=time.fromisoformat(end),
                description=description,
                proposed_decision=decision,
            ),
        )
    attach_file(
        session,
        title="Bilag 1. Handlerum – faglig ledelse",
        filename="Handlerum - faglig ledelse.pdf",
        data=_pdf(
            "Handlerum – faglig ledelse",
            ["Notat til Lederforum.", f"Sagsnr. {CASE_NUMBER}.", "Ledelsesrum, tillid og styring i kommunerne."],
        ),
        shown_to=ShownTo.PUBLIC,
        agenda_item=created["Handlerum og faglig ledelse"],
    )
    attach_file(
        session,
        title="Bilag 2. One-pager",
        filename="One-pager.pdf",
        data=_pdf("One-pager", ["Lederforums anbefalinger på én side.", "Til drøftelse og beslutning."]),
        shown_to=ShownTo.PARTICIPANTS,
        agenda_item=created["Lederforums anbefalinger"],
    )


def seed_generalforsamling(session: EventSession) -> None:
    """The årsmøde's generalforsamling: the standard agenda, from 17.00."""
    apply_template(session, GENERALFORSAMLING)
    agenda = {entry.item.title: entry.item for entry in agenda_for(session)}
    first = agenda["Valg af dirigent og referent"]
    update_item(
        first,
        ItemData(title=first.title, kind=first.kind, starts_at=time(17, 0), presenter="Bestyrelsen"),
    )
    report = agenda["Bestyrelsens beretning"]
    update_item(
        report,
        ItemData(
            title=report.title,
            kind=report.kind,
            presenter="Formand Kirsten Holm",
            proposed_decision="Bestyrelsen indstiller, at beretningen godkendes.",
        ),
    )
    add_item(
        session,
        ItemData(title="Forslag om kontingent 2027", kind=AgendaKind.BESLUTNING, case_number="S2024-811"),
        parent=agenda["Indkomne forslag"],
    )


def seed_board_series(organisation: Organisation, venue: Venue, year: int) -> int:
    """A board that meets four times a year, at the association's house or online."""
    series = create_series(
        SeriesData(
            organisation_id=organisation.id,
            title="Bestyrelsesmøde",
            kind=EventKind.NETVAERKSMOEDE,
            venue_id=venue.id,
            online_url="https://meet.example.org/lederforeningen-bestyrelse",
            dates=[date(year, month, 12) for month in (3, 6, 9, 12)],
            start_time=time(10, 0),
            end_time=time(13, 0),
            capacity=12,
        )
    )
    return len(series.meetings)
