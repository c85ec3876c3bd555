"""Routes of the respond blueprint: the personal link `/v/<token>` and its pages, the bestuurder's
commitment statement, and the regisseur's response downloads.

Pages of the flow other than sections start with `_` (`/v/<token>/_controle`): section keys
start with a letter, so the two can never collide.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.actions import commit
from app.extensions import db, limiter
from app.i18n import select_locale
from app.models import Participant, Questionnaire, Response
from app.questionnaires.formdata import raw_answers_from_form
from app.respond import bp, section_html
from app.respond.display import answer_errors
from app.security.access import role_required, traject_for
from app.services import audit, invitations, responses_csv
from app.services import responses as service
from app.services.tokens import BROWSER_COOKIE, bind_browser, browser_matches, new_browser_secret, participant_for_token
from surveys.model import UnknownKey

STATUS_TEMPLATES = {
    "used": "respond/used.html",
    "closed": "respond/closed.html",
    "not_open": "respond/not_open.html",
    "opted_out": "respond/opted_out.html",
}


def _participant(token: str) -> Participant:
    participant = participant_for_token(token, with_draft=True)
    if participant is None:
        _unknown()
    return participant


def _unknown():
    """One page for every unknown, erased or mistyped token: nothing says whether it existed."""
    abort(make_response(render_template("respond/unknown.html"), 404))


def _status_page(participant: Participant, state: str, code: int = 200):
    return render_template(
        STATUS_TEMPLATES[state], questionnaire=participant.questionnaire, traject=participant.questionnaire.traject
    ), code


def _open_participant(token: str, participant: Participant | None = None) -> Participant:
    """The participant of a link that can be answered now; otherwise the page for its state
    (used, closed, not yet open, opted out) ends the request."""
    participant = participant or _participant(token)
    state = service.participant_state(participant)
    if state != "open":
        abort(make_response(*_status_page(participant, state)))
    return participant


# -- one browser per draft ------------------------------------------------------------------------
BROWSER_COOKIE_MAX_AGE = 180 * 24 * 3600


def _browser_secret() -> str | None:
    return request.cookies.get(BROWSER_COOKIE)


def _in_use_page(participant: Participant, token: str):
    return render_template(
        "respond/in_use.html",
        token=token,
        questionnaire=participant.questionnaire,
        traject=participant.questionnaire.traject,
    ), 409


def _bound_participant(token: str, *, bind: bool = False, participant: Participant | None = None) -> Participant:
    """The participant of an open link, read from the browser that started its draft.

    Another browser (no cookie, or another one) gets "Deze link is al in gebruik op een ander
    apparaat" and nothing of the draft. The first browser that saves (`bind`), or that opens a
    link with a draft but no browser yet, gets a random secret in a cookie; only its hash is kept.
    A GET of the intro does not bind: mail scanners open links, and must not take them.
    """
    participant = _open_participant(token, participant)
    secret = _browser_secret()
    if not browser_matches(participant, secret):
        abort(make_response(*_in_use_page(participant, token)))
    if participant.browser_hash is None and (bind or service.draft_for(participant) is not None):
        secret = secret if secret and len(secret) <= 100 else new_browser_secret()
        won = bind_browser(participant, secret)
        commit()
        if not won:
            abort(make_response(*_in_use_page(participant, token)))
        g.browser_secret = secret
    return participant


@bp.after_request
def _set_browser_cookie(response):
    secret = g.pop("browser_secret", None)
    if secret:
        response.set_cookie(
            BROWSER_COOKIE,
            secret,
            max_age=BROWSER_COOKIE_MAX_AGE,
            path="/v/",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


def _fresh_link_limit() -> str:
    return current_app.config.get("FRESH_LINK_RATE_LIMIT", "5 per hour")


@bp.route("/v/<token>/_nieuwe-link", methods=["POST"])
@limiter.limit(_fresh_link_limit)
def fresh_link(token: str):
    """Another device asks for a fresh link: the old one stops working, the new one goes by mail
    to the participant's own address (never to the page that asked)."""
    participant = _open_participant(token)
    if participant.browser_hash is None or browser_matches(participant, _browser_secret()):
        return redirect(url_for("respond.start", token=token))  # nothing to free
    if participant.email:
        invitations.send_fresh_link(participant)
    return render_template(
        "respond/link_sent.html", questionnaire=participant.questionnaire, traject=participant.questionnaire.traject
    )


def _steps(defn, answers: dict) -> list:
    return defn.visible_sections(answers)


