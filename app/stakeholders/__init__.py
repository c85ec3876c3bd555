"""Stakeholders blueprint: register, power/interest grid, engagement log, concerns and communication plan."""

from flask import Blueprint

bp = Blueprint("stakeholders", __name__)


@bp.app_context_processor
def _labels():
    from app.stakeholders.labels import helpers
    from app.stakeholders.views import includes

    return {**helpers(), **includes()}


from app.stakeholders import log_routes, routes, staff_routes  # noqa: E402,F401
