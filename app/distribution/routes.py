"""Distribution routes: participants (by hand and CSV), invitations, reminders, links CSV, follow-up, opt-out."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from flask import Response as FlaskResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.actions import commit, run_action
from app.distribution import bp
from app.distribution.forms import OptOutForm, ParticipantForm, ParticipantImportForm, SelfDistributionForm, SendForm
from app.extensions import db, limiter
from app.jobs import enqueue
from app.models import Job, Participant, Questionnaire
from app.security.access import can_edit, role_required, traject_for
from app.services import invitations, mail_review
from app.services import participants as participant_service
from app.services.mail import smtp_configured
from app.services.tokens import participant_for_token
from app.services.trajects import decode_upload

INVITATIONS_TASK = "worker.tasks.mail.send_invitations"
REMINDERS_TASK = "worker.tasks.mail.send_reminders"
PER_PAGE = 50


def _questionnaire(qid: int, *, write: bool = True) -> Questionnaire:
    """The questionnaire if the user may see its traject; 404 for another traject's ids."""
    questionnaire = db.session.get(Questionnaire, qid)
    if questionnaire is None:
        abort(404)
    traject_for(current_user, questionnaire.traject_id, write=write)
    return questionnaire


def _title(questionnaire: Questionnaire) -> str:
    from app.i18n import pick

    return pick(questionnaire.title) or questionnaire.key


def _role_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    from app.i18n import role_label

    return [(role, role_label(role)) for role in participant_service.allowed_roles(questionnaire)]


def enqueue_invitations(
    questionnaire: Questionnaire,
    *,
    participant_ids: list[int] | None = None,
    resend: bool = False,
    created_by: int | None = None,
) -> Job:
    kwargs: dict = {"questionnaire_id": questionnaire.id}
    if participant_ids is not None:
        kwargs.update(participant_ids=participant_ids, resend=resend)
    return enqueue(
        INVITATIONS_TASK,
        kind="invitations",
        traject_id=questionnaire.traject_id,
        created_by=created_by,
        task_kwargs=kwargs,
    )


def job_message(job: Job) -> str:
    """A mail job's outcome in the reader's language (the worker stores Dutch text): how many
    were sent, failed, and will be retried when."""
    result = job.result or {}
    if "queued" not in result or job.kind not in ("invitations", "reminders"):
        return job.message or ""
    waiting = (result.get("retry") or 0) + (result.get("pending") or 0)
    if any(result.get(key) for key in ("sent", "failed", "unconfirmed")) or waiting:
        return _delivery_text(job, result, waiting)
    if job.state != "done":
        return job.message or ""
    if job.message and not job.message.endswith(" verstuurd.") and not job.message.startswith("Geen "):
        return job.message  # not open, gone: the worker's own words
    n = result["queued"]
    if job.kind == "invitations":
        return (
            ngettext("%(num)s uitnodiging verstuurd.", "%(num)s uitnodigingen verstuurd.", n)
            if n
            else _("Geen uitnodigingen te versturen.")
        )
    return (
        ngettext("%(num)s herinnering verstuurd.", "%(num)s herinneringen verstuurd.", n)
        if n
        else _("Geen herinneringen te versturen.")
    )


def _delivery_text(job: Job, result: dict, waiting: int) -> str:
    sent = result.get("sent") or 0
    if job.kind == "invitations":
        parts = [ngettext("%(num)s uitnodiging verstuurd", "%(num)s uitnodigingen verstuurd", sent)]
    else:
        parts = [ngettext("%(num)s herinnering verstuurd", "%(num)s herinneringen verstuurd", sent)]
    if result.get("failed"):
        parts.append(_("%(num)s mislukt", num=result["failed"]))
    if result.get("unconfirmed"):
        parts.append(_("%(num)s onbevestigd", num=result["unconfirmed"]))
    if waiting and job.state == "queued" and job.retry_at is not None:
        parts.append(
            _("%(num)s worden opnieuw geprobeerd om %(time)s", num=waiting, time=format_time(job.retry_at, "HH:mm:ss"))
        )
    elif waiting:
        parts.append(_("%(num)s wachten in de outbox op de volgende verzendronde", num=waiting))
    text = ", ".join(parts) + "."
    if result.get("pending") and job.state == "queued":
        text = _("Mailserver onbereikbaar.") + " " + text
    return text


