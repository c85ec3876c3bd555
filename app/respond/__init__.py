"""Respondent blueprint: the personal-link flow (no account) and the bestuurder's commitment statement."""

from flask import Blueprint

bp = Blueprint("respond", __name__)


@bp.record_once
def _redact_tokens_in_logs(state) -> None:
    from app.respond.logging import install

    install()


@bp.context_processor
def _respond_helpers() -> dict:
    from app.respond.display import answer_message, answer_text

    return {"answer_text": answer_text, "answer_message": answer_message}


from app.respond import routes  # noqa: E402,F401
