"""Traject routes: list, create, edit, organisations (form and CSV), members, audit trail, outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.actions import commit, run_action
from app.extensions import db
from app.main import homes
from app.models import AuditEvent, Organisation, OutboxMessage, TrajectMember
from app.security.access import can_edit, role_required, traject_for, visible_trajects_query
from app.services import accounts
from app.services import trajects as traject_service
from app.services.errors import N_
from app.trajects import audit_labels, bp, checklist
from app.trajects.forms import ConfirmForm, ImportForm, MemberForm, OrganisationForm, TrajectForm

PER_PAGE = 25


@bp.route("/")
@login_required
def index():
    page = db.paginate(
        visible_trajects_query(current_user),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("trajects/index.html", page=page)


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def create():
    form = TrajectForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: traject_service.create_traject(
                current_user,
                name=form.name.data,
                description=form.description.data or "",
                phase=form.phase.data,
                anonymity_threshold=form.anonymity_threshold.data,
                comment_threshold=form.comment_threshold.data,
                deadline=form.deadline.data,
            ),
            form=form,
            success=_("Traject aangemaakt."),
            redirect_to=lambda traject: url_for("trajects.show", traject_id=traject.id),
        )
        if outcome.response:
            return outcome.response
    return render_template("trajects/form.html", form=form, traject=None)


@bp.route("/<int:traject_id>")
@login_required
def show(traject_id: int):
    traject = traject_for(current_user, traject_id)
    editable = can_edit(current_user, traject)
    # The regisseur's "what now?" checklist; a bestuurder first sees what is asked of them.
    asks = homes.bestuurder_asks(current_user, traject) if current_user.role == "bestuurder" else None
    return render_template(
        "trajects/show.html",
        traject=traject,
        editable=editable,
        asks=asks,
        checklist=checklist.phases(traject) if editable else None,
    )


@bp.route("/<int:traject_id>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def edit(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = TrajectForm(obj=traject)
    status = 200
    if form.validate_on_submit():
        # A lowered threshold after publishing answers 409 (ThresholdFrozen.status) on its fields.
        outcome = run_action(
            lambda: traject_service.update_traject(
                traject,
                name=form.name.data,
                description=form.description.data or "",
                phase=form.phase.data,
                anonymity_threshold=form.anonymity_threshold.data,
                comment_threshold=form.comment_threshold.data,
                deadline=form.deadline.data,
            ),
            form=form,
            success=_("Wijzigingen opgeslagen."),
            redirect_to=url_for("trajects.show", traject_id=traject.id),
        )
        if outcome.response:
            return outcome.response
        status = outcome.status
    return render_template(
        "trajects/form.html",
        form=form,
        traject=traject,
        thresholds_frozen=traject_service.has_published_questionnaire(traject),
    ), status


@bp.route("/<int:traject_id>/organisaties/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def add_organisation(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = OrganisationForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: traject_service.add_organisation(traject, form.data),
            form=form,
            success=_("Organisatie toegevoegd."),
            redirect_to=url_for("trajects.show", traject_id=traject.id),
        )
        if outcome.response:
            return outcome.response
    return render_template("trajects/organisation_form.html", form=form, traject=traject, organisation=None)


def _organisation(traject, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.traject_id != traject.id:
        abort(404)
    return organisation


@bp.route("/<int:traject_id>/organisaties/<int:organisation_id>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def edit_organisation(traject_id: int, organisation_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    organisation = _organisation(traject, organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        outcome = run_action(
            lambda: traject_service.update_organisation(organisation, form.data),
            form=form,
            success=_("Organisatie bijgewerkt."),
            redirect_to=url_for("trajects.show", traject_id=traject.id),
        )
        if outcome.response:
            return outcome.response
    return render_template("trajects/organisation_form.html", form=form, traject=traject, organisation=organisation)


def _dependents_text(dependents: dict[str, int]) -> str:
    """'3 deelnemers, 1 account' in the reader's language."""
    words = {
        "participants": lambda n: ngettext("%(num)s deelnemer", "%(num)s deelnemers", n),
        "accounts": lambda n: ngettext("%(num)s account", "%(num)s accounts", n),
        "responses": lambda n: ngettext("%(num)s antwoord", "%(num)s antwoorden", n),
        "swot": lambda n: ngettext("%(num)s SWOT-punt", "%(num)s SWOT-punten", n),
        "decisions": lambda n: ngettext("%(num)s besluit of MR-advies", "%(num)s besluiten of MR-adviezen", n),
    }
    return ", ".join(words[k](n) if k in words else f"{k} {n}" for k, n in dependents.items())


