"""Account routes: login with rate limit and backoff, logout, password change and reset."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from app.actions import commit, run_action
from app.auth import bp
from app.auth.forms import LoginForm, PasswordChangeForm, ResetForm, ResetRequestForm
from app.extensions import limiter
from app.security.access import is_safe_next
from app.services import accounts, audit
from app.services.mail import send_now

RESET_LINK_PLACEHOLDER = "[herstellink: alleen in de verstuurde e-mail]"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, code, seconds = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        if code == "locked":
            if seconds >= 120:
                wait = ngettext("%(num)s minuut", "%(num)s minuten", (seconds + 59) // 60)
            else:
                wait = ngettext("%(num)s seconde", "%(num)s seconden", seconds)
            error = _(
                "Inloggen is tijdelijk geblokkeerd na te veel mislukte pogingen. "
                "Wacht %(wait)s en probeer het dan opnieuw. Bent u uw wachtwoord vergeten? "
                "Vraag dan een nieuw wachtwoord aan.",
                wait=wait,
            )
        elif code == "invalid":
            error = _("Onbekend e-mailadres of onjuist wachtwoord.")
        if user is not None:
            login_user(user)
            # The language chosen on the login page becomes the account's (their mails follow it).
            if session.get("lang") and accounts.remember_language(user, session["lang"]):
                commit()
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("main.home"))
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = current_user._get_current_object()
    # End the session on the server too: a copied session or remember cookie stops working.
    user.end_sessions()
    audit.record("logout", obj=user)
    commit()
    logout_user()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: accounts.change_password(current_user, form.current.data, form.new.data), field=form.current
        )
        if outcome.ok:
            login_user(current_user._get_current_object())  # the session id includes the hash tail: renew it
            flash(_("Uw wachtwoord is gewijzigd."), "success")
            return redirect(url_for("main.home"))
    from app.services.privacy import recent_sign_ins

    return render_template(
        "auth/password_change.html", form=form, sign_ins=recent_sign_ins(current_user._get_current_object())
    )


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
        if user is not None and user.active:
            link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
                "auth.reset", token=accounts.reset_token_for(user)
            )
            minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
            lang = "en" if user.language == "en" else "nl"
            if lang == "en":
                subject = "Draagvlak: set a new password"
                body = (
                    f"Dear {user.name},\n\nYou asked for a new password for Draagvlak. "
                    f"Choose a new password through this link (valid for {minutes} minutes, to be used once):\n\n"
                    f"{RESET_LINK_PLACEHOLDER}\n\nDid you not ask for this? Then you can ignore this message.\n"
                )
            else:
                subject = "Draagvlak: nieuw wachtwoord instellen"
                body = (
                    f"Beste {user.name},\n\nU vroeg een nieuw wachtwoord aan voor Draagvlak. "
                    f"Kies een nieuw wachtwoord via deze link (geldig voor {minutes} minuten, één keer te gebruiken):\n\n"
                    f"{RESET_LINK_PLACEHOLDER}\n\nHeeft u dit niet aangevraagd? Dan kunt u dit bericht negeren.\n"
                )
            audit.record("password.reset_requested", obj=user, actor_id=user.id)
            # The outbox keeps the placeholder, never the link: whoever reads the database or the
            # outbox cannot reset this account. The link exists only in the mail that is sent
            # (without SMTP no link goes anywhere; see docs/security.md).
            send_now(
                user.email,
                subject,
                body,
                kind="password_reset",
                language=lang,
                body_for=lambda message: message.body.replace(RESET_LINK_PLACEHOLDER, link),
            )
        # The same answer whether or not the address exists, so accounts cannot be probed.
        flash(
            _("Als dit adres bij ons bekend is, ontvangt u binnen enkele minuten een e-mail met een herstellink."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset(token: str):
    user = accounts.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetForm()
    if form.validate_on_submit():
        user.set_password(form.new.data)
        user.end_sessions()
        user.failed_logins = 0
        user.locked_until = None
        accounts.clear_login_throttles(user.email)
        audit.record("password.reset", obj=user, actor_id=user.id)
        commit()
        flash(_("Uw wachtwoord is ingesteld. U kunt nu inloggen."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
