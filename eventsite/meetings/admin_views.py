"""Back-office pages of meetings: the agenda editor, bilag, the agenda PDF, series."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from eventsite.accounts.access import (
    bp,
    current_organisation_ids,
    current_organisations,
    has_role,
    listed_organisation_ids,
    role_required,
)
from eventsite.clock import local_today
from eventsite.events.access import session_for_current_user_or_404
from eventsite.events.models import EVENT_KIND_LABELS, Event, EventKind, EventSession, Venue
from eventsite.extensions import csrf, db
from eventsite.forms import ConfirmForm
from eventsite.meetings import agenda as operations
from eventsite.meetings import files as bilag
from eventsite.meetings import series as series_ops
from eventsite.meetings.agenda import TEMPLATES, AgendaError, ItemData, agenda_for, agenda_shown_to
from eventsite.meetings.display import AgendaView, FileLink
from eventsite.meetings.files import FileRefused, files_of_session
from eventsite.meetings.forms import (
    AgendaItemForm,
    AgendaVisibilityForm,
    CopyAgendaForm,
    FileVisibilityForm,
    SeriesForm,
    SeriesMeetingForm,
    TemplateForm,
    UploadForm,
)
from eventsite.meetings.models import AgendaItem, AgendaKind, Meeting, MeetingFile, MeetingSeries, ShownTo
from eventsite.meetings.registry import series_columns
from eventsite.meetings.series import SeriesData, SeriesError
from eventsite.meetings.views import send_agenda_pdf, send_bilag
from eventsite.web import discard, refuse, writes


def _agenda_item_or_404(agenda_item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, agenda_item_id)
    if item is None or not has_role(item.session.event.organisation_id):
        abort(404)
    return item


def _file_or_404(file_id: int) -> MeetingFile:
    file = db.session.get(MeetingFile, file_id)
    if file is None or not has_role(file.session.event.organisation_id):
        abort(404)
    return file


def _series_or_404(series_id: int) -> MeetingSeries:
    series = db.session.get(MeetingSeries, series_id)
    if series is None or not has_role(series.organisation_id):
        abort(404)
    return series


def _back_to_agenda(session_id: int, anchor: str = ""):
    return redirect(url_for("organiser.meeting_agenda", session_id=session_id) + anchor, code=303)


def _organiser_view(session: EventSession) -> AgendaView:
    """Everything, with the back office's own download links."""
    view = AgendaView(session, agenda_for(session))
    known = {numbered.item.id for numbered in view.items}
    for file in files_of_session(session):
        link = FileLink(file, url_for("organiser.meeting_file", file_id=file.id))
        if file.agenda_item_id in known:
            view.item_files.setdefault(file.agenda_item_id, []).append(link)
        else:
            view.meeting_files.append(link)
    return view


def _copy_sources(session: EventSession) -> list[tuple[int, str]]:
    """Other meetings of the organisation that have an agenda, newest first."""
    rows = db.session.execute(
        select(EventSession, Event.title)
        .join(Event, Event.id == EventSession.event_id)
        .where(
            Event.organisation_id == session.event.organisation_id,
            EventSession.id != session.id,
            EventSession.id.in_(select(AgendaItem.session_id)),
        )
        .order_by(EventSession.starts_at.desc())
        .limit(100)
    ).all()
    return [(other.id, f"{title}, {other.local_start:%d.%m.%Y}") for other, title in rows]


def _upload_form(session: EventSession, view: AgendaView, **kwargs) -> UploadForm:
    form = UploadForm(**kwargs)
    form.agenda_item_id.choices = [(0, _("The whole meeting"))] + [
        (numbered.item.id, f"{numbered.number}. {numbered.item.title}") for numbered in view.items
    ]
    if not form.shown_to.data:
        form.shown_to.data = ShownTo.PARTICIPANTS.value
    return form


def _render_agenda(session: EventSession, status: int = 200, upload_form: UploadForm | None = None, upload_error=None):
    view = _organiser_view(session)
    copy_form = CopyAgendaForm(formdata=None)
    copy_form.source_session_id.choices = _copy_sources(session)
    template_form = TemplateForm(formdata=None)
    template_form.template.choices = [(key, template.label) for key, template in TEMPLATES.items()]
    visibility_form = AgendaVisibilityForm(formdata=None, shown_to=agenda_shown_to(session).value)
    meeting = db.session.get(Meeting, session.id)
    return (
        render_template(
            "meetings/admin_agenda.html",
            session=session,
            event=session.event,
            view=view,
            series=meeting.series if meeting else None,
            action_form=ConfirmForm(formdata=None),
            visibility_form=visibility_form,
            copy_form=copy_form,
            template_form=template_form,
            upload_form=upload_form or _upload_form(session, view, formdata=None),
            upload_error=upload_error,
            file_forms={
                link.file.id: FileVisibilityForm(
                    formdata=None, prefix=f"f{link.file.id}", shown_to=link.file.shown_to.value
                )
                for link in view.files
            },
            max_mb=current_app.config["MAX_UPLOAD_MB"],
        ),
        status,
    )