@bp.route("/<int:traject_id>/organisaties/<int:organisation_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def delete_organisation(traject_id: int, organisation_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    organisation = _organisation(traject, organisation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = organisation.name
    try:
        traject_service.delete_organisation(organisation)
    except traject_service.TrajectError as exc:
        db.session.rollback()
        what = _dependents_text(exc.dependents if isinstance(exc, traject_service.OrganisationInUse) else {})
        flash(
            _(
                "De organisatie %(name)s kan niet worden verwijderd: er hangen gegevens aan (%(what)s).",
                name=name,
                what=what,
            ),
            "error",
        )
        return redirect(url_for("trajects.edit_organisation", traject_id=traject.id, organisation_id=organisation_id))
    commit()
    flash(_("Organisatie %(name)s verwijderd.", name=name), "success")
    return redirect(url_for("trajects.show", traject_id=traject.id))


@bp.route("/<int:traject_id>/organisaties/import", methods=["GET", "POST"])
@role_required("regisseur")
def import_organisations(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        text = traject_service.decode_upload(form.file.data.read())
        report = traject_service.import_organisations(traject, text)
        if report.ok:
            commit()
            flash(
                ngettext(
                    "%(num)s organisatie geïmporteerd.", "%(num)s organisaties geïmporteerd.", len(report.created)
                ),
                "success",
            )
            return redirect(url_for("trajects.show", traject_id=traject.id))
        db.session.rollback()
        traject = traject_for(current_user, traject_id, write=True)
    status = 422 if report is not None and not report.ok else 200
    return render_template("trajects/import.html", form=form, traject=traject, report=report), status


@bp.route("/<int:traject_id>/leden", methods=["GET", "POST"])
@login_required
def members(traject_id: int):
    traject = traject_for(current_user, traject_id)
    editable = can_edit(current_user, traject)
    form = MemberForm()
    form.organisation.choices = [("", _("— geen —"))] + [
        (o.code, f"{o.code} – {o.name}") for o in traject.organisations
    ]
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():

            def add():
                user = accounts.find_user(form.email.data)
                if user is None:
                    if not form.name.data or not form.password.data:
                        raise accounts.AccountError(N_("Voor een nieuw account zijn naam en startwachtwoord nodig."))
                    organisation = (
                        traject.organisation_by_code(form.organisation.data) if form.organisation.data else None
                    )
                    user = accounts.create_user(
                        email=form.email.data,
                        name=form.name.data,
                        role=form.role.data,
                        password=form.password.data,
                        organisation=organisation,
                    )
                    db.session.flush()
                traject_service.add_member(traject, user)
                return user

            # The refusal shows at the e-mail field, whatever the service names.
            outcome = run_action(
                add,
                field=form.email,
                success=lambda user: _("%(email)s is toegevoegd aan het traject.", email=user.email),
                redirect_to=url_for("trajects.members", traject_id=traject.id),
            )
            if outcome.response:
                return outcome.response
    memberships = db.session.scalars(
        select(TrajectMember).where(TrajectMember.traject_id == traject.id).order_by(TrajectMember.added_at)
    ).all()
    return render_template(
        "trajects/members.html",
        traject=traject,
        form=form,
        memberships=memberships,
        editable=editable,
        confirm=ConfirmForm(),
    )


@bp.route("/<int:traject_id>/leden/<int:member_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def remove_member(traject_id: int, member_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    member = db.session.get(TrajectMember, member_id)
    if member is None or member.traject_id != traject.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        run_action(lambda: traject_service.remove_member(traject, member, current_user), success=_("Lid verwijderd."))
    return redirect(url_for("trajects.members", traject_id=traject.id))


@bp.route("/<int:traject_id>/logboek")
@role_required("regisseur")
def audit_log(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.traject_id == traject.id).distinct().order_by(AuditEvent.action)
    ).all()
    action = request.args.get("actie") or ""
    query = (
        select(AuditEvent)
        .where(AuditEvent.traject_id == traject.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if action:
        query = query.where(AuditEvent.action == action)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template(
        "trajects/audit.html", traject=traject, page=page, actions=actions, action=action, labels=audit_labels
    )


@bp.route("/<int:traject_id>/outbox")
@role_required("regisseur")
def outbox(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.traject_id == traject.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=20, error_out=False)
    return render_template("trajects/outbox.html", traject=traject, page=page)


from app.trajects import privacy_routes  # noqa: E402,F401
