"""Keep personal-link tokens out of access logs: `/v/<token>` becomes `/v/[verborgen]`.

The token sits in the URL path, so werkzeug's and gunicorn's access lines would otherwise store
it beside the client address and the time — exactly what ties an anonymous response to a person.
"""
from __future__ import annotations

import logging
import re

REDACTED = "[verborgen]"
# Also percent-encoded, as in a language switch's `?next=%2Fv%2F<token>`.
TOKEN_PATH = re.compile(r"(/|%2[fF])(v|afmelden)(/|%2[fF])[^/\s?\"#&%]+")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """`/v/abc/sectie` → `/v/[verborgen]/sectie`; other paths stay as they are."""
    return TOKEN_PATH.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{REDACTED}", text)


class TokenRedactingFilter(logging.Filter):
    """Rewrites a record's message when it contains a personal-link path; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to break
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        # gunicorn's access records also carry the raw request line as attributes
        for name in ("request_line", "path", "url"):
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact(value))
        return True


def install(loggers=ACCESS_LOGGERS) -> None:
    """Attach the filter once to each access logger (idempotent)."""
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactingFilter) for f in logger.filters):
            logger.addFilter(TokenRedactingFilter())