@bp.route("/v/<token>")
def start(token: str):
    participant = _bound_participant(token)
    questionnaire = participant.questionnaire
    defn = service.definition(questionnaire)
    answers = service.draft_answers(participant)
    resume = service.resume_section(participant) if answers else None
    asker = service.asker(questionnaire.traject_id)
    return render_template(
        "respond/start.html",
        token=token,
        participant=participant,
        questionnaire=questionnaire,
        traject=questionnaire.traject,
        defn=defn,
        asker=asker,
        minutes=service.minutes_needed(defn),
        sections=_steps(defn, answers),
        resume=resume,
        has_draft=bool(answers),
    )


@bp.route("/v/<token>/<section_key>", methods=["GET", "POST"])
def section(token: str, section_key: str):
    participant = _bound_participant(token, bind=request.method == "POST")
    questionnaire = participant.questionnaire
    defn = service.definition(questionnaire)
    answers = service.draft_answers(participant)
    # One walk over the questionnaire per state of the answers: visible sections and questions and
    # the errors all come from it (each used to walk again).
    steps, shown, _, all_errors = defn.walk(answers)
    keys = [s.key for s in steps]
    if section_key not in keys:
        try:
            defn.section(section_key)
        except UnknownKey:
            _unknown()
        # A section that the answers so far hide: continue where the respondent can.
        return redirect(url_for("respond.section", token=token, section_key=keys[0]))
    current = defn.section(section_key)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.form.get("actie", "volgende")
        raw = raw_answers_from_form(current, request.form)
        index = keys.index(section_key)
        answers, errors = service.save_section(participant, section_key, raw)
        steps, shown, _, _ = defn.walk(answers)
        keys = [s.key for s in steps]
        index = keys.index(section_key) if section_key in keys else index
        if action == "vorige":
            commit()
            if index == 0:
                return redirect(url_for("respond.start", token=token))
            return redirect(url_for("respond.section", token=token, section_key=keys[index - 1]))
        if action == "opslaan":
            commit()
            return redirect(url_for("respond.saved", token=token))
        if not errors:
            following = keys[index + 1] if index + 1 < len(keys) else None
            service.draft_for(participant).section_key = following or section_key
            commit()
            if following is None:
                return redirect(url_for("respond.review", token=token))
            return redirect(url_for("respond.section", token=token, section_key=following))
        commit()
    else:
        own = {q.key for q in current.questions}
        show_all = request.args.get("controle") == "1"
        errors = {k: v for k, v in all_errors.items() if k in own and (show_all or k in answers)}
    index = keys.index(section_key)
    visible = [q.key for q in shown]
    lang = select_locale()
    shown_errors = answer_errors(errors)
    return render_template(
        "respond/section.html",
        token=token,
        questionnaire=questionnaire,
        defn=defn,
        section=current,
        section_html=section_html.render(questionnaire, current, answers, shown_errors, lang, visible),
        errors=shown_errors,
        lang=lang,
        step=index + 1,
        total=len(keys) + 1,
        first=index == 0,
        last=index == len(keys) - 1,
        visible=visible,
        error_questions=[q for q in current.questions if q.key in errors],
    ), (422 if errors and request.method == "POST" else 200)


@bp.route("/v/<token>/_opgeslagen")
def saved(token: str):
    participant = _bound_participant(token)
    return render_template(
        "respond/saved.html",
        token=token,
        questionnaire=participant.questionnaire,
        resume=service.resume_section(participant),
    )


@bp.route("/v/<token>/_controle")
def review(token: str):
    participant = _bound_participant(token)
    questionnaire = participant.questionnaire
    answers = service.draft_answers(participant)
    result = service.review(questionnaire, answers)
    steps = len(result.sections)  # the visible sections
    return render_template(
        "respond/review.html",
        token=token,
        questionnaire=questionnaire,
        review=result,
        lang=select_locale(),
        step=steps + 1,
        total=steps + 1,
    )


@bp.route("/v/<token>/_verzenden", methods=["POST"])
def submit(token: str):
    participant = _participant(token)
    if service.participant_state(participant) == "open":
        participant = _bound_participant(token, participant=participant)
    answers = service.draft_answers(participant)
    try:
        service.submit(participant, answers)
    except service.SubmitError as exc:
        if exc.reason == "invalid":
            flash(_("Niet alle vragen zijn goed ingevuld. Kijk de gemarkeerde onderdelen na."), "error")
            return redirect(url_for("respond.review", token=token))
        code = 409 if exc.reason == "used" else 410 if exc.reason in ("closed", "opted_out") else 403
        return _status_page(participant, exc.reason, code)
    return redirect(url_for("respond.thanks", token=token))


