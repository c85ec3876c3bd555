"""Questionnaires blueprint: the regisseur builds, previews, publishes, versions, exports and imports questionnaires."""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__)


@bp.record_once
def _register_question_helpers(state) -> None:
    # The question macros (templates/questions/_render.html) are shared with the respondent
    # flow, so their helpers are app-wide template globals.
    from app.questionnaires.formdata import TEMPLATE_GLOBALS

    state.app.jinja_env.globals.update(TEMPLATE_GLOBALS)


from app.questionnaires import editor_routes, routes  # noqa: E402,F401
