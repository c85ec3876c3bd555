"""Open answers of the latest release, grouped by question and domain, near-identical answers counted, a page at a time.

The release already holds only the free text of (organisation, role) groups that reached the
comment threshold (table `released_comments`); `_visible` applies the traject's *current*
threshold once more (it can only have gone up since), counting a group's writers the way
`analysis.filter_comments` does. Near identical means the same text after `normalise` (case,
accents, punctuation and spacing ignored). Grouping, filters, order and paging are SQL: a page
reads its fifty groups, never the release's every answer. No page shows who wrote what, nor which
school: only the question, the domain and the count.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import case, func, literal, literal_column, select

from analysis.feasibility import DOMAINS
from app.extensions import db
from app.i18n import pick
from app.models import ReleasedComment
from app.results import views
from app.services.comment_words import DOMAIN_WORDS, OTHER, domain_of, normalise  # noqa: F401

PER_PAGE = 50


@lru_cache(maxsize=8)
def _question_texts(template_key: str) -> dict:
    from surveys.templates import load_template

    try:
        return {q.key: q.text for q in load_template(template_key).questions()}
    except (KeyError, ValueError, FileNotFoundError):
        return {}


def question_label(questionnaire: str, question: str) -> str:
    return pick(_question_texts(str(questionnaire)).get(question)) or question


def domain_label(domain: str) -> str:
    return _("Overig (geen domein herkend)") if domain == OTHER else views.domain_name(domain)


def _c(column):
    """Code-point order, as Python sorts (PostgreSQL's default collation follows the locale)."""
    return column.collate("C") if db.engine.dialect.name == "postgresql" else column


def _visible(snapshot_id: int, comment_threshold: int):
    """The release's non-empty answers of groups that still reach the comment threshold."""
    t = ReleasedComment.__table__
    return (
        select(t.c.questionnaire, t.c.question, t.c.form, t.c.normalised, t.c.domain)
        .where(
            t.c.snapshot_id == snapshot_id,
            t.c.text.is_not(None),
            t.c.text != "",
            t.c.group_size >= comment_threshold,
        )
        .subquery("visible")
    )


def _clusters(visible):
    """One row per question and normalised text: its count and the spelling most people used
    (ties: alphabetical, never by time)."""
    v = visible
    forms = (
        select(v.c.questionnaire, v.c.question, v.c.normalised, v.c.domain, v.c.form, func.count().label("n"))
        .where(v.c.normalised != "")
        .group_by(v.c.questionnaire, v.c.question, v.c.normalised, v.c.domain, v.c.form)
        .subquery("forms")
    )
    cluster = (forms.c.questionnaire, forms.c.question, forms.c.normalised)
    ranked = select(
        forms,
        func.sum(forms.c.n).over(partition_by=cluster).label("count"),
        func.row_number().over(partition_by=cluster, order_by=(forms.c.n.desc(), _c(forms.c.form))).label("rank"),
    ).subquery("ranked")
    r = ranked
    return (
        select(
            (r.c.questionnaire + literal(":") + r.c.question).label("qkey"),
            r.c.domain,
            r.c.normalised,
            r.c.form.label("text"),
            r.c.count,
        )
        .where(r.c.rank == 1)
        .subquery("clusters")
    )


def _page_number(page) -> int:
    try:
        return max(1, int(page))
    except (TypeError, ValueError):
        return 1


EMPTY = {
    "questions": [],
    "shown": 0,
    "total": 0,
    "question_choices": [],
    "domain_choices": [],
    "page": 1,
    "pages": 1,
    "groups": 0,
}


def grouped(
    snapshot_id: int | None,
    comment_threshold: int,
    *,
    question: str = "",
    domain: str = "",
    search: str = "",
    repeated_only: bool = False,
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
) -> dict:
    """One page of open answers per question, per domain, as clusters ``{"text", "count"}`` (most
    said first), with the filter choices, the totals before and after filtering, and the paging.

    Two queries over the release's rows: a summary (totals, choices) and the page itself, whose
    window sums give the filtered totals before LIMIT cuts the page."""
    if snapshot_id is None:
        return dict(EMPTY)
    visible = _visible(snapshot_id, comment_threshold)
    v = visible
    # No bound parameter in the grouped expression: PostgreSQL must see the same text twice.
    has_words = v.c.normalised != literal_column("''")
    summary = db.session.execute(
        select(v.c.questionnaire, v.c.question, v.c.domain, has_words, func.count()).group_by(
            v.c.questionnaire, v.c.question, v.c.domain, has_words
        )
    ).all()
    if not summary:
        return dict(EMPTY)
    questions: dict = {}
    per_question: Counter = Counter()
    seen = set()
    for q, k, dom, words, n in summary:
        qkey = f"{q}:{k}"
        questions.setdefault(qkey, question_label(q, k))
        if words:
            per_question[qkey] += n
            seen.add(dom)
    c = _clusters(visible)
    conditions = []
    if question:
        conditions.append(c.c.qkey == question)
    if domain:
        conditions.append(c.c.domain == domain)
    needle = normalise(search)
    if needle:
        conditions.append(c.c.normalised.contains(needle, autoescape=True))
    if repeated_only:
        conditions.append(c.c.count >= 2)
    domain_order = case({d: i for i, d in enumerate(DOMAINS)}, value=c.c.domain, else_=len(DOMAINS))
    page_query = (
        select(
            c.c.qkey,
            c.c.domain,
            c.c.text,
            c.c.count,
            func.count().over().label("groups"),
            func.sum(c.c.count).over().label("shown"),
            func.sum(c.c.count).over(partition_by=(c.c.qkey, c.c.domain)).label("in_domain"),
        )
        .where(*conditions)
        .order_by(_c(c.c.qkey), domain_order, c.c.count.desc(), _c(c.c.text))
        .limit(per_page)
    )
    number = _page_number(page)
    rows = db.session.execute(page_query.offset((number - 1) * per_page)).all()
    if not rows and number > 1:  # past the end: the last page
        groups = db.session.scalar(select(func.count()).select_from(c).where(*conditions)) or 0
        number = max(1, -(-int(groups) // per_page))
        rows = db.session.execute(page_query.offset((number - 1) * per_page)).all()
    groups, shown = (int(rows[0].groups), int(rows[0].shown)) if rows else (0, 0)
    result: list[dict] = []
    for qkey, dom, answer, count, _groups, _shown, in_domain in rows:
        if not result or result[-1]["key"] != qkey:
            result.append({"key": qkey, "label": questions[qkey], "total": int(per_question[qkey]), "domains": []})
        domains = result[-1]["domains"]
        if not domains or domains[-1]["key"] != dom:
            domains.append({"key": dom, "label": domain_label(dom), "clusters": [], "count": int(in_domain)})
        domains[-1]["clusters"].append({"text": answer, "count": int(count)})
    return {
        "questions": result,
        "shown": shown,
        "total": sum(n for *_rest, n in summary),
        "question_choices": sorted(questions.items(), key=lambda kv: kv[0]),
        "domain_choices": [(d, domain_label(d)) for d in list(DOMAINS) + [OTHER] if d in seen],
        "page": number,
        "pages": max(1, -(-groups // per_page)),
        "groups": groups,
    }
