"""Back-office pages for invitations: the audience and its preview, sending, tracking.

Registered on the organiser blueprint (see VIEW_MODULES in eventsite/organiser).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from eventsite.accounts.access import bp, has_role, role_required
from eventsite.events.access import event_for_current_user_or_404
from eventsite.extensions import db
from eventsite.geo import all_municipalities, known_regions, municipality
from eventsite.invitations import directory, sending, tracking
from eventsite.invitations.audience import AudienceSpec, describe_exclusions, find_members
from eventsite.invitations.forms import ActionForm, SendForm
from eventsite.invitations.models import InvitationRound, JobLevel
from eventsite.web import discard, writes

#: Members listed under the audience preview (the count always covers everyone).
PREVIEW_LIMIT = 500


def round_for_current_user_or_404(round_id: int) -> InvitationRound:
    """The round, if its event belongs to an organisation where the user is staff."""
    round_ = db.session.get(InvitationRound, round_id)
    if round_ is None or not has_role(round_.event.organisation_id):
        abort(404)
    return round_


def audience_from(values: MultiDict, organisation_id: int) -> tuple[AudienceSpec, list[str]]:
    """The audience a form or query string describes, and a message per value not understood."""
    problems: list[str] = []
    regions = [r for r in values.getlist("region") if r]
    for region in regions:
        if region not in known_regions():
            problems.append(_("Unknown region “%(value)s”.", value=region))
    codes = []
    for code in (c for c in values.getlist("municipality") if c):
        found = municipality(code)
        if found is None:
            problems.append(_("Unknown municipality “%(value)s”.", value=code))
        else:
            codes.append(found.code)
    levels = []
    for level in (v for v in values.getlist("level") if v):
        try:
            levels.append(JobLevel(level))
        except ValueError:
            problems.append(_("Unknown job level “%(value)s”.", value=level))
    tags = [t for t in values.getlist("tag") if t]
    removed = []
    for value in values.getlist("remove"):
        if value.isdigit():
            removed.append(int(value))
        elif value:
            problems.append(_("“%(value)s” is not a member.", value=value))
    added, unknown = find_members(organisation_id, (values.get("add") or "").replace(",", "\n").splitlines())
    for entry in unknown:
        problems.append(_("No member has the e-mail address or member number “%(value)s”.", value=entry))
    spec = AudienceSpec(
        regions=[r for r in regions if r in known_regions()],
        municipality_codes=codes,
        job_levels=levels,
        tags=tags,
        added_ids=added,
        removed_ids=removed,
        reminder=values.get("reminder") == "1",
    )
    return spec, problems


def _hidden_fields(values: MultiDict) -> list[tuple[str, str]]:
    """The audience criteria again, as hidden fields of the send form."""
    keys = ("region", "municipality", "level", "tag", "remove", "add", "reminder")
    return [(key, value) for key in keys for value in values.getlist(key) if value]


@bp.get("/arrangementer/<int:event_id>/invitationer")
@writes()
@role_required()
def event_invitations(event_id: int):
    event = event_for_current_user_or_404(event_id)
    # Copy delivery and sign-ups into the stored states (derived data, idempotent).
    tracking.refresh_states(event)
    return render_template(
        "invitations/event_invitations.html",
        event=event,
        tracking=tracking.event_tracking(event),
        directory_size=directory.member_count(event.organisation_id),
        reminder_hours=sending.reminder_interval().total_seconds() // 3600,
    )


def _render_audience(event, values: MultiDict, form: SendForm, status: int = 200, problems=None):
    spec, found_problems = audience_from(values, event.organisation_id)
    problems = (problems or []) + found_problems
    audience = sending.preview_audience(event, spec)
    return (
        render_template(
            "invitations/audience.html",
            event=event,
            spec=spec,
            values=values,
            audience=audience,
            shown=audience.members[:PREVIEW_LIMIT],
            exclusions=describe_exclusions(audience.excluded),
            problems=problems,
            form=form,
            hidden=_hidden_fields(values),
            regions=known_regions(),
            municipalities=all_municipalities(),
            levels=list(JobLevel),
            tags=directory.distinct_tags(event.organisation_id),
            without_removed=lambda member_id: _url_with(event.id, values, remove=str(member_id)),
        ),
        status,
    )


def _url_with(event_id: int, values: MultiDict, **extra) -> str:
    args = MultiDict(values)
    for key, value in extra.items():
        args.add(key, value)
    return url_for("organiser.invitation_audience", event_id=event_id, **args.to_dict(flat=False))


@bp.get("/arrangementer/<int:event_id>/invitationer/ny")
@role_required()
def invitation_audience(event_id: int):
    event = event_for_current_user_or_404(event_id)
    return _render_audience(event, request.args, SendForm(formdata=None))


@bp.post("/arrangementer/<int:event_id>/invitationer/send")
@writes()
@role_required()
def invitation_send(event_id: int):
    event = event_for_current_user_or_404(event_id)
    form = SendForm()
    if not form.validate():
        return _render_audience(event, request.form, form, 400)
    spec, problems = audience_from(request.form, event.organisation_id)
    if problems:
        return _render_audience(event, request.form, form, 422)
    key = form.idempotency_key.data
    try:
        result = sending.send_round(event.id, spec, key, user_id=current_user.id)
    except sending.SendError as error:
        discard()
        return _render_audience(event, request.form, form, 409, [error.message])
    except IntegrityError:
        # The same click arrived twice at the same moment: the other request made the round.
        discard()
        found = sending.existing_round(event.id, key)
        if found is None:
            raise
        return redirect(url_for("organiser.invitation_round", round_id=found.id), code=303)
    if result.created:
        flash(
            _("%(num)d invitations are on their way.", num=result.count)
            if not spec.reminder
            else _("%(num)d reminders are on their way.", num=result.count),
            "success",
        )
    return redirect(url_for("organiser.invitation_round", round_id=result.round.id), code=303)


@bp.get("/invitationsrunder/<int:round_id>")
@role_required()
def invitation_round(round_id: int):
    round_ = round_for_current_user_or_404(round_id)
    figures = tracking.round_figures(round_)
    return render_template(
        "invitations/round.html",
        round=round_,
        event=round_.event,
        figures=figures,
        progress_text=_progress_text(figures),
        stop_form=ActionForm(),
    )


def _progress_text(figures: tracking.Figures) -> str:
    if figures.done:
        return _("All %(num)d e-mails have been handled.", num=figures.invited)
    return _(
        "%(done)d of %(total)d e-mails handled; %(waiting)d waiting.",
        done=figures.handled,
        total=figures.invited,
        waiting=figures.on_its_way,
    )


@bp.get("/invitationsrunder/<int:round_id>/fremdrift")
@role_required()
def invitation_round_progress(round_id: int):
    """The delivery figures as JSON, polled by the round page while a round goes out."""
    figures = tracking.round_figures(round_for_current_user_or_404(round_id))
    return {
        "invited": figures.invited,
        "handled": figures.handled,
        "delivered": figures.delivered,
        "bounced": figures.bounced,
        "waiting": figures.on_its_way,
        "done": figures.done,
        "text": _progress_text(figures),
    }


@bp.post("/invitationsrunder/<int:round_id>/stop")
@writes()
@role_required()
def invitation_round_stop(round_id: int):
    round_ = round_for_current_user_or_404(round_id)
    if not ActionForm().validate():
        abort(400)
    withdrawn = sending.withdraw_queued(round_)
    flash(_("Delivery stopped: %(num)d e-mails will not be sent.", num=withdrawn), "success")
    return redirect(url_for("organiser.invitation_round", round_id=round_.id), code=303)