@bp.route("/v/<token>/_bedankt")
def thanks(token: str):
    participant = _participant(token)
    if not participant.completed:
        return redirect(url_for("respond.start", token=token))
    return render_template(
        "respond/thanks.html", questionnaire=participant.questionnaire, traject=participant.questionnaire.traject
    )


# -- the bestuurder's commitment statement --------------------------------------------------------


@bp.route("/trajecten/<int:traject_id>/verklaring", methods=["GET", "POST"])
@role_required("bestuurder")
def statement(traject_id: int):
    traject = traject_for(current_user, traject_id)
    questionnaire = service.open_commitment_questionnaire(traject)
    if questionnaire is None:
        return render_template("respond/statement.html", traject=traject, questionnaire=None, history=[], latest=None)
    participant = service.board_participant(questionnaire, current_user)
    commit()
    history = service.revisions(participant)
    latest = history[0] if history else None
    defn = service.definition(questionnaire)
    answers = dict(latest.answers) if latest else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        answers = raw_answers_from_form(defn, request.form)
        try:
            service.submit(participant, answers, user=current_user, revise=True)
        except service.SubmitError as exc:
            if exc.reason != "invalid":
                flash(_("Uw verklaring kon niet worden opgeslagen. Probeer het opnieuw."), "error")
                return redirect(url_for("respond.statement", traject_id=traject.id))
            errors = exc.errors
        else:
            flash(_("Uw verklaring is ondertekend en opgeslagen."), "success")
            return redirect(url_for("respond.statement", traject_id=traject.id))
    visible = [q.key for q in defn.visible_questions(answers)]
    return render_template(
        "respond/statement.html",
        traject=traject,
        questionnaire=questionnaire,
        defn=defn,
        answers=answers,
        errors=answer_errors(errors),
        history=history,
        latest=latest,
        lang=select_locale(),
        visible=visible,
        sections=defn.visible_sections(answers),
        error_questions=[q for q in defn.questions() if q.key in errors],
    ), (422 if errors else 200)


@bp.route("/trajecten/<int:traject_id>/verklaring/versie/<int:revision>")
@role_required("bestuurder")
def statement_version(traject_id: int, revision: int):
    """An earlier (or the current) signed version of the bestuurder's own statement, to read."""
    traject = traject_for(current_user, traject_id)
    questionnaire = service.open_commitment_questionnaire(traject)
    if questionnaire is None:
        abort(404)
    participant = service.board_participant(questionnaire, current_user)
    commit()  # board_participant may create the participant row
    version = next((r for r in service.revisions(participant) if r.revision == revision), None)
    if version is None:
        abort(404)
    return render_template(
        "respond/statement_version.html",
        traject=traject,
        questionnaire=questionnaire,
        version=version,
        review=service.review(questionnaire, dict(version.answers or {})),
    )


# -- the regisseur's downloads --------------------------------------------------------------------


@bp.route("/trajecten/<int:traject_id>/antwoorden")
@role_required("regisseur")
def responses_overview(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    counts = dict(
        db.session.execute(
            select(Response.questionnaire_id, func.count())
            .join(Questionnaire)
            .where(
                Questionnaire.traject_id == traject.id,
                (Response.is_latest.is_(True)) | (Response.participant_id.is_(None)),
            )
            .group_by(Response.questionnaire_id)
        ).all()
    )
    questionnaires = db.session.scalars(
        select(Questionnaire).where(Questionnaire.traject_id == traject.id).order_by(Questionnaire.id)
    ).all()
    return render_template("respond/overview.html", traject=traject, questionnaires=questionnaires, counts=counts)


@bp.route("/trajecten/<int:traject_id>/vragenlijsten/<int:questionnaire_id>/antwoorden.csv")
@role_required("regisseur")
def responses_csv_download(traject_id: int, questionnaire_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    if questionnaire is None or questionnaire.traject_id != traject.id:
        abort(404)
    try:
        labels = responses_csv.labels_for(questionnaire, traject)
    except responses_csv.ExportRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("questionnaires.show", qid=questionnaire.id))
    audit.record("export.responses_csv", obj=questionnaire, traject_id=traject.id, via="web")
    commit()
    return csv_response(questionnaire, labels)


def csv_response(questionnaire: Questionnaire, labels: tuple[dict, set]) -> FlaskResponse:
    """The streamed CSV download of a questionnaire's responses (web and API alike); `labels` is
    what `responses_csv.labels_for` answered, checked before the response starts."""
    filename = f"antwoorden-{questionnaire.key}-v{questionnaire.version}.csv"
    rows = responses_csv.generate(
        questionnaire.id, chunk_size=current_app.config.get("CSV_CHUNK_SIZE", responses_csv.CHUNK_ROWS), labels=labels
    )
    response = FlaskResponse(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
