"""Questionnaire model: dataclasses for questions, sections and questionnaires, and validation."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any, cast

from .messages import N_
from .types import AnswerError, QuestionType, get_type

FORMAT = "draagvlak-questionnaire/1"
# "users": every member of staff (and optionally pupils) as a user of the school's ICT.
AUDIENCES = ("ict_staff", "ict_lead", "board", "all", "users")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
UNKNOWN_QUESTION = N_("Onbekende vraag.")


class UnknownKey(KeyError, ValueError):
    """A question or section key that the questionnaire does not have."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _check_text(value: Any, where: str, optional: bool = False) -> None:
    if value is None and optional:
        return
    if (
        not isinstance(value, dict)
        or set(value) != {"nl", "en"}
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise ValueError(f"{where}: verwacht een tekst met 'nl' en 'en'")


def _check_key(value: Any, where: str) -> None:
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        raise ValueError(
            f"{where}: sleutel {value!r} moet beginnen met een kleine letter en "
            "bestaan uit kleine letters, cijfers en _ (hoogstens 63 tekens)"
        )


@dataclass
class Condition:
    """Show a question or section only when an earlier question ``equals`` or ``contains`` a value.

    >>> Condition.from_dict({"question": "server_model", "equals": "cloud"}).to_dict()
    {'question': 'server_model', 'equals': 'cloud'}
    """

    question: str
    equals: Any = None
    contains: Any = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Condition:
        if not isinstance(d, dict) or not set(d) <= {"question", "equals", "contains"}:
            raise ValueError("condition: verwacht 'question' met 'equals' of 'contains'")
        return cls(
            question=cast(str, d.get("question")),
            equals=copy.deepcopy(d.get("equals")),
            contains=copy.deepcopy(d.get("contains")),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"question": self.question}
        if self.equals is not None:
            d["equals"] = copy.deepcopy(self.equals)
        if self.contains is not None:
            d["contains"] = copy.deepcopy(self.contains)
        return d


# Fields written out only when they differ from these defaults, so that a definition file
# survives from_dict/to_dict unchanged.
_QUESTION_DEFAULTS: dict[str, Any] = {"required": True, "reverse": False, "integer": False}


@dataclass
class Question:
    """One question; type-specific fields are checked by the question type."""

    key: str
    type: str
    text: dict[str, Any]
    construct: str | None = None
    domain: str | None = None
    required: bool = True
    reverse: bool = False
    help: dict[str, Any] | None = None
    scale: dict[str, Any] | None = None
    labels: dict[str, Any] | None = None
    options: list[Any] | None = None
    min: int | float | None = None
    max: int | float | None = None
    unit: dict[str, Any] | None = None
    integer: bool = False
    max_length: int | None = None
    matrix: str | None = None
    condition: Condition | None = None
    partner: str | None = None
    #: template-only: ``"partners"`` makes expand_for_traject repeat it per partner organisation
    repeat: str | None = None

    @property
    def question_type(self) -> QuestionType:
        """The registered QuestionType for ``type``."""
        return get_type(self.type)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Question:
        if not isinstance(d, dict):
            raise ValueError("verwacht een vraag als object")
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"onbekende velden {sorted(unknown)}")
        values = {k: copy.deepcopy(v) for k, v in d.items()}
        if values.get("condition") is not None:
            values["condition"] = Condition.from_dict(values["condition"])
        for required in ("key", "type", "text"):
            if required not in values:
                raise ValueError(f"veld '{required}' ontbreekt")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _QUESTION_DEFAULTS:
                if value != _QUESTION_DEFAULTS[f.name] or type(value) is not bool:
                    d[f.name] = value
            elif value is not None:
                d[f.name] = value.to_dict() if isinstance(value, Condition) else copy.deepcopy(value)
        return d

    def check(self, where: str) -> None:
        """Raise ValueError (with ``where`` in the message) for an unsound definition."""
        _check_key(self.key, f"{where}.key")
        try:
            question_type = get_type(self.type)
        except ValueError as exc:
            raise ValueError(f"{where}.type: {exc}") from None
        _check_text(self.text, f"{where}.text")
        _check_text(self.help, f"{where}.help", optional=True)
        _check_text(self.unit, f"{where}.unit", optional=True)
        for name in ("required", "reverse"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{where}.{name}: moet true of false zijn")
        for name in ("construct", "domain", "matrix", "partner"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and value):
                raise ValueError(f"{where}.{name}: moet een niet-lege tekst zijn")
        if self.reverse and not question_type.reversible:
            raise ValueError(f"{where}.reverse: alleen likert-vragen kunnen omgekeerd gescoord worden")
        if self.repeat not in (None, "partners"):
            raise ValueError(f"{where}.repeat: alleen 'partners' is mogelijk")
        if self.options is not None:
            for i, option in enumerate(self.options if isinstance(self.options, list) else []):
                if not isinstance(option, dict) or set(option) != {"value", "label"}:
                    raise ValueError(f"{where}.options[{i}]: verwacht 'value' en 'label'")
                _check_text(option["label"], f"{where}.options[{i}].label")
        try:
            question_type.check_definition(self)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None

    def api_dict(self) -> dict[str, Any]:
        """This question in the shape of the public API (see API.md, "Questionnaire")."""
        question_type = self.question_type
        options = None
        if "options" in question_type.allowed_fields:
            options = [{"value": o["value"], "label": o["label"]["nl"]} for o in self.options or []]
        scale = question_type.api_scale(self)
        return {
            "key": self.key,
            "type": self.type,
            "construct": self.construct,
            "domain": self.domain,
            "reverse": self.reverse,
            "required": self.required,
            "scale": scale,
            "options": options,
            "text": {"nl": self.text["nl"], "en": self.text["en"]},
        }


@dataclass
class Section:
    """A page of questions, shown only when its condition holds."""

    key: str
    title: dict[str, Any]
    intro: dict[str, Any] | None = None
    questions: list[Question] = field(default_factory=list)
    condition: Condition | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any], where: str = "section") -> Section:
        if not isinstance(d, dict):
            raise ValueError(f"{where}: verwacht een sectie als object")
        unknown = set(d) - {"key", "title", "intro", "questions", "condition"}
        if unknown:
            raise ValueError(f"{where}: onbekende velden {sorted(unknown)}")
        questions = d.get("questions")
        if not isinstance(questions, list):
            raise ValueError(f"{where}.questions: verwacht een lijst met vragen")
        parsed = []
        for i, q in enumerate(questions):
            try:
                parsed.append(Question.from_dict(q))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{where}.questions[{i}]: {exc}") from None
        condition = d.get("condition")
        try:
            condition = Condition.from_dict(condition) if condition is not None else None
        except ValueError as exc:
            raise ValueError(f"{where}.{exc}") from None
        return cls(
            key=cast(str, d.get("key")),
            title=copy.deepcopy(cast("dict[str, Any]", d.get("title"))),
            questions=parsed,
            intro=copy.deepcopy(d.get("intro")),
            condition=condition,
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"key": self.key, "title": copy.deepcopy(self.title)}
        if self.intro is not None:
            d["intro"] = copy.deepcopy(self.intro)
        if self.condition is not None:
            d["condition"] = self.condition.to_dict()
        d["questions"] = [q.to_dict() for q in self.questions]
        return d