@bp.get("/sessioner/<int:session_id>/dagsorden")
@role_required()
def meeting_agenda(session_id: int):
    return _render_agenda(session_for_current_user_or_404(session_id))


# --- items ---------------------------------------------------------------------------


def _item_data(form: AgendaItemForm) -> ItemData:
    return ItemData(
        title=form.title.data or "",
        kind=AgendaKind(form.kind.data),
        case_number=form.case_number.data or "",
        presenter=form.presenter.data or "",
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        description=form.description.data or "",
        proposed_decision=form.proposed_decision.data or "",
    )


def _render_item_form(form, session: EventSession, item: AgendaItem | None, parent: AgendaItem | None, status=200):
    return (
        render_template("meetings/admin_item_form.html", form=form, session=session, item=item, parent=parent),
        status,
    )


@bp.route("/sessioner/<int:session_id>/dagsorden/nyt-punkt", methods=["GET", "POST"])
@writes()
@role_required()
def agenda_item_new(session_id: int):
    session = session_for_current_user_or_404(session_id)
    parent = None
    parent_id = request.args.get("under", type=int)
    if parent_id is not None:
        parent = db.session.get(AgendaItem, parent_id)
        if parent is None or parent.session_id != session.id:
            abort(404)
    form = AgendaItemForm()
    if request.method == "GET":
        form.kind.data = AgendaKind.ORIENTERING.value
        return _render_item_form(form, session, None, parent)
    if not form.validate():
        return _render_item_form(form, session, None, parent, 422)
    try:
        item = operations.add_item(session, _item_data(form), parent)
    except AgendaError as error:
        refuse(error, form)
        return _render_item_form(form, session, None, parent, 422)
    flash(_("The agenda item has been added."), "success")
    return _back_to_agenda(session.id, f"#punkt-{item.id}")


@bp.route("/dagsordenspunkter/<int:agenda_item_id>/rediger", methods=["GET", "POST"])
@writes()
@role_required()
def agenda_item_edit(agenda_item_id: int):
    item = _agenda_item_or_404(agenda_item_id)
    form = AgendaItemForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = item.kind.value
        return _render_item_form(form, item.session, item, item.parent)
    if not form.validate():
        return _render_item_form(form, item.session, item, item.parent, 422)
    try:
        changed = operations.update_item(item, _item_data(form))
    except AgendaError as error:
        refuse(error, form)
        return _render_item_form(form, item.session, item, item.parent, 422)
    flash(_("The agenda item has been saved.") if changed else _("Nothing was changed."), "success")
    return _back_to_agenda(item.session_id, f"#punkt-{item.id}")


@bp.post("/dagsordenspunkter/<int:agenda_item_id>/slet")
@writes()
@role_required()
def agenda_item_delete(agenda_item_id: int):
    item = _agenda_item_or_404(agenda_item_id)
    if not ConfirmForm().validate():
        abort(400)
    session_id = item.session_id
    operations.delete_item(item)
    flash(_("The agenda item has been deleted."), "success")
    return _back_to_agenda(session_id)


@bp.post("/dagsordenspunkter/<int:agenda_item_id>/flyt")
@writes()
@role_required()
def agenda_item_move(agenda_item_id: int):
    """Up or down one place (plain buttons: works without JavaScript)."""
    item = _agenda_item_or_404(agenda_item_id)
    if not ConfirmForm().validate():
        abort(400)
    step = {"op": -1, "ned": 1}.get(request.form.get("retning", ""))
    if step is None:
        abort(400)
    operations.move_item(item, step)
    return _back_to_agenda(item.session_id, f"#punkt-{item.id}")


