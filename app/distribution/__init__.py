"""Distribution blueprint: participants, invitations, reminders, outbox links and response follow-up."""

from flask import Blueprint

bp = Blueprint("distribution", __name__)

from app.distribution import routes  # noqa: E402,F401
