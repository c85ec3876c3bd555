"""Home (one per role) and language switch."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.actions import commit
from app.main import bp, homes
from app.security.access import is_safe_next
from app.services import accounts


@bp.route("/")
def home():
    """A bestuurder first sees what is asked of them, an ICT lead their school's ICT-foto, the
    regisseur their trajects with phase and response."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == "bestuurder":
        return render_template("main/home_bestuurder.html", rows=homes.bestuurder_home(current_user))
    if current_user.role == "ict_lead":
        return render_template("main/home_ict_lead.html", rows=homes.ict_lead_home(current_user))
    if current_user.role == "regisseur":
        return render_template("main/home_regisseur.html", rows=homes.regisseur_home(current_user))
    return redirect(url_for("trajects.index"))


@bp.route("/taal/<lang>")
def language(lang: str):
    """Switch the interface language; remembered in the session."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        # A logged-in user's choice is remembered on the account: their mails follow it.
        if current_user.is_authenticated and accounts.remember_language(current_user._get_current_object(), lang):
            commit()
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))
