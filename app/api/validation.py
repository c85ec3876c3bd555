"""Request bodies validated against the OpenAPI document: the requestBody schema in `spec.py` is
the only statement of what a body may hold; handlers receive it checked.

`@validated_body` marks a handler; `json_object()` (app/api/auth.py), which the handler calls after
its access checks, then validates the body against the operation's schema and answers 422 with
field errors in the problem+json shape (`errors: {"participants[0].email": ["…"]}`). So a caller
without access still gets 401/403/404 first, never a 422 that would describe the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import g, request
from flask_babel import gettext as _

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

F = TypeVar("F", bound=Callable[..., Any])


def validated_body(view: F) -> F:
    """Validate this handler's JSON body against its operation's requestBody schema in the spec."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        rule = request.url_rule
        if rule is None:  # pragma: no cover - a view runs only for a matched rule
            raise LookupError("no URL rule for this request")
        g.body_validator = _validator_for(_spec_path(rule.rule), request.method.lower())
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _spec_path(rule: str) -> str:
    """Flask's `/api/v1/trajects/<int:tid>` is OpenAPI's `/api/v1/trajects/{tid}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


@cache
def _validator_for(path: str, method: str) -> Draft202012Validator:
    # jsonschema loads here, with every format library it finds (arrow, rfc3987, webcolors, …):
    # about 5 MB that a web worker serving pages, browser submissions and exports never needs.
    from jsonschema import Draft202012Validator, FormatChecker

    from app.api.spec import document

    spec = document()
    try:
        body = spec["paths"][path][method]["requestBody"]
    except KeyError:
        raise LookupError(f"{method.upper()} {path} has no requestBody in app/api/spec.py") from None
    schema = body["content"]["application/json"]["schema"]
    # `$ref: #/components/schemas/…` resolves against this root, which carries the components.
    root = {**schema, "components": spec["components"]}
    return Draft202012Validator(root, format_checker=FormatChecker())


def check_body(data: Any) -> None:
    """Raise a 422 problem when the marked operation's schema refuses `data` (no-op when unmarked)."""
    errors = body_errors(data)
    if errors:
        from app.api.auth import ApiProblem

        raise ApiProblem(422, _("De gegevens zijn niet geldig; er is niets opgeslagen."), errors)


def body_errors(data: Any) -> dict[str, list[str]]:
    """{field key: messages} for every way `data` breaks the marked operation's schema."""
    validator = g.get("body_validator")
    if validator is None:
        return {}
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        key, message = field_error(error)
        if message not in errors.setdefault(key, []):
            errors[key].append(message)
    return errors


def _key(path: list[Any]) -> str:
    """['participants', 0, 'email'] → 'participants[0].email' (the key the API always used)."""
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "body"


def _type_names(expected: Any) -> str:
    types = {
        "string": _("tekst"),
        "integer": _("een geheel getal"),
        "number": _("een getal"),
        "boolean": _("true of false"),
        "object": _("een object"),
        "array": _("een lijst"),
        "null": "null",
    }
    names = [expected] if isinstance(expected, str) else list(expected)
    return _(" of ").join(types.get(name, name) for name in names)


def field_error(error: ValidationError) -> tuple[str, str]:
    """The field key and a message in the reader's language for one schema violation."""
    path = list(error.absolute_path)
    kind, value = error.validator, error.validator_value
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return _key([*path, missing.group(1) if missing else "?"]), _("Verplicht veld.")
    if kind == "type":
        return _key(path), _("Moet %(type)s zijn.", type=_type_names(value))
    if kind == "minLength":
        return _key(path), (_("Vul dit veld in.") if value == 1 else _("Minstens %(n)s tekens.", n=value))
    if kind == "maxLength":
        return _key(path), _("Hoogstens %(n)s tekens.", n=value)
    if kind in ("minimum", "exclusiveMinimum"):
        return _key(path), _("Minstens %(n)s.", n=value)
    if kind in ("maximum", "exclusiveMaximum"):
        return _key(path), _("Hoogstens %(n)s.", n=value)
    if kind == "enum":
        return _key(path), _("Kies uit: %(values)s.", values=", ".join(str(v) for v in value))
    if kind == "minItems":
        return _key(path), _("Minstens %(n)s elementen.", n=value)
    if kind == "maxItems":
        return _key(path), _("Hoogstens %(n)s elementen.", n=value)
    if kind == "pattern":
        return _key(path), _("Heeft niet de vorm die hier hoort.")
    if kind == "format":
        formats = {
            "email": _("Vul een geldig e-mailadres in."),
            "date": _("Een datum als JJJJ-MM-DD."),
            "date-time": _("Een tijdstip in ISO 8601 met tijdzone, bv. 2026-03-01T08:00:00Z."),
        }
        return _key(path), formats.get(value, _("Heeft niet de vorm die hier hoort."))
    if kind == "additionalProperties":
        return _key(path), _("Onbekend veld.")
    return _key(path), _("Ongeldige waarde.")
