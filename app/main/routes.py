"""Home and language switch."""
from __future__ import annotations

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from app.extensions import db
from app.main import bp
from app.security.access import is_safe_next
from app.services import accounts


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("trajects.index"))


@bp.route("/taal/<lang>")
def language(lang: str):
    """Switch the interface language; remembered in the session."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        # A logged-in user's choice is remembered on the account: their mails follow it.
        if current_user.is_authenticated and accounts.remember_language(current_user._get_current_object(), lang):
            db.session.commit()
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))
