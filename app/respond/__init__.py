"""Respondent blueprint: the personal-link flow (no account) and the bestuurder's commitment statement."""
from flask import Blueprint

bp = Blueprint("respond", __name__)

from app.respond import routes  # noqa: E402,F401