@bp.post("/sessioner/<int:session_id>/dagsorden/kopier")
@writes()
@role_required()
def agenda_copy(session_id: int):
    session = session_for_current_user_or_404(session_id)
    form = CopyAgendaForm()
    form.source_session_id.choices = _copy_sources(session)
    if not form.validate():
        flash(_("Choose a meeting to copy from."), "error")
        return _back_to_agenda(session.id)
    source = session_for_current_user_or_404(form.source_session_id.data)
    try:
        copied = operations.copy_agenda(source, session)
    except AgendaError as error:
        refuse(error)
        return _back_to_agenda(session.id)
    flash(ngettext("%(num)d item has been copied.", "%(num)d items have been copied.", copied), "success")
    return _back_to_agenda(session.id)


@bp.post("/sessioner/<int:session_id>/dagsorden/skabelon")
@writes()
@role_required()
def agenda_template(session_id: int):
    session = session_for_current_user_or_404(session_id)
    form = TemplateForm()
    form.template.choices = [(key, template.label) for key, template in TEMPLATES.items()]
    if not form.validate():
        abort(400)
    added = operations.apply_template(session, TEMPLATES[form.template.data])
    flash(ngettext("%(num)d item has been added.", "%(num)d items have been added.", added), "success")
    return _back_to_agenda(session.id)


@bp.post("/sessioner/<int:session_id>/dagsorden/synlighed")
@writes()
@role_required()
def agenda_visibility(session_id: int):
    session = session_for_current_user_or_404(session_id)
    form = AgendaVisibilityForm()
    if not form.validate():
        abort(400)
    changed = operations.set_agenda_shown_to(session, ShownTo(form.shown_to.data))
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return _back_to_agenda(session.id)


@bp.get("/sessioner/<int:session_id>/dagsorden.pdf")
@role_required()
def meeting_agenda_pdf(session_id: int):
    session = session_for_current_user_or_404(session_id)
    return send_agenda_pdf(_organiser_view(session))


# --- bilag ---------------------------------------------------------------------------


@bp.post("/sessioner/<int:session_id>/bilag")
@writes()
@role_required()
def meeting_file_upload(session_id: int):
    session = session_for_current_user_or_404(session_id)
    # A bilag may be larger than the site-wide MAX_CONTENT_LENGTH: this view alone
    # raises the limit (to EVENTSITE_MAX_UPLOAD_MB, with room for the form's other
    # fields) before anything reads the body, hence the CSRF check here.
    request.max_content_length = bilag.max_upload_bytes() + 64 * 1024
    view = _organiser_view(session)
    try:
        csrf.protect()
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        error = _(
            "The file is too large: at most %(max)d MB. Nothing was stored.", max=current_app.config["MAX_UPLOAD_MB"]
        )
        return _render_agenda(session, 413, _upload_form(session, view, formdata=None), error)
    form = _upload_form(session, view, meta={"csrf": False})
    if not form.validate():
        return _render_agenda(session, 422, form)
    if upload is None or not upload.filename:
        return _render_agenda(session, 422, form, _("Choose a file to attach."))
    item = None
    if form.agenda_item_id.data:
        item = db.session.get(AgendaItem, form.agenda_item_id.data)
    try:
        file = bilag.attach_file(
            session,
            title=form.title.data or "",
            filename=upload.filename,
            data=upload.read(bilag.max_upload_bytes() + 1),
            shown_to=ShownTo(form.shown_to.data),
            agenda_item=item,
            uploaded_by_id=current_user.id,
        )
    except FileRefused as error:
        discard()
        return _render_agenda(session, 422, form, str(error.message))
    flash(_("“%(title)s” has been attached.", title=file.title), "success")
    return _back_to_agenda(session.id, "#bilag")


csrf.exempt(meeting_file_upload)


@bp.get("/bilag/<int:file_id>")
@role_required()
def meeting_file(file_id: int):
    return send_bilag(_file_or_404(file_id))


@bp.post("/bilag/<int:file_id>/synlighed")
@writes()
@role_required()
def meeting_file_visibility(file_id: int):
    file = _file_or_404(file_id)
    form = FileVisibilityForm(prefix=f"f{file.id}")
    if not form.validate():
        abort(400)
    changed = bilag.set_shown_to(file, ShownTo(form.shown_to.data))
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    return _back_to_agenda(file.session_id, "#bilag")


@bp.post("/bilag/<int:file_id>/slet")
@writes()
@role_required()
def meeting_file_delete(file_id: int):
    file = _file_or_404(file_id)
    if not ConfirmForm().validate():
        abort(400)
    session_id = file.session_id
    bilag.delete_file(file)
    flash(_("The file has been deleted."), "success")
    return _back_to_agenda(session_id, "#bilag")


# --- series --------------------------------------------------------------------------


