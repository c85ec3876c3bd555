"""The refusal of a service: a message id with parameters, translated at the edge.

A service raises `ServiceError` (or a subclass per topic) with a Dutch message made by
`surveys.messages.N_` — its text is Dutch, and it carries the catalog id and parameters — and
optionally field errors `{field: [message]}` made the same way. Nothing is committed: the caller
rolls back. The edge translates: `app.actions.run_action` flashes or fills the form in the reader's
language; `app.actions.api_action` answers problem+json with the translated `detail`, the
`message_id` and the translated `errors`. A plain-string message still works (shown as it is, or
translated when the catalog knows the exact text).
"""

from __future__ import annotations

from typing import Any

from surveys.messages import N_, Message

__all__ = ["N_", "Message", "ServiceError"]


class ServiceError(ValueError):
    """A user-facing reason why a service refused; `status` is the HTTP status the API answers."""

    status: int = 422

    def __init__(self, message: str, errors: dict[str, list[Any]] | None = None, *, status: int | None = None):
        super().__init__(message)
        self.message: Message = message if isinstance(message, Message) else Message(message)
        self.errors: dict[str, list[Any]] = errors or {}
        if status is not None:
            self.status = status

    @property
    def message_id(self) -> str:
        return self.message.msgid
