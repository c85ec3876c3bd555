"""One way to run a service action from a route, and the one place a request commits.

Services change the session and raise `ServiceError` on a refusal; they do not commit (the CLI
and the tasks commit through their own service entry points). A route hands the change to
`run_action` (pages) or `api_action` (API): on success it commits, then flashes and redirects; on
a refusal it rolls back, so nothing is half-saved, and shows the refusal in the reader's language
(form field errors, else a flash; problem+json with `message_id` in the API).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from flask import abort, flash, redirect
from werkzeug.wrappers import Response

from app.errors import problem
from app.extensions import db
from app.i18n import translate, translate_errors
from app.services.errors import ServiceError

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What `run_action` did: the action's result, or the refusal (rolled back), and the redirect."""

    result: T | None = None
    error: ServiceError | None = None
    response: Response | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> T:
        """The result of a successful action (the refusal is raised again otherwise)."""
        if self.error is not None:
            raise self.error
        return cast(T, self.result)

    @property
    def status(self) -> int:
        """200, or the refusal's status (422, 409 …) for the page that shows the form again."""
        return 200 if self.error is None else self.error.status


def commit() -> None:
    """The transaction of this request is done (the one commit of a route)."""
    db.session.commit()


def run_action(
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None = None,
    redirect_to: str | Callable[[T], str] | None = None,
    form: Any = None,
    field: Any = None,
    errors: tuple[type[Exception], ...] = (),
) -> Outcome[T]:
    """Run `action` (a service call) in this request's transaction.

    Success: commit, flash `success`, and `Outcome.response` redirects to `redirect_to` (each a
    value or a function of the result). A `ServiceError` (or one of `errors`): roll back, put its
    field errors on `form` (fields the form lacks are flashed) — or its message on `field` (one
    form field) — else flash its message, in the reader's language; `Outcome.error` holds it and
    `Outcome.status` its status for the page."""
    caught: tuple[type[Exception], ...] = (ServiceError, *errors)
    try:
        result = action()
    except caught as exc:
        db.session.rollback()
        refusal = exc if isinstance(exc, ServiceError) else ServiceError(str(exc), getattr(exc, "errors", None))
        if field is not None:
            field.errors = list(field.errors) + [translate(refusal.message)]
        else:
            show_refusal(refusal, form)
        return Outcome(error=refusal)
    commit()
    if success:
        flash(success(result) if callable(success) else success, "success")
    response = None
    if redirect_to is not None:
        response = redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return Outcome(result=result, response=response)


def show_refusal(error: ServiceError, form: Any = None) -> None:
    """The refusal on the page: on the form's fields when it names them, else as a flash."""
    field_errors = translate_errors(error.errors)
    if form is None or not field_errors:
        details = [m for messages in field_errors.values() for m in messages]
        flash(" ".join([translate(error.message), *details]), "error")
        return
    for name, messages in field_errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors") and hasattr(field, "widget"):
            field.errors = list(field.errors) + messages
        else:
            flash("; ".join(messages), "error")


def api_action(action: Callable[[], T], *, conflicts: tuple[type[Exception], ...] = ()) -> T:
    """Run `action` for an API handler: commit on success; on a `ServiceError` roll back and answer
    problem+json (status from the error, or 409 for one of `conflicts`) in the caller's language,
    with the untranslated `message_id` beside the translated `detail`."""
    try:
        result = action()
    except ServiceError as exc:
        db.session.rollback()
        status = 409 if isinstance(exc, conflicts) else exc.status
        abort(
            problem(
                status, translate(exc.message), errors=translate_errors(exc.errors) or None, message_id=exc.message_id
            )
        )
    commit()
    return result