def _flash_job(job: Job, counts: bool = True) -> None:
    if job.state == "failed":
        flash(_("Versturen mislukt: %(msg)s", msg=job.message), "error")
    elif job.state == "done":
        flash(_job_text(job, counts) or _("Klaar."), "success")
    else:
        flash(_("De berichten worden op de achtergrond verstuurd."), "success")


def _after_adding(questionnaire: Questionnaire, count: int):
    """Adding sends nothing: the regisseur reviews who gets what, then presses the send button."""
    flash(ngettext("%(num)s deelnemer toegevoegd.", "%(num)s deelnemers toegevoegd.", count), "success")
    flash(_("Er is nog niets verstuurd. Controleer hieronder wie welke uitnodiging krijgt."), "info")
    return redirect(url_for("distribution.review_invitations", qid=questionnaire.id))


@bp.route("/vragenlijsten/<int:qid>/deelnemers", methods=["GET", "POST"])
@role_required("regisseur")
def participants(qid: int):
    questionnaire = _questionnaire(qid)
    traject = questionnaire.traject
    form = ParticipantForm()
    form.role.choices = _role_choices(questionnaire)
    form.organisation.choices = [(o.code, f"{o.code} – {o.name}") for o in traject.organisations]
    closed = participant_service.is_closed(questionnaire)
    status = 200
    if form.validate_on_submit():
        row = {
            "name": form.name.data or "",
            "email": form.email.data,
            "role": form.role.data,
            "organisation": form.organisation.data,
            "language": form.language.data,
        }
        outcome = run_action(
            lambda: participant_service.add_participants(questionnaire, [row], source="form"), form=form
        )
        if outcome.ok:
            return _after_adding(questionnaire, len(outcome.value))
        questionnaire = _questionnaire(qid)
        traject = questionnaire.traject
        status = 422
    elif request.method == "POST":
        status = 422
    query = select(Participant).where(Participant.questionnaire_id == questionnaire.id).order_by(Participant.id)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    jobs = db.session.scalars(
        select(Job)
        .where(
            Job.traject_id == traject.id,
            Job.questionnaire_id == questionnaire.id,
            Job.kind.in_(("invitations", "reminders")),
        )
        .order_by(Job.created_at.desc())
        .limit(5)
    ).all()
    person_status = participant_service.person_status_visible(questionnaire)
    return render_template(
        "distribution/participants.html",
        questionnaire=questionnaire,
        traject=traject,
        title=_title(questionnaire),
        form=form,
        page=page,
        closed=closed,
        mailable=invitations.mailable(questionnaire),
        pending=invitations.pending_invitations(questionnaire),
        # How many reminders are due tells how many have not answered yet.
        due=invitations.due_reminders(questionnaire) if person_status else None,
        person_status=person_status,
        links_visible=participant_service.links_visible(questionnaire),
        jobs=jobs,
        job_message=lambda job: _job_text(job, person_status),
        send_form=SendForm(),
    ), status


def _job_text(job: Job, counts: bool) -> str:
    """Reminder counts of an anonymous questionnaire tell how many have not answered: left out."""
    if not counts and job.kind == "reminders" and job.state == "done":
        return _("Herinneringen verstuurd aan wie nog niet heeft ingevuld.")
    return job_message(job)


@bp.route("/vragenlijsten/<int:qid>/deelnemers/versturen")
@role_required("regisseur")
def review_invitations(qid: int):
    """Before anything is mailed: who will receive what, a sample of the mail in each language, and the button."""
    questionnaire = _questionnaire(qid)
    review = mail_review.invitation_review(questionnaire, current_user.id)
    return render_template(
        "distribution/review.html",
        questionnaire=questionnaire,
        traject=questionnaire.traject,
        title=_title(questionnaire),
        review=review,
        pending=review["recipients"],
        pending_count=review["count"],
        sample=review["sample"],
        mailable=invitations.mailable(questionnaire),
        smtp=smtp_configured(),
        links_visible=participant_service.links_visible(questionnaire),
        send_form=SendForm(),
    )


@bp.route("/vragenlijsten/<int:qid>/deelnemers/herinneren/controleren")
@role_required("regisseur")
def review_reminders(qid: int):
    """Before a reminder goes out: whom it reaches (for an anonymous questionnaire only how many
    have not answered, as the response figures show it), the mail in each language, the button."""
    questionnaire = _questionnaire(qid)
    review = mail_review.reminder_review(questionnaire, current_user.id)
    return render_template(
        "distribution/review_reminders.html",
        questionnaire=questionnaire,
        traject=questionnaire.traject,
        title=_title(questionnaire),
        review=review,
        sample=review["sample"],
        mailable=invitations.mailable(questionnaire),
        smtp=smtp_configured(),
        links_visible=participant_service.links_visible(questionnaire),
        send_form=SendForm(),
    )


