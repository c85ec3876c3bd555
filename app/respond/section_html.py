"""A section's questions as HTML; before any answer or error the same for every respondent, so kept per process."""

from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup

# (questionnaire id, fingerprint, section key, language, shown question keys) -> HTML. A published
# questionnaire is frozen (its fingerprint names its definition), so an entry never goes stale; the
# HTML holds nothing of a person (no answer, no error, no token: the CSRF field is outside it).
_blank: dict[tuple, Markup] = {}
MAX_ENTRIES = 256


def render(questionnaire, section, answers: dict, errors: dict, lang: str, visible: list[str]) -> Markup:
    """`questions/_render.html`'s render_section(section, answers, errors, lang, visible)."""
    keys = [q.key for q in section.questions]
    if questionnaire.fingerprint and not any(k in answers or k in errors for k in keys):
        shown = set(visible)
        key = (questionnaire.id, questionnaire.fingerprint, section.key, lang, tuple(k for k in keys if k in shown))
        html = _blank.get(key)
        if html is None:
            html = _render_section(section, {}, {}, lang, visible)
            if len(_blank) >= MAX_ENTRIES:
                _blank.clear()
            _blank[key] = html
        return html
    return _render_section(section, answers, errors, lang, visible)


def _render_section(section, answers: dict, errors: dict, lang: str, visible: list[str]) -> Markup:
    return get_template_attribute("questions/_render.html", "render_section")(section, answers, errors, lang, visible)