@dataclass
class Questionnaire:
    """A versioned questionnaire; constructing one checks the whole definition.

    >>> q = Questionnaire.from_dict({
    ...     "key": "demo", "version": 1, "title": {"nl": "Demo", "en": "Demo"},
    ...     "audience": "all", "anonymous": True,
    ...     "sections": [{"key": "s1", "title": {"nl": "Een", "en": "One"}, "questions": [
    ...         {"key": "ok", "type": "yes_no", "text": {"nl": "Gaat het?", "en": "All right?"}}]}]})
    >>> q.validate_all({"ok": "ja", "x": 1})
    ({'ok': True}, {'x': ['Onbekende vraag.']})
    """

    key: str
    version: int
    title: dict[str, Any]
    audience: str
    anonymous: bool
    description: dict[str, Any] | None = None
    sections: list[Section] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.check()

    # -- construction and serialisation -------------------------------------------------------

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Questionnaire:
        """Build from a plain dict (as loaded from YAML or JSON); ValueError when unsound."""
        if not isinstance(d, dict):
            raise ValueError("verwacht een vragenlijst als object")
        unknown = set(d) - {"format", "key", "version", "title", "audience", "anonymous", "description", "sections"}
        if unknown:
            raise ValueError(f"onbekende velden {sorted(unknown)}")
        if "format" in d and d["format"] != FORMAT:
            raise ValueError(f"format: verwacht {FORMAT!r}")
        missing = [k for k in ("key", "version", "title", "audience", "anonymous", "sections") if k not in d]
        if missing:
            raise ValueError(f"velden ontbreken: {missing}")
        if not isinstance(d["sections"], list) or not d["sections"]:
            raise ValueError("sections: verwacht een niet-lege lijst")
        sections = [Section.from_dict(s, f"sections[{i}]") for i, s in enumerate(d["sections"])]
        return cls(
            key=d["key"],
            version=d["version"],
            title=copy.deepcopy(d["title"]),
            audience=d["audience"],
            anonymous=d["anonymous"],
            sections=sections,
            description=copy.deepcopy(d.get("description")),
        )

    def to_dict(self) -> dict[str, Any]:
        """A plain dict that from_dict turns back into an equal questionnaire."""
        d: dict[str, Any] = {
            "format": FORMAT,
            "key": self.key,
            "version": self.version,
            "title": copy.deepcopy(self.title),
            "audience": self.audience,
            "anonymous": self.anonymous,
        }
        if self.description is not None:
            d["description"] = copy.deepcopy(self.description)
        d["sections"] = [s.to_dict() for s in self.sections]
        return d

    def fingerprint(self) -> str:
        """sha256 of the canonical JSON of the definition, to detect any change."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def check(self) -> None:
        """Raise ValueError, naming the place, when the definition is not sound."""
        _check_key(self.key, "key")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError("version: moet een geheel getal van minstens 1 zijn")
        _check_text(self.title, "title")
        _check_text(self.description, "description", optional=True)
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience: moet een van {list(AUDIENCES)} zijn")
        if not isinstance(self.anonymous, bool):
            raise ValueError("anonymous: moet true of false zijn")
        if not self.sections:
            raise ValueError("sections: een vragenlijst heeft minstens één sectie")
        seen: dict[str, Question] = {}
        section_keys: set[str] = set()
        for i, section in enumerate(self.sections):
            where = f"sections[{i}]"
            if not isinstance(section, Section):
                raise ValueError(f"{where}: verwacht een Section")
            _check_key(section.key, f"{where}.key")
            if section.key in section_keys:
                raise ValueError(f"{where}.key: sectie {section.key!r} komt twee keer voor")
            section_keys.add(section.key)
            _check_text(section.title, f"{where}.title")
            _check_text(section.intro, f"{where}.intro", optional=True)
            if not section.questions:
                raise ValueError(f"{where}.questions: een sectie heeft minstens één vraag")
            if section.condition is not None:
                self._check_condition(section.condition, seen, f"{where}.condition")
            for j, question in enumerate(section.questions):
                qwhere = f"{where}.questions[{j}]"
                if not isinstance(question, Question):
                    raise ValueError(f"{qwhere}: verwacht een Question")
                question.check(qwhere)
                if question.key in seen:
                    raise ValueError(f"{qwhere}.key: vraag {question.key!r} komt twee keer voor")
                if question.condition is not None:
                    self._check_condition(question.condition, seen, f"{qwhere}.condition")
                seen[question.key] = question

    @staticmethod
    def _check_condition(condition: Condition, earlier: dict[str, Question], where: str) -> None:
        if not isinstance(condition, Condition):
            raise ValueError(f"{where}: verwacht een Condition")
        if condition.question not in earlier:
            raise ValueError(
                f"{where}.question: {condition.question!r} is geen eerdere vraag; "
                "een voorwaarde mag alleen naar een eerdere vraag verwijzen"
            )
        if (condition.equals is None) == (condition.contains is None):
            raise ValueError(f"{where}: geef precies één van 'equals' en 'contains'")
        target = earlier[condition.question]
        question_type = target.question_type
        if condition.equals is not None:
            try:
                question_type.clean(target, condition.equals)
            except AnswerError as exc:
                raise ValueError(f"{where}.equals: {exc.message}") from None
        else:
            try:
                question_type.check_contains(target, condition.contains)
            except ValueError as exc:
                raise ValueError(f"{where}.contains: {exc}") from None

    # -- lookups --------------------------------------------------------------------------------

    def questions(self) -> list[Question]:
        """All questions in order."""
        return [q for s in self.sections for q in s.questions]

    def question(self, key: str) -> Question:
        """The question called ``key``; UnknownKey (a KeyError and ValueError) when there is none."""
        for q in self.questions():
            if q.key == key:
                return q
        raise UnknownKey(f"onbekende vraag {key!r}")

    def section(self, key: str) -> Section:
        """The section called ``key``; UnknownKey (a KeyError and ValueError) when there is none."""
        for s in self.sections:
            if s.key == key:
                return s
        raise UnknownKey(f"onbekende sectie {key!r}")

    def constructs(self) -> list[str]:
        """Sorted unique construct codes of the scale (likert) items."""
        return sorted({q.construct for q in self.questions() if q.question_type.analysis == "likert" and q.construct})

    def api_questions(self) -> list[dict[str, Any]]:
        """The questions in the public API's shape."""
        return [q.api_dict() for q in self.questions()]

    # -- conditions -----------------------------------------------------------------------------

    def _condition_met(self, condition: Condition | None, clean: dict[str, Any]) -> bool:
        if condition is None:
            return True
        value = clean.get(condition.question)
        if value is None:
            return False
        target = self.question(condition.question)
        if condition.equals is not None:
            try:
                return bool(value == target.question_type.clean(target, condition.equals))
            except AnswerError:  # pragma: no cover - check() refuses such definitions
                return False
        return target.question_type.contains(value, condition.contains)

    def _walk(
        self, raw_answers: dict[str, Any]
    ) -> tuple[list[Section], list[Question], dict[str, Any], dict[str, list[str]]]:
        """One pass in order: visible sections and questions, clean values and errors.

        Conditions see only valid answers to visible questions, so an answer left behind on a
        question that became hidden cannot open a later part of the questionnaire.
        """
        raw_answers = raw_answers or {}
        sections: list[Section] = []
        questions: list[Question] = []
        clean: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for section in self.sections:
            if not self._condition_met(section.condition, clean):
                continue
            sections.append(section)
            for question in section.questions:
                if not self._condition_met(question.condition, clean):
                    continue
                questions.append(question)
                try:
                    value = question.question_type.validate(question, raw_answers.get(question.key))
                except AnswerError as exc:
                    errors[question.key] = [exc.message]
                    continue
                if value is not None:
                    clean[question.key] = value
        return sections, questions, clean, errors

    def walk(
        self, raw_answers: dict[str, Any]
    ) -> tuple[list[Section], list[Question], dict[str, Any], dict[str, list[str]]]:
        """(visible sections, visible questions, clean values, errors) in one pass: what
        visible_sections, visible_questions and validate_section would each walk again."""
        return self._walk(raw_answers)

    def visible_sections(self, answers: dict[str, Any]) -> list[Section]:
        """Sections whose condition holds for ``answers`` (raw or clean)."""
        return self._walk(answers)[0]

    def visible_questions(self, answers: dict[str, Any]) -> list[Question]:
        """Questions shown for ``answers``: in a visible section and with their condition met."""
        return self._walk(answers)[1]

    # -- validation -----------------------------------------------------------------------------

    def validate_section(
        self, section_key: str, raw_answers: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Validate the visible questions of one section; answers to hidden ones are dropped.

        ``raw_answers`` may hold answers to earlier sections too: conditions use them. Only
        answered questions appear in ``clean``.
        """
        keys = {q.key for q in self.section(section_key).questions}
        _, _, clean, errors = self._walk(raw_answers)
        return ({k: v for k, v in clean.items() if k in keys}, {k: v for k, v in errors.items() if k in keys})

    def validate_all(self, raw_answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Validate a whole response: unknown keys are errors, hidden questions are dropped."""
        if not isinstance(raw_answers, dict):
            raise ValueError("answers: verwacht een object met vraagsleutels")
        _, _, clean, errors = self._walk(raw_answers)
        known = {q.key for q in self.questions()}
        for key in raw_answers:
            if key not in known:
                errors[str(key)] = [UNKNOWN_QUESTION]
        return clean, errors

    def encode(self, clean: dict[str, Any]) -> dict[str, float | str | None]:
        """Encode clean answers for analysis and export: one value per question key, in order."""
        return {q.key: q.question_type.encode(q, clean.get(q.key)) for q in self.questions()}