@bp.route("/vragenlijsten/<int:qid>/deelnemers/import", methods=["GET", "POST"])
@role_required("regisseur")
def import_participants(qid: int):
    questionnaire = _questionnaire(qid)
    form = ParticipantImportForm()
    report = None
    if form.validate_on_submit():
        text = decode_upload(form.file.data.read())
        report = participant_service.import_participants(questionnaire, text)
        if report.ok:
            commit()
            return _after_adding(questionnaire, len(report.created))
        db.session.rollback()
        questionnaire = _questionnaire(qid)
    status = 422 if report is not None and not report.ok else 200
    return render_template(
        "distribution/import.html",
        questionnaire=questionnaire,
        traject=questionnaire.traject,
        title=_title(questionnaire),
        form=form,
        report=report,
    ), status


@bp.route("/vragenlijsten/<int:qid>/deelnemers/uitnodigen", methods=["POST"])
@role_required("regisseur")
def send_invitations(qid: int):
    questionnaire = _questionnaire(qid)
    if SendForm().validate_on_submit():
        if not invitations.mailable(questionnaire):
            flash(_("De vragenlijst is niet open; er zijn geen uitnodigingen verstuurd."), "error")
        else:
            _flash_job(enqueue_invitations(questionnaire, created_by=current_user.id))
    return redirect(url_for("distribution.participants", qid=qid))


@bp.route("/vragenlijsten/<int:qid>/deelnemers/<int:pid>/opnieuw", methods=["POST"])
@role_required("regisseur")
def resend_invitation(qid: int, pid: int):
    questionnaire = _questionnaire(qid)
    participant = db.session.get(Participant, pid)
    if participant is None or participant.questionnaire_id != questionnaire.id:
        abort(404)
    if SendForm().validate_on_submit():
        if not participant_service.person_status_visible(questionnaire):
            # Whether it went out would tell whether this person answered: reminders do this job.
            flash(
                _(
                    "Bij een anonieme vragenlijst wordt niet per persoon opnieuw uitgenodigd; herinneringen gaan "
                    "vanzelf naar wie nog niet heeft ingevuld."
                ),
                "info",
            )
        elif not invitations.mailable(questionnaire):
            flash(_("De vragenlijst is niet open; er zijn geen uitnodigingen verstuurd."), "error")
        else:
            _flash_job(
                enqueue_invitations(
                    questionnaire, participant_ids=[participant.id], resend=True, created_by=current_user.id
                )
            )
    return redirect(url_for("distribution.participants", qid=qid))


@bp.route("/vragenlijsten/<int:qid>/deelnemers/herinneren", methods=["POST"])
@role_required("regisseur")
def send_reminders(qid: int):
    questionnaire = _questionnaire(qid)
    if SendForm().validate_on_submit():
        if not invitations.mailable(questionnaire):
            flash(_("De vragenlijst is niet open; er zijn geen herinneringen verstuurd."), "error")
        else:
            _flash_job(
                enqueue(
                    REMINDERS_TASK,
                    kind="reminders",
                    traject_id=questionnaire.traject_id,
                    created_by=current_user.id,
                    task_kwargs={"questionnaire_id": questionnaire.id},
                ),
                counts=participant_service.person_status_visible(questionnaire),
            )
    return redirect(url_for("distribution.participants", qid=qid))


