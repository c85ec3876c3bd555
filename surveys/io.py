"""Read and write questionnaire definitions as YAML or JSON, checked against the JSON Schema."""

from __future__ import annotations

import copy
import json
import pathlib
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from .model import Questionnaire
from .types import QUESTION_TYPES

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = pathlib.Path(__file__).parent / "schema" / "questionnaire.base.schema.json"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The questionnaire JSON Schema (draft 2020-12): the common parts plus every registered type.

    A question's ``type`` is one of the registered names, and its properties are the common ones
    and each type's own (``QuestionType.schema``); two types that share a field must agree on it.
    """
    result: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    question = result["$defs"]["question"]
    question["properties"]["type"] = {"enum": list(QUESTION_TYPES)}
    for question_type in QUESTION_TYPES.values():
        for field, fragment in question_type.schema.items():
            known = question["properties"].setdefault(field, copy.deepcopy(fragment))
            if known != fragment:
                raise ValueError(f"vraagtype {question_type.name!r}: veld {field!r} botst met een ander type")
    return result


def _where(exc: Exception) -> str:
    """' (regel 3, kolom 7)' for a parse error with a position, else ''."""
    if isinstance(exc, json.JSONDecodeError):
        return f" (regel {exc.lineno}, kolom {exc.colno})"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"regel {mark.line + 1}, kolom {mark.column + 1}" if mark is not None else ""
    problem = str(getattr(exc, "problem", "") or "")
    if problem.startswith("dubbele sleutel"):  # our own loader's reason is Dutch already
        where = f"{problem}, {where}" if where else problem
    return f" ({where})" if where else ""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate mapping keys instead of keeping the last."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"dubbele sleutel {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(text_or_path: Any) -> Any:
    if isinstance(text_or_path, Mapping):
        return text_or_path
    if isinstance(text_or_path, pathlib.Path):
        text = text_or_path.read_text(encoding="utf-8")
    elif isinstance(text_or_path, str):
        text = text_or_path
        # A one-line string ending in a definition suffix is a path, not a document.
        if "\n" not in text and text.strip().endswith((".yaml", ".yml", ".json")):
            text = pathlib.Path(text.strip()).read_text(encoding="utf-8")
    else:
        raise ValueError("Ongeldige vragenlijst: verwacht YAML- of JSON-tekst of een pad.")
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506  # nosec B506 # _UniqueKeyLoader subclasses SafeLoader
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        # The parser's own (English) message is not shown: only where it stumbled, in Dutch.
        raise ValueError(f"Ongeldige vragenlijst: de tekst is geen geldige YAML of JSON{_where(exc)}.") from None


def _path(error: jsonschema.ValidationError) -> str:
    parts = ""
    for item in error.absolute_path:
        parts += f"[{item}]" if isinstance(item, int) else (f".{item}" if parts else str(item))
    return parts or "(hoofdniveau)"


def validate_definition(data: Any) -> None:
    """Raise ValueError, in Dutch with the path, when ``data`` does not match the schema."""
    # jsonschema loads here, not at import: web workers import this module but validate a
    # definition only when one is loaded or edited (issue 18, lean workers).
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), e.path))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        raise ValueError(f"Ongeldige vragenlijst bij {_path(error)}: {error.message}")


def load_definition(text_or_path: Any) -> Questionnaire:
    """Parse a YAML or JSON definition (text, a path or a dict), check it and build it.

    Checks the JSON Schema first, then the model's own rules (unique keys, conditions on
    earlier questions, each type's ``check_definition``).
    """
    data = _read(text_or_path)
    validate_definition(data)
    try:
        return Questionnaire.from_dict(data)
    except ValueError as exc:
        raise ValueError(f"Ongeldige vragenlijst bij {exc}") from None


def dump_definition(questionnaire: Questionnaire, fmt: str = "yaml") -> str:
    """Write a questionnaire as YAML (default) or JSON text that load_definition reads back."""
    data = questionnaire.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    raise ValueError(f"onbekend formaat {fmt!r}: kies 'yaml' of 'json'")
