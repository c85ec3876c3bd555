"""Keep tokens of every kind out of logs: `/v/<token>` becomes `/v/[verborgen]`.

Tokens sit in URL paths (personal links `/v/<token>`, opt-out `/afmelden/<token>`, the staff
results page `/resultaten/<token>`, password-reset links `/wachtwoord-herstellen/<token>`) and
sometimes in query strings (`?token=…`, `?next=%2Fv%2F<token>`). werkzeug's and gunicorn's access
lines would otherwise store them beside the client address and the time — exactly what ties an
anonymous response to a person, or lets a log reader reset someone's password. API tokens
(`dv_…`) and bearer headers are redacted wherever they appear in a message.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[verborgen]"
TOKEN_PREFIXES = ("v", "afmelden", "resultaten", "wachtwoord-herstellen")
_SLASH = r"(?:/|%2[fF])"
# Also percent-encoded (once or twice), as in a language switch's `?next=%2Fv%2F<token>`.
TOKEN_PATH = re.compile(
    rf"({_SLASH}|%252[fF])({'|'.join(map(re.escape, TOKEN_PREFIXES))})"
    rf"({_SLASH}|%252[fF])[^/\s?\"'#&%]+"
)
# Query parameters that carry a secret: any name containing "token", and the usual others.
TOKEN_QUERY = re.compile(
    r"([?&;](?:[\w.-]*token[\w.-]*|key|api_key|apikey|secret|signature|sig|code|"
    r"password|wachtwoord|t)=)[^&\s\"'#]*",
    re.IGNORECASE,
)
API_TOKEN = re.compile(r"\bdv_[A-Za-z0-9_-]{8,}")
BEARER = re.compile(r"(\bBearer\s+)[^\s\"',;]+", re.IGNORECASE)
ACCESS_LOGGERS = (
    "werkzeug",
    "gunicorn.access",
    "gunicorn.error",
    "app",
    "draagvlak",
    "celery",
    "celery.app.trace",
    "celery.worker",
)


def redact(text: str) -> str:
    """`/v/abc/sectie` → `/v/[verborgen]/sectie`, `?token=abc` → `?token=[verborgen]`."""
    text = TOKEN_PATH.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{REDACTED}", text)
    text = TOKEN_QUERY.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = API_TOKEN.sub("dv_" + REDACTED, text)
    return BEARER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


def _redact_value(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bytes):
        try:
            return redact(value.decode("latin-1")).encode("latin-1")
        except UnicodeError:
            return value
    return value


class TokenRedactingFilter(logging.Filter):
    """Rewrites a record's message when it contains a token; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to break
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        # gunicorn's access records also carry the raw request line and URL parts as attributes
        for name in ("request_line", "path", "url", "query", "query_string", "raw_uri", "uri"):
            value = getattr(record, name, None)
            if isinstance(value, (str, bytes)):
                setattr(record, name, _redact_value(value))
        if isinstance(getattr(record, "args", None), dict):
            # gunicorn's access formatter reads the atoms from a dict in record.args
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        return True


def install(loggers=ACCESS_LOGGERS) -> None:
    """Attach the filter once to each logger, and to the handlers of the root logger, so records
    that propagate from other loggers are redacted before any handler writes them (idempotent)."""
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactingFilter) for f in logger.filters):
            logger.addFilter(TokenRedactingFilter())
        for handler in logger.handlers:
            _install_on_handler(handler)
    for handler in logging.getLogger().handlers:
        _install_on_handler(handler)


def _install_on_handler(handler: logging.Handler) -> None:
    if not any(isinstance(f, TokenRedactingFilter) for f in handler.filters):
        handler.addFilter(TokenRedactingFilter())