@bp.route("/vragenlijsten/<int:qid>/deelnemers/links.csv")
@role_required("regisseur")
def links_csv(qid: int):
    questionnaire = _questionnaire(qid)
    try:
        rows = invitations.link_rows(questionnaire)
    except invitations.LinksNotAvailable:
        flash(
            _(
                "De persoonlijke links van een anonieme vragenlijst gaan alleen per mail naar de deelnemers. "
                "Alleen in een traject zonder mailserver kunt u ze zelf verspreiden (instelling op de pagina "
                "Deelnemers en respons van het traject)."
            ),
            "error",
        )
        return redirect(url_for("distribution.participants", qid=qid))
    commit()  # the export.links audit event
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(invitations.LINK_COLUMNS)
    writer.writerows(rows)
    response = FlaskResponse("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="links-vragenlijst-{questionnaire.id}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _days_left(questionnaire: Questionnaire) -> tuple[date | datetime | None, int | None]:
    deadline = questionnaire.closes_at or questionnaire.traject.deadline
    if deadline is None:
        return None, None
    today = datetime.now(UTC).date()
    day = deadline.date() if isinstance(deadline, datetime) else deadline
    return deadline, (day - today).days


@bp.route("/vragenlijsten/<int:qid>/respons")
@login_required
def follow_up(qid: int):
    questionnaire = _questionnaire(qid, write=False)
    rows, roles, total = participant_service.response_rates(questionnaire)
    deadline, days_left = _days_left(questionnaire)
    return render_template(
        "distribution/follow_up.html",
        questionnaire=questionnaire,
        traject=questionnaire.traject,
        title=_title(questionnaire),
        rows=rows,
        roles=roles,
        total=total,
        deadline=deadline,
        days_left=days_left,
        closed=participant_service.is_closed(questionnaire),
        editable=can_edit(current_user, questionnaire.traject),
        as_of=datetime.now(UTC),
    )


@bp.route("/trajecten/<int:traject_id>/verspreiding")
@login_required
def overview(traject_id: int):
    traject = traject_for(current_user, traject_id)
    questionnaires = db.session.scalars(
        select(Questionnaire)
        .where(Questionnaire.traject_id == traject.id)
        .order_by(Questionnaire.created_at, Questionnaire.id)
    ).all()
    summary = {q.id: participant_service.response_rates(q)[2] for q in questionnaires}
    editable = can_edit(current_user, traject)
    form = SelfDistributionForm(enabled=traject.self_distribution) if editable else None
    return render_template(
        "distribution/overview.html",
        traject=traject,
        questionnaires=questionnaires,
        summary=summary,
        editable=editable,
        form=form,
        smtp=smtp_configured(),
    )


@bp.route("/trajecten/<int:traject_id>/verspreiding/zelf-verspreiden", methods=["POST"])
@role_required("regisseur")
def self_distribution(traject_id: int):
    """Switch "zelf verspreiden" on or off (audited); only for a traject without a mail server."""
    traject = traject_for(current_user, traject_id, write=True)
    form = SelfDistributionForm()
    if form.validate_on_submit():
        outcome = run_action(lambda: participant_service.set_self_distribution(traject, bool(form.enabled.data)))
        if outcome.ok:
            changed = outcome.result
            if changed and traject.self_distribution:
                flash(
                    _(
                        "Zelf verspreiden staat aan: u kunt de persoonlijke links downloaden. De deelnemers lezen "
                        "dit op de eerste pagina van de vragenlijst, en het rapport vermeldt het."
                    ),
                    "success",
                )
            elif changed:
                flash(
                    _(
                        "Zelf verspreiden staat uit: de persoonlijke links van anonieme vragenlijsten gaan "
                        "alleen per mail."
                    ),
                    "success",
                )
    return redirect(url_for("distribution.overview", traject_id=traject.id))


def _optout_limit() -> str:
    return current_app.config.get("OPTOUT_RATE_LIMIT", "20 per minute")


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@limiter.limit(_optout_limit)
def opt_out(token: str):
    participant = participant_for_token(token)
    if participant is None:
        abort(404)
    form = OptOutForm()
    done = participant.opted_out
    # A GET only asks: mail scanners open links, and must not opt anybody out.
    if form.validate_on_submit():
        invitations.opt_out(token)
        commit()
        done = True
    title = _title(participant.questionnaire)
    return render_template("distribution/opt_out.html", form=form, done=done, title=title)


@bp.app_template_filter("personal_links")
def personal_links_filter(body: str, traject_id: int | None) -> str:
    """Fill link placeholders of an outbox message for the regisseur's outbox page; links of
    anonymous questionnaires stay hidden (unless the traject self-distributes)."""
    return invitations.display_links(body or "", traject_id)


@bp.app_template_global("outbox_hidden")
def outbox_hidden(message) -> bool:
    """A reminder goes only to those who have not answered: for an anonymous questionnaire the
    outbox does not list it (unless the traject self-distributes and the regisseur forwards it)."""
    if message.kind != "reminder":
        return False
    match = invitations.PLACEHOLDER.search(message.body or "")
    participant = db.session.get(Participant, int(match.group(2))) if match else None
    return participant is not None and not participant_service.links_visible(participant.questionnaire)
