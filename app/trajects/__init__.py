"""Trajects blueprint: the regisseur's traject list, settings, organisations and members."""

from flask import Blueprint

bp = Blueprint("trajects", __name__, url_prefix="/trajecten")

from app.trajects import participant_list_routes, routes  # noqa: E402,F401
