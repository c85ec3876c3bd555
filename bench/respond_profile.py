"""CPU per request of the respondent's path, in-process: the production app behind Flask's test client.

The same path as `bench/load.py` (a): open the personal link, per section GET and POST "volgende",
the review page, the submission; plus `POST /api/v1/responses` of (b) and the static file of the
ceiling. Per step: CPU seconds of this process per request (`time.process_time`, so other processes
on the machine do not count), CPU of the PostgreSQL backends it used, SQL statements and commits.
`--profile STEP` prints the cProfile of that step (cumulative, top 40).

Run: BENCH_REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/respond_profile.py [--respondents 40]
Like the topology (tests/topology.py), rate limiting is off unless `--limits`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import time
from collections import defaultdict

from common import private_database

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def backend_cpu(pids: set[int]) -> float:
    """User + system CPU seconds of the PostgreSQL backends (local server, readable /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=40)
    parser.add_argument("--api", type=int, default=200, help="API submissions (b)")
    parser.add_argument("--static", type=int, default=500)
    parser.add_argument("--profile", action="append", default=[], help="step name to cProfile (repeatable)")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (cumulative, tottime)")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--limits", action="store_true", help="rate limits on (Redis storage)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--dump", help="write every response body (token and CSRF masked) here, to compare")
    args = parser.parse_args()

    import load  # the seed and the valid answers of bench/load.py

    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    with private_database("draagvlak_bench_profile") as url:
        tokens, json_answers, forms = load.seed(url, tokens_needed=args.respondents + args.api + 5)
        os.environ.update(
            DATABASE_URL=url,
            DRAAGVLAK_ENV="production",
            SECRET_KEY="bench-" + "x" * 40,
            REDIS_URL=redis_url,
            RATELIMIT_ENABLED="true" if args.limits else "false",
            PUBLIC_BASE_URL="https://localhost",
        )
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        from sqlalchemy import event

        from app import create_app
        from app.extensions import db

        # A fresh process, as a gunicorn worker: the production config read from the environment.
        app = create_app("production", {"SQLALCHEMY_DATABASE_URI": url})
        counts = {"sql": 0, "commit": 0}
        backends: set[int] = set()
        with app.app_context():
            engine = db.engine

            @event.listens_for(engine, "before_cursor_execute")
            def _count(*_a, **_k):
                counts["sql"] += 1

            @event.listens_for(engine, "commit")
            def _commit(*_a, **_k):
                counts["commit"] += 1

            @event.listens_for(engine, "connect")
            def _pid(dbapi_connection, _record):
                with dbapi_connection.cursor() as cur:
                    cur.execute("select pg_backend_pid()")
                    backends.add(cur.fetchone()[0])

            engine.dispose()

        stats: dict[str, dict] = defaultdict(lambda: {"n": 0, "cpu": 0.0, "pg": 0.0, "sql": 0, "commit": 0})
        profiles: dict[str, cProfile.Profile] = {}
        flow_tokens, api_tokens = tokens[: args.respondents], tokens[args.respondents :]
        dumped, current_secrets = [0], []
        if args.dump:
            os.makedirs(args.dump, exist_ok=True)
        warm = 3  # the first respondents warm caches (templates, definitions) and are not counted

        def timed(step: str, count: bool, call, *call_args, **call_kwargs):
            before = dict(counts)
            pg0 = backend_cpu(backends)
            profiler = (
                profiles.setdefault(step, cProfile.Profile(time.process_time))
                if step in args.profile and count
                else None
            )
            t0 = time.process_time()
            if profiler:
                profiler.enable()
            response = call(*call_args, **call_kwargs)
            if profiler:
                profiler.disable()
            cpu = time.process_time() - t0
            if args.dump:
                dumped[0] += 1
                body = response.get_data(as_text=True) + "\n" + response.headers.get("Location", "")
                for secret in current_secrets:
                    body = body.replace(secret, "[secret]")
                body = CSRF_RE.sub('name="csrf_token" value="[csrf]"', body)
                with open(os.path.join(args.dump, f"{dumped[0]:05d}-{step.replace(' ', '_')}.html"), "w") as f:
                    f.write(f"{response.status_code}\n{body}")
            if count:
                s = stats[step]
                s["n"] += 1
                s["cpu"] += cpu
                s["pg"] += backend_cpu(backends) - pg0
                s["sql"] += counts["sql"] - before["sql"]
                s["commit"] += counts["commit"] - before["commit"]
            return response

        def expect(response, codes, what):
            if response.status_code not in codes:
                raise SystemExit(f"{what}: {response.status_code}\n{response.get_data(as_text=True)[:2000]}")
            return response

        for i, token in enumerate(flow_tokens):
            count = i >= warm
            current_secrets[:] = [token]
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
            link = f"https://localhost/v/{token}"
            expect(timed("open link", count, client.get, link), (200,), "open")
            for n, (key, fields) in enumerate(forms.items()):
                page = timed("section GET" if n else "section GET (first)", count, client.get, f"{link}/{key}")
                expect(page, (200,), "section")
                csrf = CSRF_RE.search(page.get_data(as_text=True))
                data: dict[str, list[str]] = {}  # a repeated name (multiple choice) sends each value
                for name, value in list(fields) + [
                    ("csrf_token", csrf.group(1) if csrf else ""),
                    ("actie", "volgende"),
                ]:
                    data.setdefault(name, []).append(value)
                step = "section POST" if n else "section POST (first, binds)"
                expect(timed(step, count, client.post, f"{link}/{key}", data=data), (302, 303), "save")
            review = expect(timed("review GET", count, client.get, f"{link}/_controle"), (200,), "review")
            csrf = CSRF_RE.search(review.get_data(as_text=True))
            form = {"csrf_token": csrf.group(1) if csrf else ""}
            expect(timed("submit POST", count, client.post, f"{link}/_verzenden", data=form), (302, 303), "submit")
        client = app.test_client()
        for i, token in enumerate(api_tokens):
            body = {"token": token, "answers": json_answers}
            api = "https://localhost/api/v1/responses"
            expect(timed("API submit", i >= warm, client.post, api, json=body), (201,), "api")
        for i in range(args.static):
            expect(
                timed("static file", i >= warm, client.get, "https://localhost/static/favicon.svg"), (200,), "static"
            )
        if args.dump:
            # What the submissions stored, without the random response ids, to compare too.
            from sqlalchemy import text

            queries = {
                "responses": "select questionnaire_id, organisation_code, role, submitted_on, answers::text, "
                "participant_id, user_id, revision, is_latest, signed_at from responses order by 5, 2, 3",
                "participants": "select id, completed, early, opted_out, browser_hash is not null "
                "from participants order by id",
                "drafts": "select count(*) from response_drafts",
                "trajects": "select id, indicators_stale, updated_at from trajects order by id",
            }
            with app.app_context(), open(os.path.join(args.dump, "stored.txt"), "w") as f:
                for table, query in queries.items():
                    for row in db.session.execute(text(query)):
                        f.write(f"{table} {tuple(row)}\n")

    rows = []
    print(f"{'step':30} {'n':>5} {'CPU ms':>8} {'PG ms':>7} {'SQL':>6} {'commits':>7}")
    for step, s in stats.items():
        n = s["n"]
        row = {
            "step": step,
            "n": n,
            "cpu_ms": round(1000 * s["cpu"] / n, 2),
            "pg_ms": round(1000 * s["pg"] / n, 2),
            "sql": round(s["sql"] / n, 2),
            "commits": round(s["commit"] / n, 2),
        }
        rows.append(row)
        print(f"{step:30} {n:5d} {row['cpu_ms']:8.2f} {row['pg_ms']:7.2f} {row['sql']:6.2f} {row['commits']:7.2f}")
    sections = len(forms)
    path = (
        stats["open link"]["cpu"] / stats["open link"]["n"]
        + sum(stats[k]["cpu"] / stats[k]["n"] for k in ("section GET (first)", "section POST (first, binds)"))
        + (sections - 1) * sum(stats[k]["cpu"] / stats[k]["n"] for k in ("section GET", "section POST"))
        + sum(stats[k]["cpu"] / stats[k]["n"] for k in ("review GET", "submit POST"))
    )
    print(f"one respondent's whole path ({2 * sections + 3} requests): {1000 * path:.1f} ms CPU of the web process")
    for step, profiler in profiles.items():
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(f"\n===== cProfile: {step} ({stats[step]['n']} requests)\n{out.getvalue()}")
    if args.json:
        print(json.dumps({"steps": rows, "path_cpu_ms": round(1000 * path, 1), "sections": sections}))


if __name__ == "__main__":
    main()
