"""Benchmark: the open-answers page over 200,000 released comments (100,000 respondents × 2 questions), paged in SQL.

Run: `.venv/bin/python bench/open_answers.py [--comments 200000] [--distinct 20000] [--requests 20] [--legacy]`.
A private migrated PostgreSQL database with the demo traject and one release whose comments are
written by `released_comments.store` (COPY) and, where the code has them, its open-answers groups
(`released_groups.build`, timed apart). Timed, p50 and p95 per kind of page, through
`open_answers.grouped` (what the page calls): the first, a middle and the last page, and the
first and last page of each filter the page offers (question, domain, repeated only, a text
search, all of them); with --legacy also what a page did before issue 18 (decode the comments as
a JSON list and group them in Python). tracemalloc peaks say what each costs a web worker. The
last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import percentile, private_database  # noqa: E402

WORDS = ["overleg", "laptop", "wifi", "privacy", "werkdruk", "helpdesk", "inkoop", "samen", "graag", "zorgen"]


def comments(n: int, distinct: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    schools = ["BC", "BM", "EC", "VN", "ZL"]
    rows = [
        {
            "questionnaire": "ict_staff",
            "question": rng.choice(["worries", "conditions"]),
            "organisation": rng.choice(schools),
            "role": "ict_staff",
            "text": f"{rng.choice(WORDS)} {rng.choice(WORDS)} punt {rng.randrange(distinct)}",
        }
        for _ in range(n)
    ]
    return sorted(rows, key=lambda r: (r["question"], r["organisation"], r["text"]))


def old_page(raw: str, threshold: int) -> int:
    """Before issue 18: the page decoded every comment and grouped them in Python (app/results/open_answers.py)."""
    from app.json_codec import loads
    from app.services.comment_words import domain_of, normalise

    items = [c for c in loads(raw) if c.get("text")]
    sizes = Counter((c["questionnaire"], c["question"], c["organisation"], c["role"]) for c in items)
    items = [c for c in items if sizes[(c["questionnaire"], c["question"], c["organisation"], c["role"])] >= threshold]
    counts: dict = defaultdict(Counter)
    for c in items:
        counts[c["question"]][normalise(c["text"])] += 1
    return sum(1 for q in counts.values() for norm in q if domain_of(norm))


def timed(fn, n: int) -> dict:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "peak_mb": round(peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--distinct", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--legacy", action="store_true", help="also time the page of before issue 18")
    args = parser.parse_args()
    with private_database("draagvlak_bench_answers") as url:
        from app import create_app
        from app.extensions import db

        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), app.test_request_context():
            from app.models import IndicatorSnapshot
            from app.results import open_answers
            from app.services import released_comments
            from app.services.demo import load_demo

            traject, _ = load_demo()
            rows = comments(args.comments, args.distinct)
            snapshot = IndicatorSnapshot(
                traject_id=traject.id, input_fingerprint="b", code_version="b", anonymity_threshold=5, payload={}
            )
            db.session.add(snapshot)
            db.session.flush()
            started = time.perf_counter()
            derived = released_comments.derived(rows)
            digest = released_comments.digest(derived)
            released_comments.store(snapshot.id, [released_comments.Part("ict_staff", rows=derived)], None)
            write_s = time.perf_counter() - started
            started = time.perf_counter()
            try:
                from app.services import released_groups
            except ImportError:  # the code of before the groups table: nothing to write
                released_groups = None
            if released_groups is not None:
                released_groups.build(snapshot.id, traject.comment_threshold)
            groups_s = time.perf_counter() - started
            db.session.commit()
            raw = json.dumps(rows)
            del derived
            threshold = traject.comment_threshold
            sid = snapshot.id
            kinds = {
                "page": {},
                "question": {"question": "ict_staff:worries"},
                "domain": {"domain": "netwerk"},
                "repeated": {"repeated_only": True},
                "search_narrow": {"search": "wifi punt 12"},
                "search_broad": {"search": "punt"},
                "all_filters": {"question": "ict_staff:conditions", "domain": "overig", "search": "punt 1"},
            }
            first = open_answers.grouped(sid, threshold)
            results = {}
            for kind, filters in kinds.items():
                pages = open_answers.grouped(sid, threshold, **filters)["pages"]
                numbers = {"first": 1, "middle": (pages + 1) // 2, "last": pages} if kind == "page" else {}
                numbers = numbers or ({"first": 1, "last": pages} if pages > 1 else {"first": 1})
                for which, number in numbers.items():
                    results[f"{kind}_{which}"] = timed(
                        lambda f=filters, n=number: open_answers.grouped(sid, threshold, page=n, **f), args.requests
                    )
                    cache = getattr(open_answers, "_search_totals", None)
                    if "search" in filters and cache is not None:  # each request as the search's first

                        def cold(f=filters, n=number, cache=cache):
                            cache.cache_clear()
                            open_answers.grouped(sid, threshold, page=n, **f)

                        results[f"{kind}_{which}_uncached"] = timed(cold, args.requests)
            if args.legacy:
                results["before_decode_and_group"] = timed(lambda: old_page(raw, threshold), max(2, args.requests // 5))
            for name, row in results.items():
                print(
                    f"{name:25} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
                    f"tracemalloc peak {row['peak_mb']:6.1f} MB",
                    flush=True,
                )
            print(
                f"{args.comments} comments ({digest['count']} rows, {first['groups']} groups, {first['pages']} pages) "
                f"written in {write_s:.2f} s, their groups in {groups_s:.2f} s; as a JSON list {len(raw) // 1024} KB"
            )
            db.session.remove()
            db.engine.dispose()
    load = round(os.getloadavg()[0], 2)
    print(f"load average {load}")
    print(
        json.dumps(
            dict(
                results,
                comments=args.comments,
                write_s=round(write_s, 2),
                groups_s=round(groups_s, 2),
                load_average=load,
            )
        )
    )


if __name__ == "__main__":
    main()
