"""The participant list of a traject's anonymous questionnaires: a bestuurder sees their own organisation's."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from app.security.access import traject_for
from app.services import participant_list
from app.trajects import bp


@bp.route("/<int:traject_id>/deelnemerslijst")
@login_required
def participant_list_page(traject_id: int):
    traject = traject_for(current_user, traject_id)
    if current_user.role == "regisseur":
        rows = participant_list.listed(traject)
    elif current_user.role == "bestuurder" and current_user.organisation_id is not None:
        rows = participant_list.listed(traject, current_user.organisation_id)
    else:
        abort(403)
    return render_template(
        "trajects/participant_list.html",
        traject=traject,
        rows=rows,
        late=sum(1 for r in rows if r.added_after_publishing_on is not None),
    )
