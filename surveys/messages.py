"""Messages that remember their catalog id and parameters, so the edge can translate them.

The domain and the services speak Dutch (the source language of the catalog). A message made with
`N_` is still a plain Dutch `str` everywhere (logs, JSON, tests), but also carries `msgid` and
`params`, so a page or the API shows it in the reader's language: `gettext(m.msgid, **m.params)`
(`app.i18n.translate`). `N_` is one of Babel's default keywords, so the catalog extracts these ids.

>>> m = N_("Kies minstens %(value)s opties.", value=2)
>>> m, m.msgid, m.params
('Kies minstens 2 opties.', 'Kies minstens %(value)s opties.', {'value': 2})
>>> N_("Vul een getal in.") == "Vul een getal in."
True
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """A Dutch message (its text) with the catalog id and parameters it was formatted from."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        text = msgid % params if params else msgid
        message = super().__new__(cls, text)
        message.msgid = msgid
        message.params = params
        return message

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (Celery, caches) keep the id
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def N_(msgid: str, **params: Any) -> Message:  # noqa: N802 - Babel's keyword for "extract, translate later"
    """Mark `msgid` for the catalog and format it in Dutch; the edge translates it."""
    return Message(msgid, **params)
