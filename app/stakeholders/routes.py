"""Register routes: the list with measured attitude, add/edit/delete, CSV import, the grid and moving on it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.actions import commit, run_action
from app.extensions import db
from app.i18n import select_locale, translate, translate_errors
from app.models.stakeholders import Stakeholder
from app.security.access import can_edit, role_required, traject_for
from app.services import concerns as concern_service
from app.services import engagements as engagement_service
from app.services import stakeholders as service
from app.services.trajects import decode_upload
from app.stakeholders import bp
from app.stakeholders.forms import CsrfForm, ImportForm, MoveForm, StakeholderForm
from app.stakeholders.grid import grid_svg

PREFIX = "/trajecten/<int:traject_id>/belanghebbenden"


def stakeholder_of(traject, stakeholder_id: int) -> Stakeholder:
    stakeholder = db.session.get(Stakeholder, stakeholder_id)
    if stakeholder is None or stakeholder.traject_id != traject.id:
        abort(404)
    return stakeholder


def _organisation_choices(form, traject) -> None:
    form.organisation.choices = [("", _("Hele traject"))] + [
        (o.code, f"{o.code} · {o.name}") for o in traject.organisations
    ]


@bp.route(PREFIX)
@login_required
def register(traject_id: int):
    traject = traject_for(current_user, traject_id)
    people = service.register(traject)
    measured = service.measured(traject, people)
    notes = [s for s in people if (measured.get(s.id) or {}).get("disagreement")]
    return render_template(
        "stakeholders/register.html",
        traject=traject,
        people=people,
        measured=measured,
        notes=notes,
        editable=can_edit(current_user, traject),
    )


@bp.route(PREFIX + "/krachtenveld")
@login_required
def grid(traject_id: int):
    traject = traject_for(current_user, traject_id)
    people = service.register(traject)
    editable = can_edit(current_user, traject)
    forms = {}
    if editable:
        for s in people:
            form = MoveForm(prefix=f"s{s.id}", data={"influence": str(s.influence), "interest": str(s.interest)})
            forms[s.id] = form
    return render_template(
        "stakeholders/grid.html",
        traject=traject,
        people=people,
        forms=forms,
        cells=service.grid(people),
        svg=grid_svg(people),
        editable=editable,
    )


@bp.route(PREFIX + "/<int:stakeholder_id>/verplaatsen", methods=["POST"])
@role_required("regisseur")
def move(traject_id: int, stakeholder_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    stakeholder = stakeholder_of(traject, stakeholder_id)
    form = MoveForm(prefix=f"s{stakeholder.id}")
    if not form.validate_on_submit():
        flash(_("Kies invloed en belang van 1 tot en met 5."), "error")
        return redirect(url_for("stakeholders.grid", traject_id=traject.id))
    try:
        service.move(stakeholder, form.influence.data, form.interest.data)
    except service.StakeholderError as exc:
        db.session.rollback()
        flash("; ".join(m for ms in translate_errors(exc.errors).values() for m in ms), "error")
    else:
        commit()
        flash(_("%(name)s staat nu in „%(q)s”.", name=stakeholder.name, q=_quadrant(stakeholder.quadrant)), "success")
    return redirect(url_for("stakeholders.grid", traject_id=traject.id, _anchor=f"s-{stakeholder.id}"))


def _quadrant(code: str) -> str:
    from app.stakeholders.labels import QUADRANT

    return str(QUADRANT[code])


def _form_data(form) -> dict:
    return {name: form[name].data for name in service.FIELDS}


@bp.route(PREFIX + "/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def add(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = StakeholderForm()
    _organisation_choices(form, traject)
    if form.validate_on_submit():
        added = run_action(
            lambda: service.add(traject, _form_data(form)),
            success=_("Belanghebbende toegevoegd."),
            redirect_to=lambda s: url_for("stakeholders.show", traject_id=traject_id, stakeholder_id=s.id),
            form=form,
        )
        if added.response is not None:
            return added.response
        traject = traject_for(current_user, traject_id, write=True)
    return render_template("stakeholders/form.html", form=form, traject=traject, stakeholder=None)


@bp.route(PREFIX + "/<int:stakeholder_id>")
@login_required
def show(traject_id: int, stakeholder_id: int):
    traject = traject_for(current_user, traject_id)
    stakeholder = stakeholder_of(traject, stakeholder_id)
    log = engagement_service.of_stakeholder(engagement_service.engagements(traject), stakeholder)
    raised = [c for c in concern_service.visible(traject) if c.stakeholder_id == stakeholder.id]
    items = [i for i in engagement_service.plan(traject) if i.stakeholder_id == stakeholder.id]
    return render_template(
        "stakeholders/show.html",
        traject=traject,
        s=stakeholder,
        log=log,
        raised=raised,
        items=items,
        measured=service.measured(traject, [stakeholder]).get(stakeholder.id),
        editable=can_edit(current_user, traject),
        confirm=CsrfForm(),
    )


@bp.route(PREFIX + "/<int:stakeholder_id>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def edit(traject_id: int, stakeholder_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    stakeholder = stakeholder_of(traject, stakeholder_id)
    form = StakeholderForm(
        data={
            "name": stakeholder.name,
            "kind": stakeholder.kind,
            "category": stakeholder.category,
            "organisation": stakeholder.organisation_code or "",
            "influence": str(stakeholder.influence),
            "interest": str(stakeholder.interest),
            "attitude": stakeholder.attitude,
            "engagement": stakeholder.engagement,
            "measured_role": stakeholder.measured_role or "",
            "owner": stakeholder.owner,
            "note": stakeholder.note,
        }
    )
    _organisation_choices(form, traject)
    if form.validate_on_submit():
        saved = run_action(
            lambda: service.update(stakeholder, traject, _form_data(form)),
            success=_("Wijzigingen opgeslagen."),
            redirect_to=url_for("stakeholders.show", traject_id=traject_id, stakeholder_id=stakeholder_id),
            form=form,
        )
        if saved.response is not None:
            return saved.response
        traject = traject_for(current_user, traject_id, write=True)
        stakeholder = stakeholder_of(traject, stakeholder_id)
    return render_template("stakeholders/form.html", form=form, traject=traject, stakeholder=stakeholder)


@bp.route(PREFIX + "/<int:stakeholder_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def delete(traject_id: int, stakeholder_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    stakeholder = stakeholder_of(traject, stakeholder_id)
    if CsrfForm().validate_on_submit():
        service.delete(stakeholder)
        commit()
        flash(_("Belanghebbende verwijderd."), "success")
    return redirect(url_for("stakeholders.register", traject_id=traject.id))


@bp.route(PREFIX + "/<int:stakeholder_id>/communicatie-afleiden", methods=["POST"])
@role_required("regisseur")
def derive(traject_id: int, stakeholder_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    stakeholder = stakeholder_of(traject, stakeholder_id)
    if CsrfForm().validate_on_submit():
        made = engagement_service.derive_plan(stakeholder)
        commit()
        flash(
            ngettext("%(num)s communicatiemoment voorgesteld.", "%(num)s communicatiemomenten voorgesteld.", len(made)),
            "success",
        )
    return redirect(url_for("stakeholders.show", traject_id=traject.id, stakeholder_id=stakeholder.id))


@bp.route(PREFIX + "/import", methods=["GET", "POST"])
@role_required("regisseur")
def import_csv(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        report = service.import_csv(traject, decode_upload(form.file.data.read()))
        if report.ok:
            commit()
            flash(
                ngettext(
                    "%(num)s belanghebbende geïmporteerd.", "%(num)s belanghebbenden geïmporteerd.", len(report.created)
                ),
                "success",
            )
            return redirect(url_for("stakeholders.register", traject_id=traject.id))
        db.session.rollback()
        traject = traject_for(current_user, traject_id, write=True)
        report.row_errors = [(line, column, translate(message)) for line, column, message in report.row_errors]
    status = 422 if report is not None and not report.ok else 200
    return render_template(
        "stakeholders/import.html",
        form=form,
        traject=traject,
        report=report,
        example=service.CSV_EXAMPLE_EN if select_locale() == "en" else service.CSV_EXAMPLE,
    ), status
