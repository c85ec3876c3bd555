"""Released comments in their own table: exactly what the release would have published, in its
order; carried with a held instrument; a change is a change; paged pages show nothing new; erased."""

import copy
import json
import re
from collections import Counter, defaultdict

import pytest
from builders import add_member, gen_user, login
from builders_results import gen_case_traject, gen_snapshot
from sqlalchemy import func, select

from analysis.feasibility import DOMAINS
from app.extensions import db
from app.models import IndicatorSnapshot, ReleasedComment
from app.results import open_answers
from app.services import (
    advice_document,
    indicator_payload,
    indicators,
    privacy,
    released_comments,
    releases,
    simulation,
)
from app.services.comment_words import OTHER, domain_of, normalise
from app.services.demo import load_demo


def _comment(text, question="worries", organisation="ZL", role="ict_staff", questionnaire="ict_staff"):
    return {
        "questionnaire": questionnaire,
        "question": question,
        "organisation": organisation,
        "role": role,
        "text": text,
    }


# --- the release writes exactly what its payload held before -----------------------------------------


@pytest.fixture
def released(app):
    traject, _ = load_demo()
    simulation.simulate(traject, 470, seed=11, ict_staff=160)
    db.session.commit()
    result = indicators.compute_snapshot(traject)
    return traject, result.snapshot


def _what_the_payload_held(traject, snapshot) -> list[dict]:
    """The comment list of the payload before issue 18, from the raw answers: per anonymous
    instrument in the release's order, the groups of at least the comment threshold
    (indicator_payload.comments), less the release's hidden groups."""
    groups = indicators.instruments(traject)
    frames = indicators.read_frames(traject, groups)
    every = indicator_payload.comments(frames.texts, traject.comment_threshold)
    out = []
    for g in groups.values():
        if not g.anonymous:
            continue
        hidden = releases.hidden_groups_of(snapshot, g.key)
        out += [
            c
            for c in every
            if c["questionnaire"] == g.key
            and (c["organisation"], c["role"]) not in hidden
            and (c["organisation"], None) not in hidden
        ]
    return out


def test_the_rows_are_what_the_release_would_have_published_in_its_order(released):
    traject, snapshot = released
    rows = released_comments.rows_of(snapshot.id)
    expected = _what_the_payload_held(traject, snapshot)
    assert len(rows) > 50 and rows == expected  # the same rows, in the same order
    assert "comments" not in snapshot.payload
    by_key = Counter(r["questionnaire"] for r in rows)
    assert {k: d["count"] for k, d in snapshot.payload["comments_released"].items() if d["count"]} == dict(by_key)
    # No column links a row to a response, a participant or a moment.
    assert {c.name for c in ReleasedComment.__table__.columns} == {
        "snapshot_id",
        "position",
        "questionnaire",
        "question",
        "organisation",
        "role",
        "text",
        "form",
        "normalised",
        "domain",
        "group_size",
    }
    # Order is the release's (by question, group, text), never submission: sorted within an instrument.
    staff = [r for r in rows if r["questionnaire"] == "ict_staff"]
    key = lambda r: (r["question"], str(r["organisation"]), str(r["role"]), r["text"])  # noqa: E731
    assert staff == sorted(staff, key=key)


def test_a_hidden_groups_comment_never_lands():
    """An attacker's marker text in a group the release hides: never in the rows, never in the digest."""
    marker = "GEHEIM-ZL-7f3a"
    raw = releases.Raw(
        constructs=[],
        motives=[],
        indices=[],
        gap=[],
        preferences=[],
        comments=[_comment("Meer overleg", organisation="BM")] * 3
        + [_comment(marker, organisation="ZL")] * 3
        + [_comment(marker + "-rol", organisation="EC", role="ict_lead")] * 3,
        rates=[],
        members={},
        board={},
        ict_foto=[],
    )
    payload, parts = {"constructs": [], "comments_released": {}, "response_rates": [], "board": {}}, []
    hidden = {("ZL", None), ("EC", "ict_lead")}
    releases._fresh(payload, raw, "ict_staff", hidden, {}, None, parts)
    (part,) = parts
    assert [r[:5] for r in part.rows] == [tuple(_comment("Meer overleg", organisation="BM").values())] * 3
    assert marker not in repr(part.rows) and marker not in repr(payload)
    shown = released_comments.derived([_comment("Meer overleg", organisation="BM")] * 3)
    assert payload["comments_released"]["ict_staff"] == released_comments.digest(shown)


