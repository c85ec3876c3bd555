"""A release's open answers grouped once per comment threshold, in the page's order: a page reads its groups by ordinal.

`build` groups the release's visible rows of `released_comments` (groups of (school, role) that
reach the threshold, non-empty answers) into one row per question and normalised text, numbered
in the order the open-answers page shows them: question (code points), domain (the report's
order, then "overig"), count (most first), text (code points). Each question and domain is a
contiguous *block* of ordinals, and within a block the groups said at least twice come first, so
every filter but the text search is a set of ordinal ranges computed from the small summary; a
search scans the release's groups (not its answers) once for its totals and reads its page by
block. Nothing here holds a school, a role or a person: only question, domain, text and count.
"""

from __future__ import annotations

import uuid

from sqlalchemy import case, delete, func, insert, literal, literal_column, or_, select, text
from sqlalchemy.exc import IntegrityError

from analysis.feasibility import DOMAINS
from app.extensions import db
from app.models import IndicatorSnapshot, ReleasedComment, ReleasedCommentGroup, ReleasedCommentGrouping


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
    # Grouped in code-point collation: the same groups (equality is bytewise either way), sorted
    # without the locale's string comparisons.
    keys = [_c(v.c[name]).label(name) for name in ("questionnaire", "question", "normalised", "domain", "form")]
    forms = select(*keys, func.count().label("n")).where(v.c.normalised != "").group_by(*keys).subquery("forms")
    cluster = (forms.c.questionnaire, forms.c.question, forms.c.normalised)
    ranked = select(
        forms,
        func.sum(forms.c.n).over(partition_by=cluster).label("count"),
        func.row_number().over(partition_by=cluster, order_by=(forms.c.n.desc(), _c(forms.c.form))).label("rank"),
    ).subquery("ranked")
    r = ranked
    return (
        select(
            r.c.questionnaire,
            r.c.question,
            (r.c.questionnaire + literal(":") + r.c.question).label("qkey"),
            r.c.domain,
            r.c.normalised,
            r.c.form.label("text"),
            r.c.count,
        )
        .where(r.c.rank == 1)
        .subquery("clusters")
    )


def build(snapshot_id: int, comment_threshold: int, connection=None) -> dict:
    """Write the release's groups for a threshold and return its summary (no commit): called after
    `released_comments.store` in the release's transaction, and by the page (on a connection of its
    own) for a threshold raised since the release."""
    run = (connection or db.session).execute
    visible = _visible(snapshot_id, comment_threshold)
    v = visible
    # No bound parameter in the grouped expression: PostgreSQL must see the same text twice.
    has_words = v.c.normalised != literal_column("''")
    answers = run(
        select(v.c.questionnaire, v.c.question, v.c.domain, has_words, func.count()).group_by(
            v.c.questionnaire, v.c.question, v.c.domain, has_words
        )
    ).all()
    c = _clusters(visible)
    domain_order = case({d: i for i, d in enumerate(DOMAINS)}, value=c.c.domain, else_=len(DOMAINS))
    # The domain itself after its place keeps a block contiguous should two unknown domains meet.
    heading = (_c(c.c.qkey), domain_order, _c(c.c.domain))
    rows = select(
        literal(snapshot_id),
        literal(comment_threshold),
        func.row_number().over(order_by=(*heading, c.c.count.desc(), _c(c.c.text))) - 1,
        func.dense_rank().over(order_by=heading) - 1,
        c.c.questionnaire,
        c.c.question,
        c.c.domain,
        c.c.normalised,
        c.c.text,
        c.c.count,
    )
    g = ReleasedCommentGroup.__table__
    columns = ["snapshot_id", "threshold", "ordinal", "block", "questionnaire", "question", "domain"]
    run(insert(ReleasedCommentGroup).from_select([*columns, "normalised", "text", "count"], rows))
    repeated = g.c["count"] >= 2
    blocks = run(
        select(
            g.c.block,
            g.c.questionnaire,
            g.c.question,
            g.c.domain,
            func.min(g.c.ordinal),
            func.count(),
            func.sum(g.c["count"]),
            func.sum(case((repeated, 1), else_=0)),
            func.sum(case((repeated, g.c["count"]), else_=0)),
        )
        .where(g.c.snapshot_id == snapshot_id, g.c.threshold == comment_threshold)
        .group_by(g.c.block, g.c.questionnaire, g.c.question, g.c.domain)
        .order_by(g.c.block)
    ).all()
    summary = {
        # Which grouping this is: a page's cached search totals are kept per grouping.
        "build": uuid.uuid4().hex,
        # Per question and domain: visible answers with words (True) and without (False).
        "answers": [[q, k, d, bool(words), int(n)] for q, k, d, words, n in answers],
        # Per block, in order: question, domain, first ordinal, groups, answers, repeated groups, their answers.
        "blocks": [
            [q, k, d, int(first), int(n), int(s), int(r), int(rs)] for _b, q, k, d, first, n, s, r, rs in blocks
        ],
    }
    run(insert(ReleasedCommentGrouping).values(snapshot_id=snapshot_id, threshold=comment_threshold, summary=summary))
    return summary


