"""Privacy pages of a traject (AVG): overview, retention, export for one person, archive and erase."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, NumberRange

from app.actions import commit, run_action
from app.models.privacy import MAX_RETENTION_DAYS
from app.security.access import role_required, traject_for
from app.services import privacy
from app.trajects import bp


class RetentionForm(FlaskForm):
    retention_days = IntegerField(
        _l("Bewaartermijn ruwe antwoorden na archiveren (dagen)"),
        validators=[NumberRange(min=0, max=MAX_RETENTION_DAYS, message=_l("Kies een aantal dagen tussen 0 en 3650."))],
    )
    submit = SubmitField(_l("Bewaartermijn opslaan"))


class ExportForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres van de betrokkene"),
        validators=[
            DataRequired(_l("Vul een e-mailadres in.")),
            Email(_l("Vul een geldig e-mailadres in.")),
            Length(max=254),
        ],
    )
    submit = SubmitField(_l("Gegevens exporteren (JSON)"))


class EraseForm(FlaskForm):
    confirm_name = StringField(
        _l("Typ de naam van het traject ter bevestiging"), validators=[DataRequired(_l("Typ de naam van het traject."))]
    )
    delete_responses = BooleanField(_l("Verwijder ook de ruwe antwoorden (de berekende resultaten blijven)"))
    submit = SubmitField(_l("Archiveren en persoonsgegevens definitief wissen"))


def _traject(traject_id: int):
    # Regisseurs only; the privacy pages stay usable after an archive (export, retention).
    return traject_for(current_user, traject_id, write=True, allow_archived=True)


def _render(traject, retention_form=None, export_form=None, status: int = 200):
    settings = privacy.settings_for(traject)
    retention_form = retention_form or RetentionForm(retention_days=settings.retention_days)
    return render_template(
        "trajects/privacy.html",
        traject=traject,
        counts=privacy.overview(traject),
        settings=settings,
        due=privacy.retention_due(traject, settings),
        retention_form=retention_form,
        export_form=export_form or ExportForm(),
    ), status


@bp.route("/<int:traject_id>/privacy")
@role_required("regisseur")
def privacy_overview(traject_id: int):
    return _render(_traject(traject_id))


@bp.route("/<int:traject_id>/privacy/bewaartermijn", methods=["POST"])
@role_required("regisseur")
def privacy_retention(traject_id: int):
    traject = _traject(traject_id)
    form = RetentionForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: privacy.set_retention(traject, form.retention_days.data),
            field=form.retention_days,
            success=_("Bewaartermijn opgeslagen."),
            redirect_to=url_for("trajects.privacy_overview", traject_id=traject.id),
        )
        if outcome.response:
            return outcome.response
    return _render(traject, retention_form=form, status=422)


@bp.route("/<int:traject_id>/privacy/export", methods=["POST"])
@role_required("regisseur")
def privacy_export(traject_id: int):
    traject = _traject(traject_id)
    form = ExportForm()
    if not form.validate_on_submit():
        return _render(traject, export_form=form, status=422)
    data = privacy.export_participant(traject, form.email.data)
    if data is None:
        form.email.errors = [_("Over dit e-mailadres is in dit traject niets opgeslagen.")]
        return _render(traject, export_form=form, status=404)
    commit()  # the privacy.exported audit event
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="privacy-export-traject-{traject.id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:traject_id>/privacy/wissen", methods=["GET", "POST"])
@role_required("regisseur")
def privacy_erase(traject_id: int):
    traject = _traject(traject_id)
    if privacy.is_archived(traject):
        flash(_("Dit traject is al gearchiveerd en gewist."), "info")
        return redirect(url_for("trajects.privacy_overview", traject_id=traject.id))
    form = EraseForm()
    status = 200
    if form.validate_on_submit():
        outcome = run_action(
            lambda: privacy.erase_traject(
                traject, confirm_name=form.confirm_name.data, delete_raw_responses=bool(form.delete_responses.data)
            ),
            field=form.confirm_name,
            success=lambda counts: _(
                "Het traject is gearchiveerd. Gewist: %(p)s deelnemers, %(a)s accounts, "
                "%(o)s berichten; %(r)s antwoorden verwijderd.",
                p=counts["participants"],
                a=counts["accounts"],
                o=counts["outbox"],
                r=counts["responses_deleted"],
            ),
            redirect_to=url_for("trajects.privacy_overview", traject_id=traject_id),
        )
        if outcome.response:
            return outcome.response
        traject = _traject(traject_id)
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "trajects/privacy_erase.html", traject=traject, form=form, counts=privacy.overview(traject)
    ), status
