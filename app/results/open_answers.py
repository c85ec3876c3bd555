"""Open answers of the latest release, grouped by question and domain, near-identical answers counted, a page at a time.

The release already holds only the free text of (organisation, role) groups that reached the
comment threshold (table `released_comments`); `released_groups` applies the traject's *current*
threshold once more (it can only have gone up since), counting a group's writers the way
`analysis.filter_comments` does, and groups the answers once per release and threshold. Near
identical means the same text after `normalise` (case, accents, punctuation and spacing ignored).
A page reads the summary and its fifty groups by ordinal, never the release's every answer. No
page shows who wrote what, nor which school: only the question, the domain and the count.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from flask_babel import gettext as _

from analysis.feasibility import DOMAINS
from app.i18n import pick
from app.results import views
from app.services import released_groups
from app.services.comment_words import OTHER, normalise

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

    The release's groups for the threshold are written once (`released_groups.build`, at release
    or on the first read); a page reads their small summary and its own groups by ordinal, and a
    text search scans the groups once for its totals."""
    if snapshot_id is None:
        return dict(EMPTY)
    summary = released_groups.summary_of(snapshot_id, comment_threshold)
    if not summary["answers"]:
        return dict(EMPTY)
    questions: dict = {}
    per_question: Counter = Counter()
    seen = set()
    for q, k, dom, words, n in summary["answers"]:
        qkey = f"{q}:{k}"
        questions.setdefault(qkey, question_label(q, k))
        if words:
            per_question[qkey] += n
            seen.add(dom)
    # The blocks (question and domain) the filters keep, in the page's order, with what each shows:
    # [block, qkey, domain, first ordinal, end, groups, answers]; said twice or more comes first.
    kept = []
    for b, (q, k, dom, first, n, answers, repeated, repeated_answers) in enumerate(summary["blocks"]):
        qkey = f"{q}:{k}"
        if question and qkey != question or domain and dom != domain:
            continue
        shows = (repeated, repeated_answers) if repeated_only else (n, answers)
        kept.append((b, qkey, dom, first, first + n, *shows))
    needle = normalise(search)
    if needle and kept:
        ranges = tuple(_merged([(blk[3], blk[4]) for blk in kept]))
        found = _search_totals(summary.get("build"), snapshot_id, comment_threshold, ranges, needle, repeated_only)
        kept = [blk[:5] + found[blk[0]] for blk in kept if blk[0] in found]
    kept = [blk for blk in kept if blk[5]]
    groups, shown = sum(blk[5] for blk in kept), sum(blk[6] for blk in kept)
    pages = max(1, -(-groups // per_page))
    number = min(_page_number(page), pages)  # past the end: the last page
    offset, done, pieces, in_domain = (number - 1) * per_page, 0, [], {}
    for _b, qkey, dom, first, end, n, answers in kept:
        skip, stop = max(offset - done, 0), min(offset + per_page - done, n)
        if skip < stop:
            pieces.append((first, end, skip, stop - skip, n))
            in_domain[(qkey, dom)] = answers
        done += n
    rows = released_groups.page_rows(snapshot_id, comment_threshold, pieces, needle, repeated_only)
    result: list[dict] = []
    for q, k, dom, answer, count in rows:
        qkey = f"{q}:{k}"
        if not result or result[-1]["key"] != qkey:
            result.append({"key": qkey, "label": questions[qkey], "total": int(per_question[qkey]), "domains": []})
        domains = result[-1]["domains"]
        if not domains or domains[-1]["key"] != dom:
            domains.append({"key": dom, "label": domain_label(dom), "clusters": [], "count": in_domain[(qkey, dom)]})
        domains[-1]["clusters"].append({"text": answer, "count": int(count)})
    return {
        "questions": result,
        "shown": shown,
        "total": sum(n for *_rest, n in summary["answers"]),
        "question_choices": sorted(questions.items(), key=lambda kv: kv[0]),
        "domain_choices": [(d, domain_label(d)) for d in list(DOMAINS) + [OTHER] if d in seen],
        "page": number,
        "pages": pages,
        "groups": groups,
    }


@lru_cache(maxsize=64)
def _search_totals(build, snapshot_id: int, comment_threshold: int, ranges: tuple, needle: str, repeated: bool) -> dict:
    """A search's groups and answers per block: the one read of every group a search costs, kept
    per grouping (`build`) so the search's next pages only read their own groups. Counts only."""
    return released_groups.search_totals(snapshot_id, comment_threshold, list(ranges), needle, repeated)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent ordinal ranges as one (no filter on question or domain: the whole release)."""
    out: list[tuple[int, int]] = []
    for start, end in ranges:
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out