def summary_of(snapshot_id: int, comment_threshold: int) -> dict:
    """The release's summary for the threshold; grouped first if it is not yet, in a transaction of
    its own (the page's session keeps its objects). Two pages grouping the same release at once:
    the second waits on the first's rows and, once they are committed, finds them."""
    found = db.session.scalar(
        select(ReleasedCommentGrouping.summary).where(
            ReleasedCommentGrouping.snapshot_id == snapshot_id, ReleasedCommentGrouping.threshold == comment_threshold
        )
    )
    if found is not None:
        return found
    try:
        with db.engine.begin() as connection:
            return build(snapshot_id, comment_threshold, connection)
    except IntegrityError:
        return summary_of(snapshot_id, comment_threshold)


def search_totals(snapshot_id: int, comment_threshold: int, ranges: list[tuple[int, int]], needle: str, repeated: bool):
    """Per block the groups within `ranges` (ordinals, end excluded) whose normalised text holds
    `needle`: {block: (groups, answers)}."""
    g = ReleasedCommentGroup.__table__
    _custom_plans()
    found = db.session.execute(
        select(g.c.block, func.count(), func.sum(g.c["count"]))
        .where(*_where(snapshot_id, comment_threshold, needle, repeated), _within(g, ranges))
        .group_by(g.c.block)
    ).all()
    return {int(b): (int(n), int(s)) for b, n, s in found}


def page_rows(snapshot_id: int, comment_threshold: int, pieces: list[tuple], needle: str, repeated: bool):
    """The page's groups: per piece (block's first ordinal, block's end, skip, take, the block's
    groups the filters keep), in order. Without a search a piece is one ordinal range; with one,
    its block's matches after `skip`, read from the nearer end of the block."""
    g = ReleasedCommentGroup.__table__
    columns = (g.c.questionnaire, g.c.question, g.c.domain, g.c.text, g.c["count"])
    if not needle:
        ranges = [(first + skip, first + skip + take) for first, _end, skip, take, _n in pieces]
        if not ranges:
            return []
        return db.session.execute(
            select(*columns)
            .where(g.c.snapshot_id == snapshot_id, g.c.threshold == comment_threshold, _within(g, ranges))
            .order_by(g.c.ordinal)
        ).all()
    rows: list = []
    _custom_plans()
    for first, end, skip, take, matches in pieces:
        query = select(*columns).where(
            *_where(snapshot_id, comment_threshold, needle, repeated), _within(g, [(first, end)])
        )
        if skip > matches - skip - take:  # nearer the block's end: read it backwards
            rows += reversed(
                db.session.execute(query.order_by(g.c.ordinal.desc()).offset(matches - skip - take).limit(take)).all()
            )
        else:
            rows += db.session.execute(query.order_by(g.c.ordinal).offset(skip).limit(take)).all()
    return rows


def _custom_plans() -> None:
    """A search's plan for its own needle and ranges: psycopg prepares a statement run five times,
    and PostgreSQL's generic plan for it reads every group through the primary key (2-3× slower)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _where(snapshot_id: int, comment_threshold: int, needle: str, repeated: bool) -> list:
    g = ReleasedCommentGroup.__table__
    out = [g.c.snapshot_id == snapshot_id, g.c.threshold == comment_threshold]
    if needle:
        out.append(g.c.normalised.contains(needle, autoescape=True))
    if repeated:
        out.append(g.c["count"] >= 2)
    return out


def _within(g, ranges: list[tuple[int, int]]):
    return or_(*[g.c.ordinal.between(start, end - 1) for start, end in ranges])


def clear_before(traject_id: int, number: int) -> None:
    """Delete the groups of a traject's releases before `number` (with their comment rows)."""
    _delete(
        select(IndicatorSnapshot.id).where(
            IndicatorSnapshot.traject_id == traject_id, IndicatorSnapshot.number < number
        )
    )


def erase(traject_id: int) -> int:
    """Delete every group of a traject's releases (their texts are raw answers). Returns the groups' count."""
    return _delete(select(IndicatorSnapshot.id).where(IndicatorSnapshot.traject_id == traject_id))


def _delete(snapshot_ids) -> int:
    """Delete the groups and summaries of these releases; returns how many groups went."""
    counts = [
        db.session.execute(
            delete(model).where(model.snapshot_id.in_(snapshot_ids)).execution_options(synchronize_session=False)
        )
        for model in (ReleasedCommentGroup, ReleasedCommentGrouping)
    ]
    return int(getattr(counts[0], "rowcount", 0) or 0)