def test_every_released_row_belongs_to_a_shown_group(released):
    traject, snapshot = released
    for key in ("ict_staff", "ict_users", "motives"):
        hidden = releases.hidden_groups_of(snapshot, key) or set()
        for row in released_comments.rows_of(snapshot.id):
            if row["questionnaire"] == key:
                assert (row["organisation"], row["role"]) not in hidden
                assert (row["organisation"], None) not in hidden


def _bare_release(traject, number: int) -> IndicatorSnapshot:
    """A flushed release without figures: its comment rows are what the test writes."""
    snapshot = IndicatorSnapshot(
        traject_id=traject.id,
        number=number,
        input_fingerprint="t",
        code_version="t",
        responses=1,
        anonymity_threshold=5,
        payload={},
    )
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


# --- carried instruments, superseded releases, changes --------------------------------------------------


def test_a_carried_instrument_keeps_the_previous_releases_rows_in_order(app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    old_staff = [_comment(f"staff {i}") for i in range(4)]
    old_users = [_comment(f"users {i}", questionnaire="ict_users", role="staff") for i in range(3)]
    first = gen_snapshot(traject, {"comments": old_staff + old_users})
    fresh_staff = released_comments.derived([_comment("nieuw", question="conditions")] * 2)
    second = _bare_release(traject, 2)
    parts = [
        released_comments.Part("ict_staff", rows=fresh_staff),
        released_comments.Part("ict_users", carried=3),
    ]
    assert released_comments.store(second.id, parts, first.id) == 5
    rows = released_comments.rows_of(second.id)
    assert rows == [_comment("nieuw", question="conditions")] * 2 + old_users
    positions = db.session.scalars(
        select(ReleasedComment.position).where(ReleasedComment.snapshot_id == second.id).order_by("position")
    ).all()
    assert positions == [0, 1, 2, 3, 4]
    # The digest of carried rows is the previous release's digest of the same rows.
    assert (
        released_comments.digest(released_comments.derived(old_users))
        == first.payload["comments_released"]["ict_users"]
    )
    # Superseding empties the first release's rows with its figures.
    releases.clear_superseded(traject.id, 2)
    assert released_comments.rows_of(first.id) == [] and len(released_comments.rows_of(second.id)) == 5


def test_a_held_release_carries_its_comments_through_a_real_recompute(released):
    """A board changes an answer (identified: a new release) while one late staff answer with a
    marker text waits (held back alone): the staff comments are carried, the marker never lands."""
    from datetime import date

    from sqlalchemy import text

    from app.models import Questionnaire, Response

    traject, first = released
    before = released_comments.rows_of(first.id)
    digest = first.payload["comments_released"]["ict_staff"]
    staff = [r for r in before if r["questionnaire"] == "ict_staff"]
    assert staff
    qid = db.session.scalar(
        select(Questionnaire.id).where(
            Questionnaire.traject_id == traject.id, Questionnaire.template_key == "ict_staff"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO responses (id, questionnaire_id, organisation_code, role, submitted_on, answers, revision, "
            "is_latest) VALUES ('late', :q, 'ZL', 'ict_staff', :d, :a, 1, true)"
        ),
        {"q": qid, "d": date.today(), "a": json.dumps({staff[0]["question"]: "LAAT-GEHEIM"})},
    )
    board = db.session.scalars(
        select(Response)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .where(Questionnaire.traject_id == traject.id, Questionnaire.template_key == "board_commitment")
        .order_by(Response.id)
    ).first()
    answers = dict(board.answers)
    key = next(k for k, v in sorted(answers.items()) if isinstance(v, int) and not isinstance(v, bool))
    answers[key] = 1 if answers[key] != 1 else 5
    board.answers = answers
    db.session.commit()
    result = indicators.compute_snapshot(traject)
    assert result.created and result.snapshot.id != first.id
    snapshot = result.snapshot
    after = released_comments.rows_of(snapshot.id)
    assert [r for r in after if r["questionnaire"] == "ict_staff"] == staff
    assert snapshot.payload["comments_released"]["ict_staff"] == digest
    assert after == before and "LAAT-GEHEIM" not in repr(after)
    # Only the newest release keeps rows.
    older = db.session.scalar(
        select(func.count())
        .select_from(ReleasedComment)
        .join(IndicatorSnapshot)
        .where(IndicatorSnapshot.traject_id == traject.id, IndicatorSnapshot.id != snapshot.id)
    )
    assert older == 0


def test_a_changed_comment_is_a_changed_payload_and_a_changed_advice_fingerprint():
    rows = [_comment("Meer overleg"), _comment("Een vast aanspreekpunt")]
    base = released_comments.digest(released_comments.derived(rows))
    changed_text = released_comments.digest(released_comments.derived([rows[0], _comment("Een vast aanspreekpunt!")]))
    changed_order = released_comments.digest(released_comments.derived(rows[::-1]))
    changed_group = released_comments.digest(released_comments.derived([rows[0], dict(rows[1], organisation=None)]))
    assert len({base["sha256"], changed_text["sha256"], changed_order["sha256"], changed_group["sha256"]}) == 4
    assert base["count"] == 2
    a = {"constructs": [], "comments_released": {"ict_staff": base}}
    b = copy.deepcopy(a)
    assert releases.same_payload(a, b)
    b["comments_released"]["ict_staff"] = changed_text
    assert not releases.same_payload(a, b)
    doc = {"snapshot": {"payload": a}}
    assert advice_document.fingerprint(doc) != advice_document.fingerprint({"snapshot": {"payload": b}})
    # None and "" are different texts.
    assert (
        released_comments.digest(released_comments.derived([_comment(None)]))["sha256"]
        != (released_comments.digest(released_comments.derived([_comment("")]))["sha256"])
    )


def test_erasing_the_traject_removes_the_rows_and_keeps_the_release(released):
    traject, snapshot = released
    assert released_comments.rows_of(snapshot.id)
    counts = privacy.erase_traject(traject, confirm_name=traject.name)
    db.session.commit()
    assert counts["released_comments"] > 0
    assert db.session.scalar(select(func.count()).select_from(ReleasedComment)) == 0
    assert db.session.get(IndicatorSnapshot, snapshot.id).payload["constructs"]


# --- the open-answers page: paged and filtered in SQL, nothing more than before ----------------------


def _old_grouped(comments, comment_threshold, *, question="", domain="", search="", repeated_only=False):
    """The open-answers grouping before issue 18 (Python over the payload's whole list): the reference."""
    comments = [c for c in comments if c.get("text")]
    sizes = Counter((c["questionnaire"], c["question"], c["organisation"], c["role"]) for c in comments)
    comments = [
        c
        for c in comments
        if sizes[(c["questionnaire"], c["question"], c["organisation"], c["role"])] >= comment_threshold
    ]
    needle = normalise(search)
    questions, counts, forms = {}, defaultdict(Counter), defaultdict(Counter)
    for c in comments:
        qkey = f"{c['questionnaire']}:{c['question']}"
        questions.setdefault(qkey, qkey)
        norm = normalise(c["text"])
        if not norm:
            continue
        counts[qkey][norm] += 1
        forms[(qkey, norm)][c["text"].strip()] += 1
    out, shown = [], 0
    for qkey in sorted(questions):
        by_domain = defaultdict(list)
        for norm, count in counts[qkey].items():
            dom = domain_of(norm)
            if question and qkey != question or domain and dom != domain:
                continue
            if needle and needle not in norm or repeated_only and count < 2:
                continue
            text = sorted(forms[(qkey, norm)].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            by_domain[dom].append({"text": text, "count": count})
            shown += count
        order = [d for d in DOMAINS if d in by_domain] + ([OTHER] if OTHER in by_domain else [])
        for d in order:
            for c in sorted(by_domain[d], key=lambda c: (-c["count"], c["text"])):
                out.append((qkey, d, c["text"], c["count"]))
    return out, shown, len(comments)


def _flat(result):
    return [
        (q["key"], d["key"], c["text"], c["count"])
        for q in result["questions"]
        for d in q["domains"]
        for c in d["clusters"]
    ]


def _many_comments():
    words = ["overleg", "laptop", "wifi", "privacy", "werkdruk", "helpdesk", "Zoë", "ZOE", "_x_", "100%"]
    out = []
    for i in range(130):
        text = f"{words[i % len(words)]} punt {i % 70}" + ("!" if i % 4 == 0 else "") + ("  " if i % 5 == 0 else "")
        out.append(_comment(text, question="worries" if i % 3 else "conditions", organisation="ZL"))
    out += [_comment("Meer overleg", organisation="BM")] * 4  # a group below 5
    out += [_comment("   ", organisation="VN")] * 6 + [_comment("", organisation="VN")]  # no words
    return out


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"question": "ict_staff:worries"},
        {"domain": "overleg"},
        {"domain": OTHER},
        {"search": "punt 1"},
        {"search": "_x"},
        {"search": "100%"},
        {"search": "zoe"},
        {"repeated_only": True},
        {"question": "ict_staff:conditions", "repeated_only": True, "search": "punt"},
    ],
)
def test_every_page_together_is_exactly_what_the_unpaged_page_showed(app, filters):
    comments = _many_comments()
    with app.test_request_context():
        release = gen_snapshot(gen_case_traject(gen_user("regisseur")), {"comments": comments}).id
        expected, shown, total = _old_grouped(comments, 5, **filters)
        first = open_answers.grouped(release, 5, per_page=7, **filters)
        pages = [first] + [
            open_answers.grouped(release, 5, per_page=7, page=n, **filters) for n in range(2, first["pages"] + 1)
        ]
        assert sum((_flat(p) for p in pages), []) == expected
        assert all(p["shown"] == shown and p["total"] == total for p in pages)
        assert first["pages"] == max(1, -(-len(expected) // 7))
        # Nothing of the group below the threshold, on any page; out-of-range pages show a real page.
        assert "BM" not in repr(pages)
        for junk in ("0", "-3", "abc", "999999", None):
            assert _flat(open_answers.grouped(release, 5, per_page=7, page=junk, **filters)) in [
                _flat(p) for p in pages
            ]


def test_the_page_links_keep_the_filters_and_the_bestuurder_sees_no_answers_on_any_page(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    comments = [_comment(f"Antwoord nummer {i:03d}") for i in range(120)]
    gen_snapshot(traject, {"comments": comments})
    login(client, owner)
    url = f"/trajecten/{traject.id}/resultaten/open-antwoorden"
    html = client.get(url + "?zoek=nummer").get_data(as_text=True)
    assert "Pagina 1 van 3" in html and "Antwoord nummer 000" in html and "Antwoord nummer 050" not in html
    links = re.findall(r'href="([^"]*pagina=[^"]*)"', html)
    assert links and all("zoek=nummer" in link for link in links)
    assert 'aria-current="page"' in html and 'rel="next"' in html
    html = client.get(url + "?zoek=nummer&pagina=3").get_data(as_text=True)
    assert "Antwoord nummer 119" in html and "Antwoord nummer 000" not in html and 'rel="prev"' in html
    board = gen_user("bestuurder")
    add_member(traject, board)
    client.post("/logout")
    login(client, board)
    for query in ("", "?pagina=2", "?pagina=3&zoek=nummer", "?herhaald=1&pagina=-1"):
        html = client.get(url + query).get_data(as_text=True)
        assert "Antwoord nummer" not in html and "pagina=" not in html and "alleen de regisseur" in html


def test_the_open_answers_page_does_not_load_the_payload(client, app):
    from sqlalchemy import event

    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject, {"comments": [_comment("Meer overleg")] * traject.comment_threshold})
    login(client, owner)
    url = f"/trajecten/{traject.id}/resultaten/open-antwoorden"
    db.session.expunge_all()
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "Meer overleg" in html and any("released_comments" in s for s in statements)
    assert not any("indicator_snapshots.payload" in s for s in statements)  # the figures never decoded


def test_one_pattern_classifies_as_a_search_per_word_did():
    """comment_words.domain_of (one regex) against the loop of before: first word wins, ties by domain order."""
    import random

    from app.services.comment_words import DOMAIN_WORDS

    def before(normalised):
        best, where = OTHER, None
        for domain, words in DOMAIN_WORDS.items():
            for word in words:
                match = re.search(r"\b" + re.escape(word), normalised)
                if match and (where is None or match.start() < where):
                    best, where = domain, match.start()
        return best

    vocab = [w for ws in DOMAIN_WORDS.values() for w in ws] + ["de", "meer", "xoverleg", "kennis", "delen", "lap"]
    rng = random.Random(3)
    texts = [
        normalise(" ".join(rng.choice(vocab) + rng.choice(["", "s", "en"]) for _ in range(rng.randint(0, 5))))
        for _ in range(20_000)
    ]
    assert [domain_of(t) for t in texts] == [before(t) for t in texts]
    assert len({domain_of(t) for t in texts}) == len(DOMAIN_WORDS) + 1


# --- the fast paths of issue 18 against what they replace -----------------------------------------------


def test_copy_keeps_every_character_of_a_text(app):
    """The release's COPY (psycopg's write_row) stores each text as it was."""
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    snapshot = _bare_release(traject, 1)
    texts = [
        "tab\there",
        "line\nbreak\r\nand return",
        "back\\slash \\N \\t",
        "\\N",
        None,
        "",
        "  spaced  ",
        "bell\b vtab\v feed\f",
        "é ü ß İ 中文 🙂",
        "\x1f\x1e unit",
    ]
    rows = released_comments.derived([_comment(t, organisation=None if i % 3 else "ZL") for i, t in enumerate(texts)])
    assert released_comments.store(snapshot.id, [released_comments.Part("ict_staff", rows=rows)], None) == len(rows)
    t = ReleasedComment.__table__
    stored = db.session.execute(
        select(*[t.c[c] for c in released_comments.COLUMNS])
        .where(t.c.snapshot_id == snapshot.id)
        .order_by(t.c.position)
    ).all()
    assert [tuple(r) for r in stored] == rows


def test_one_pass_gives_the_rows_and_digest_of_before():
    """`released` (rows and digest at once, equal rows shared) against the row-by-row code it replaced."""
    import hashlib
    import random

    def rows_before(rows):
        sizes = Counter(tuple(r.get(f) for f in released_comments.FIELDS[:4]) for r in rows if r.get("text"))
        out = []
        for r in rows:
            text = r.get("text")
            norm = normalise(text or "")
            fields = tuple(r.get(f) for f in released_comments.FIELDS)
            out.append(fields + ((text or "").strip(), norm, domain_of(norm), sizes.get(fields[:4], 0) if text else 0))
        return out

    def digest_before(rows):
        h = hashlib.sha256()
        for row in rows:
            fields = row[:5] + (row[7],)
            h.update("\x1f".join("\x00" if v is None else str(v) for v in fields).encode() + b"\x1e")
        return {"count": len(rows), "sha256": h.hexdigest()}

    rng = random.Random(5)
    answers = ["Meer overleg!", " Een vast aanspreekpunt ", "", None, "laptops\tkapot", "Café één", "Meer overleg!"]
    rows = [
        _comment(
            rng.choice(answers),
            question=rng.choice(["worries", "conditions"]),
            organisation=rng.choice(["ZL", "BM", None]),
            role=rng.choice(["ict_staff", "ict_lead", None]),
        )
        for _ in range(500)
    ]
    # A row without organisation and role: both None, as row.get gave them.
    rows.append({"questionnaire": "ict_staff", "question": "worries", "text": "zonder school"})
    mine, digest = released_comments.released(rows)
    assert mine == rows_before(rows) == released_comments.derived(rows)
    assert digest == digest_before(mine) == released_comments.digest(mine)


def test_normalise_per_character_is_the_whole_text_normalised():
    """comment_words.normalise (a table per character) against NFKD, marks dropped, casefold and the
    regex over the whole text: every 7th code point, and mixed runs of letters and combining marks."""
    import random

    from app.services.comment_words import _normalise_slowly

    for code in range(0, 0x110000, 7):
        text = "a" + chr(code) + "B " + chr(code)
        assert normalise(text) == _normalise_slowly(text), hex(code)
    marks = [chr(c) for c in range(0x300, 0x370)] + ["\u0345", "\u05b0", "\u0e38", "\u3099"]
    letters = list("aeiAEIİıßΣσςǰﬁ①Å한・。!?.,-_' \t\n") + ["ǅ", "ﬃ", "ẞ", "ᾳ", "ΐ", "\u00a0", "\u2028"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(letters if rng.random() < 0.5 else marks) for _ in range(rng.randint(0, 12)))
        assert normalise(text) == _normalise_slowly(text), repr(text)
    assert normalise("Meer  overleg!") == "meer overleg" and normalise(None) == ""  # type: ignore[arg-type]


def test_payload_comments_are_the_stable_sort_of_before():
    """indicator_payload.comments (one dict per equal answer of a group, sorted once per distinct
    answer) against the sort of every row it replaced, with a school None beside one named "None"."""
    import random

    import pandas as pd

    import analysis

    def before(texts, threshold):
        rows = []
        for (questionnaire, question), sub in texts.groupby(["questionnaire", "question"], sort=True):
            visible = analysis.filter_comments(sub, threshold)
            rows += [
                {
                    "questionnaire": questionnaire,
                    "question": question,
                    "organisation": r.organisation,
                    "role": r.role,
                    "text": r.text,
                }
                for r in visible.itertuples(index=False)
            ]
        key = lambda r: (r["questionnaire"], r["question"], str(r["organisation"]), str(r["role"]), r["text"])  # noqa: E731
        return sorted(rows, key=key)

    rng = random.Random(9)
    few = ["Meer overleg", "meer overleg", "Laptops", "zz", "Ää"]
    # Answers that repeat (one dict per distinct answer) and answers that don't (row by row).
    for schools, unique in ((["ZL", "BM", "EC", None], False), (["ZL", None, "None"], False), (["ZL", None], True)):
        texts = pd.DataFrame(
            [
                {
                    "respondent": f"r{rng.randint(0, 300)}",
                    "questionnaire": rng.choice(["ict_staff", "ict_users"]),
                    "question": rng.choice(["worries", "conditions"]),
                    "organisation": rng.choice(schools),
                    "role": rng.choice(["ict_staff", "ict_lead", None]),
                    "text": f"antwoord {rng.random()}" if unique else rng.choice(few),
                }
                for _ in range(2_000)
            ]
        )
        got = indicator_payload.comments(texts, 5)
        assert got == before(texts, 5) and len(got) > 500
