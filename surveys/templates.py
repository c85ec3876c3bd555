"""The built-in instruments as templates, and their expansion for a traject's partner organisations."""

from __future__ import annotations

import copy
import pathlib
import re
from functools import cache
from typing import Any, cast

from .model import KEY_PATTERN, Questionnaire, Section

INSTRUMENTS_DIR = pathlib.Path(__file__).parent / "instruments"
TEMPLATE_KEYS = ("ict_foto", "ict_staff", "board_commitment", "motives", "ict_users")
#: construct code of open questions; not a measured construct, so not listed as one
OPEN_TEXT = "open_text"


@cache
def _template_dict(key: str) -> dict[str, Any]:
    # Imported here so that reading a template does not need io at import time of the package.
    from .io import load_definition

    return load_definition(INSTRUMENTS_DIR / f"{key}.yaml").to_dict()


def load_template(key: str) -> Questionnaire:
    """A fresh copy of the built-in instrument ``key``; ValueError for an unknown key.

    >>> load_template("motives").question("motive_ranking").type
    'ranking'
    """
    if key not in TEMPLATE_KEYS:
        raise ValueError(f"onbekende sjabloon {key!r}; kies uit {list(TEMPLATE_KEYS)}")
    return Questionnaire.from_dict(_template_dict(key))


def template_constructs(questionnaire: Questionnaire) -> list[str]:
    """Sorted construct codes of all questions, facts included, without open text."""
    return sorted({q.construct for q in questionnaire.questions() if q.construct and q.construct != OPEN_TEXT})


def list_templates() -> list[dict[str, Any]]:
    """Summaries of the built-in instruments, in the shape of ``GET /api/v1/templates``."""
    result = []
    for key in TEMPLATE_KEYS:
        q = load_template(key)
        result.append(
            {
                "key": key,
                "title": q.title["nl"],
                "audience": q.audience,
                "anonymous": q.anonymous,
                "constructs": template_constructs(q),
            }
        )
    return result


def _fill(text: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    if text is None:
        return None
    # str.replace, not str.format: other braces in a text must stay as they are.
    return {lang: value.replace("{partner}", name) for lang, value in text.items()}


def expand_for_traject(questionnaire: Questionnaire, partners: list[tuple[str, str]]) -> Questionnaire:
    """Repeat every ``repeat: partners`` question once per partner organisation.

    Each copy gets key ``<key>_<code in lower case>``, ``partner=code`` and ``{partner}``
    in its texts replaced by the partner's name; the template marker is dropped. A section
    left without questions (no partners) is dropped too.

    >>> q = expand_for_traject(load_template("board_commitment"), [("ZL", "Zuyderzee Lyceum")])
    >>> t = q.question("trust_zl"); t.partner, t.text["nl"]
    ('ZL', 'Ik vertrouw erop dat Zuyderzee Lyceum zich houdt aan gemaakte afspraken.')
    """
    seen_codes = set()
    for item in partners:
        if not (
            isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(x, str) and x.strip() for x in item)
        ):
            raise ValueError("partners: verwacht een lijst van (code, naam)")
        if not re.match(r"^[a-z0-9_]+$", item[0].lower()):
            raise ValueError(f"partnercode {item[0]!r} mag alleen letters, cijfers en _ bevatten")
        if item[0].lower() in seen_codes:
            raise ValueError(f"partnercode {item[0]!r} komt twee keer voor")
        seen_codes.add(item[0].lower())
    sections = []
    for section in questionnaire.sections:
        questions = []
        for question in section.questions:
            if question.repeat != "partners":
                questions.append(copy.deepcopy(question))
                continue
            for code, name in partners:
                clone = copy.deepcopy(question)
                clone.key = f"{question.key}_{code.lower()}"
                if not KEY_PATTERN.match(clone.key):
                    raise ValueError(f"sleutel {clone.key!r} wordt te lang of ongeldig")
                clone.partner = code
                clone.repeat = None
                clone.text = cast("dict[str, Any]", _fill(question.text, name))
                clone.help = _fill(question.help, name)
                questions.append(clone)
        if questions:
            sections.append(
                Section(
                    key=section.key,
                    title=copy.deepcopy(section.title),
                    questions=questions,
                    intro=copy.deepcopy(section.intro),
                    condition=copy.deepcopy(section.condition),
                )
            )
    return Questionnaire(
        key=questionnaire.key,
        version=questionnaire.version,
        title=copy.deepcopy(questionnaire.title),
        audience=questionnaire.audience,
        anonymous=questionnaire.anonymous,
        sections=sections,
        description=copy.deepcopy(questionnaire.description),
    )