@bp.get("/moedeserier")
@role_required()
def meeting_series_list():
    found = list(
        db.session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.organisation_id.in_(listed_organisation_ids()))
            .order_by(MeetingSeries.title)
        )
    )
    return render_template("meetings/admin_series_list.html", series_list=found)


def _series_form(**kwargs) -> SeriesForm:
    organisations = current_organisations()
    form = SeriesForm(**kwargs)
    form.organisation_id.choices = [(o.id, o.name) for o in organisations]
    form.kind.choices = [(kind.value, EVENT_KIND_LABELS[kind]) for kind in EventKind]
    # Meetings to copy an agenda from: of the chosen organisation if it is one of the
    # user's (the posted value is not validated yet), else of the first.
    own = [o.id for o in organisations]
    organisation_id = form.organisation_id.data if form.organisation_id.data in own else (own[0] if own else 0)
    venues = db.session.scalars(
        select(Venue).where(Venue.organisation_id.in_([o.id for o in organisations])).order_by(Venue.city, Venue.name)
    ).all()
    form.venue_id.choices = [(0, _("None (virtual meeting)"))] + [(v.id, f"{v.name}, {v.city}") for v in venues]
    form.template.choices = [("", _("No agenda yet"))] + [(key, t.label) for key, t in TEMPLATES.items()]
    sources = db.session.execute(
        select(EventSession, Event.title)
        .join(Event, Event.id == EventSession.event_id)
        .where(Event.organisation_id == organisation_id, EventSession.id.in_(select(AgendaItem.session_id)))
        .order_by(EventSession.starts_at.desc())
        .limit(50)
    ).all()
    for source, title in sources:
        label = f"{title}, {source.local_start:%d.%m.%Y}"
        form.template.choices.append((f"session:{source.id}", _("Copy: %(title)s", title=label)))
    return form


@bp.route("/moedeserier/ny", methods=["GET", "POST"])
@writes()
@role_required()
def meeting_series_new():
    form = _series_form()
    if request.method == "GET":
        form.kind.data = EventKind.NETVAERKSMOEDE.value
        return render_template("meetings/admin_series_form.html", form=form)
    if not form.validate():
        return render_template("meetings/admin_series_form.html", form=form), 422
    if form.organisation_id.data not in current_organisation_ids():
        abort(404)
    try:
        data = SeriesData(
            organisation_id=form.organisation_id.data,
            title=form.title.data or "",
            kind=EventKind(form.kind.data),
            venue_id=form.venue_id.data or None,
            online_url=form.online_url.data or None,
            dates=series_ops.parse_dates(form.dates.data or ""),
            start_time=form.start_time.data,
            end_time=form.end_time.data,
            capacity=form.capacity.data,
            template=form.template.data or "",
        )
        series = series_ops.create_series(data)
    except (SeriesError, AgendaError) as error:
        refuse(error, form)
        return render_template("meetings/admin_series_form.html", form=form), 422
    flash(
        ngettext(
            "The series has been created with %(num)d meeting (not yet published).",
            "The series has been created with %(num)d meetings (not yet published).",
            len(data.dates),
        ),
        "success",
    )
    return redirect(url_for("organiser.meeting_series", series_id=series.id), code=303)


@bp.route("/moedeserier/<int:series_id>", methods=["GET", "POST"])
@writes()
@role_required()
def meeting_series(series_id: int):
    """The series' meetings of one year (?aar=2027), and a form for one more meeting."""
    series = _series_or_404(series_id)
    form = SeriesMeetingForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                session = series_ops.add_meeting(series, form.day.data, form.start_time.data, form.end_time.data)
            except (SeriesError, AgendaError) as error:
                refuse(error, form)
                status = 422
            else:
                flash(_("The meeting has been added (not yet published)."), "success")
                return redirect(
                    url_for("organiser.meeting_series", series_id=series.id, aar=session.local_start.year), code=303
                )
        else:
            status = 422
    years = series_ops.years_of(series)
    year = request.args.get("aar", type=int) or _default_year(years)
    meetings = series_ops.meetings_of(series, year)
    return (
        render_template(
            "meetings/admin_series.html",
            series=series,
            year=year,
            years=years,
            meetings=meetings,
            agenda_counts={s.id: len(agenda_for(s)) for s in meetings},
            file_counts={s.id: len(files_of_session(s)) for s in meetings},
            columns=series_columns(),
            form=form,
        ),
        status,
    )


def _default_year(years: list[int]) -> int:
    """This year if the series meets in it (or has no meetings), else its latest year."""
    this_year = local_today().year
    return this_year if this_year in years or not years else years[-1]
