"""Load benchmark: gunicorn + PostgreSQL, 200 respondents with think time, then saturation.

(a) 200 simulated respondents, each opening their personal link, saving every section of the
    ICT-staff questionnaire and submitting it, with 1–3 s of think time between pages, for 60 s
    (a respondent who finishes starts again with a fresh invitation);
(b) saturation with 32 connections and no think time: the submission endpoint
    (POST /api/v1/responses) and, as the ceiling, a trivial endpoint of the same server (a static
    file). Prints throughput, p50/p95/p99 and errors of each; the last line is one JSON object.

Run: .venv/bin/python bench/load.py [--respondents 200] [--seconds 60] [--saturation-seconds 15]
The virtual users run in one asyncio event loop (bench/http_client.py) instead of a thread of
`requests` each, because the generator shares the cores with the server it measures; the load
generator's own CPU per request is printed beside the web's (`client_cpu_ms` in the JSON).
Rate limiting is switched off for the run (every virtual user shares 127.0.0.1); the limits are
tested separately.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import time

import requests
from common import ROOT, private_database, summary
from http_client import Recorder, Session

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECTION_RE = re.compile(r'action="(/v/[^"/]+/[A-Za-z][^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(database_url: str, tokens_needed: int) -> tuple[list[str], dict, dict]:
    """Demo traject + open ict_staff questionnaire + participants; returns tokens and answers."""
    os.environ["DATABASE_URL"] = database_url
    from app import create_app
    from app.extensions import db
    from app.services import participants as participant_service
    from app.services import questionnaires as questionnaire_service
    from app.services.demo import load_demo

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        traject, _ = load_demo()
        q = questionnaire_service.create_from_template(traject, "ict_staff")
        db.session.flush()
        questionnaire_service.publish(q)
        db.session.commit()
        codes = [o.code for o in traject.organisations]
        tokens = []
        for start in range(0, tokens_needed, 500):
            rows = [
                {
                    "email": f"r{i}@bench.example",
                    "name": f"R{i}",
                    "role": "ict_staff",
                    "organisation": codes[i % len(codes)],
                }
                for i in range(start, min(start + 500, tokens_needed))
            ]
            added = participant_service.add_participants(q, rows, source="bench")
            tokens += [a.token for a in added]
            db.session.commit()
        definition = questionnaire_service.definition_of(q)
        json_answers, form_sections = valid_answers(definition)
        return tokens, json_answers, form_sections


def valid_answers(definition) -> tuple[dict, dict]:
    """A complete, valid answer set: as JSON for the API and as form fields per section."""
    json_answers: dict = {}
    forms: dict = {}
    rnd = random.Random(7)
    for section in definition.sections:
        fields: list[tuple[str, str]] = []
        for q in section.questions:
            if q.type == "likert":
                lo, hi = (q.scale or {}).get("min", 1), (q.scale or {}).get("max", 5)
                value = rnd.randint(lo, hi)
                json_answers[q.key] = value
                fields.append((q.key, str(value)))
            elif q.type == "single_choice":
                value = q.options[0]["value"]
                json_answers[q.key] = value
                fields.append((q.key, value))
            elif q.type == "multiple_choice":
                value = [q.options[0]["value"]]
                json_answers[q.key] = value
                fields.append((q.key, value[0]))
            elif q.type == "ranking":
                values = [o["value"] for o in q.options]
                json_answers[q.key] = values
                fields += [(f"{q.key}__{v}", str(i + 1)) for i, v in enumerate(values)]
            elif q.type in ("number", "currency"):
                value = q.min if q.min is not None else 1
                json_answers[q.key] = value
                fields.append((q.key, str(value)))
            elif q.type == "yes_no":
                json_answers[q.key] = True
                fields.append((q.key, "ja"))
            elif q.type == "text":
                json_answers[q.key] = "Goede afspraken over de overgang."
                fields.append((q.key, "Goede afspraken over de overgang."))
        forms[section.key] = fields
    _, errors = definition.validate_all(json_answers)
    if errors:
        raise SystemExit(f"bench answers invalid: {errors}")
    return json_answers, forms


async def respondent(
    client: Session, tokens: list[str], forms: dict, deadline: float, rec: Recorder, done: list[int]
) -> None:
    """One virtual respondent: open a link, every section with think time, review, submit; again
    with a fresh invitation while time is left."""
    rnd = random.Random()
    while time.time() < deadline and tokens:
        token = tokens.pop()
        client.cookies.clear()
        page = await client.timed(rec, "GET", f"/v/{token}")
        if page is None or page.status != 200:
            continue
        for section_key, fields in forms.items():
            await asyncio.sleep(rnd.uniform(1, 3))
            if time.time() >= deadline:
                return
            url = f"/v/{token}/{section_key}"
            form = await client.timed(rec, "GET", url)
            if form is None or form.status != 200:
                break
            csrf = CSRF_RE.search(form.text)
            data = list(fields) + [("csrf_token", csrf.group(1) if csrf else ""), ("actie", "volgende")]
            await client.timed(rec, "POST", url, data=data)
        else:
            await asyncio.sleep(rnd.uniform(1, 3))
            review = await client.timed(rec, "GET", f"/v/{token}/_controle")
            if review is not None and review.status == 200:
                csrf = CSRF_RE.search(review.text)
                data = {"csrf_token": csrf.group(1) if csrf else ""}
                result = await client.timed(rec, "POST", f"/v/{token}/_verzenden", data=data)
                if result is not None and result.status in (302, 303):
                    done[0] += 1


async def respondents(base: str, tokens: list[str], forms: dict, count: int, seconds: float, rec, done) -> None:
    deadline = time.time() + seconds

    async def one(i: int) -> None:
        await asyncio.sleep(i * seconds / count / 4)  # ramp up over the first quarter
        await respondent(Session(base), tokens, forms, deadline, rec, done)

    await asyncio.gather(*(one(i) for i in range(count)))


def web_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the gunicorn master `pid` and its workers so far: the web's
    cost per request, which other processes on the machine do not change the way they change
    wall times."""
    return cpu_parts({"web": pid})["web"]


def drain(base: str, limit: float = 180.0) -> float:
    """Seconds until three health checks in a row answer within 0.5 s (at most `limit`)."""
    start, prompt = time.perf_counter(), 0
    while prompt < 3 and time.perf_counter() - start < limit:
        asked = time.perf_counter()
        try:
            requests.get(f"{base}/api/v1/health", timeout=30)
            prompt = prompt + 1 if time.perf_counter() - asked < 0.5 else 0
        except requests.RequestException:
            prompt = 0
        time.sleep(0.2)
    return time.perf_counter() - start


def saturate(base: str, seconds: float, connections: int, make_request) -> tuple[list[float], int, float]:
    """`connections` loops of `make_request(session, recorder)` without pause for `seconds`."""
    rec = Recorder()

    async def run() -> None:
        deadline = time.time() + seconds

        async def loop() -> None:
            session = Session(base)
            while time.time() < deadline:
                await make_request(session, rec)

        await asyncio.gather(*(loop() for _ in range(connections)))

    start = time.perf_counter()
    asyncio.run(run())
    return rec.latencies, rec.errors, time.perf_counter() - start


def cpu_parts(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each part of the server: a root process and its children per name
    (web, worker1, …), plus every PostgreSQL and Redis process by name (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    owner = {pid: name for name, pid in roots.items()}
    totals = dict.fromkeys([*roots, "postgres", "redis"], 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, _, rest = f.read().rpartition(")")
        except OSError:
            continue
        fields, comm = rest.split(), head.partition("(")[2]
        part = owner.get(int(entry)) or owner.get(int(fields[1]))
        if part is None and comm.startswith(("postgres", "redis")):
            part = "postgres" if comm.startswith("postgres") else "redis"
        if part is not None:
            totals[part] += (int(fields[11]) + int(fields[12])) / tick
    return totals


def cpu_shares(roots: dict[str, int], before: dict[str, float], seconds: float, client_s: float) -> dict[str, float]:
    """Cores each part used on average over `seconds` since `before` (the load generator as "client")."""
    after = cpu_parts(roots)
    shares = {name: round((after[name] - before[name]) / seconds, 2) for name in before}
    shares["client"] = round(client_s / seconds, 2)
    return shares


def client_cpu_ms(cpu0: float, requests_made: int) -> float:
    """The load generator's own CPU per request since `cpu0` (it shares the cores with the server)."""
    return round(1000 * (time.process_time() - cpu0) / max(requests_made, 1), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--saturation-seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--topology",
        action="store_true",
        help="the production topology: gunicorn, two Celery workers and beat (tests/topology.py), "
        "so every submission's recompute really runs beside the requests",
    )
    args = parser.parse_args()

    with private_database("draagvlak_bench_load") as url:
        print("seeding …", flush=True)
        tokens, json_answers, forms = seed(url, tokens_needed=args.respondents * 3 + 12000)
        flow_tokens, api_tokens = tokens[: args.respondents * 3], tokens[args.respondents * 3 :]
        redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
        if args.topology:
            import tempfile

            sys.path.insert(0, str(ROOT / "tests"))
            import topology as topology_module

            topology = topology_module.start(
                url, redis_url, tempfile.mkdtemp(prefix="bench-topology-"), web_workers=args.workers
            )
            base = topology.base
            web_pid = topology.processes["web"].pid
            roots = {name: process.pid for name, process in topology.processes.items()}

            def stop_server():
                alive = topology.alive()
                topology_module.stop(topology)
                print(f"processes alive at the end: {alive}")
        else:
            port = free_port()
            env = dict(
                os.environ,
                DATABASE_URL=url,
                DRAAGVLAK_ENV="production",
                SECRET_KEY="bench-" + "x" * 40,
                REDIS_URL=redis_url,
                RATELIMIT_ENABLED="false",
                PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            )
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--log-level",
                    "warning",
                    "app:create_app()",
                ],
                cwd=ROOT,
                env=env,
            )
            base = f"http://127.0.0.1:{port}"
            web_pid = server.pid
            roots = {"web": server.pid}

            def stop_server():
                server.terminate()
                server.wait(timeout=30)

        try:
            for _ in range(100):
                try:
                    if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            print(
                f"gunicorn with {args.workers} workers on {base}; {os.cpu_count()} cores; "
                f"{'two Celery workers and beat beside it' if args.topology else 'no Celery worker'}; "
                f"load average {os.getloadavg()[0]:.1f}"
            )

            # (a) respondents with think time, all in one event loop (bench/http_client.py)
            rec, done = Recorder(), [0]
            flow_tokens.reverse()  # pop() hands them out in seeding order
            start, cpu0, client0 = time.perf_counter(), web_cpu(web_pid), time.process_time()
            parts0 = cpu_parts(roots)
            asyncio.run(respondents(base, flow_tokens, forms, args.respondents, args.seconds, rec, done))
            flow = summary(
                f"(a) {args.respondents} respondents, 1–3 s think",
                rec.latencies,
                rec.errors,
                time.perf_counter() - start,
            )
            flow["web_cpu_ms"] = round(1000 * (web_cpu(web_pid) - cpu0) / max(flow["requests"], 1), 2)
            flow["client_cpu_ms"] = client_cpu_ms(client0, flow["requests"])
            # Where the machine's cores went during (a): the p99 is the queue when they are all busy.
            flow["cores"] = cpu_shares(roots, parts0, flow["seconds"], time.process_time() - client0)
            print(f"    cores used on average ({os.cpu_count()} in all): {flow['cores']}")
            print(
                f"    submitted questionnaires: {done[0]}; web CPU {flow['web_cpu_ms']} ms per request; "
                f"load generator CPU {flow['client_cpu_ms']} ms per request"
            )

            # (a) may leave gunicorn a backlog of requests its clients gave up on (30 s timeouts);
            # (b) starts once the web answers promptly again, so it measures submissions, not (a).
            drained = drain(base)
            print(f"    backlog of (a) drained in {drained:.1f} s")

            # (b) saturation: submissions vs. the ceiling
            async def submit(session, r):
                if not api_tokens:
                    await asyncio.sleep(0.01)
                    return
                body = {"token": api_tokens.pop(), "answers": json_answers}
                await session.timed(r, "POST", "/api/v1/responses", ok=(201,), json=body)

            cpu0, client0 = web_cpu(web_pid), time.process_time()
            lat, err, secs = saturate(base, args.saturation_seconds, args.connections, submit)
            sub = summary(f"(b) submit, {args.connections} connections", lat, err, secs)
            sub["web_cpu_ms"] = round(1000 * (web_cpu(web_pid) - cpu0) / max(sub["requests"], 1), 2)
            sub["client_cpu_ms"] = client_cpu_ms(client0, sub["requests"])
            print(f"    web CPU {sub['web_cpu_ms']} ms per submission; load generator {sub['client_cpu_ms']} ms")

            async def ceiling_request(session, r):
                await session.timed(r, "GET", "/static/favicon.svg", ok=(200,))

            cpu0, client0 = web_cpu(web_pid), time.process_time()
            lat, err, secs = saturate(base, args.saturation_seconds, args.connections, ceiling_request)
            ceiling = summary(f"(b) ceiling (static file), {args.connections} conn.", lat, err, secs)
            ceiling["web_cpu_ms"] = round(1000 * (web_cpu(web_pid) - cpu0) / max(ceiling["requests"], 1), 2)
            ceiling["client_cpu_ms"] = client_cpu_ms(client0, ceiling["requests"])
            print(f"    web CPU {ceiling['web_cpu_ms']} ms per request; load generator {ceiling['client_cpu_ms']} ms")
        finally:
            stop_server()

    ratio = sub["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    print(
        f"submit/ceiling ratio {ratio:.3f} (issue 18: ≥ 0.30, submit p99 ≤ 200 ms: {sub['p99_ms']} ms); p99 of (a) {flow['p99_ms']} ms (≤ 200); "
        f"errors {flow['errors'] + sub['errors'] + ceiling['errors']} (target 0)"
    )
    print(
        json.dumps(
            {
                "submit_rps": sub["rps"],
                "ceiling_rps": ceiling["rps"],
                "ratio": round(ratio, 4),
                "p99_ms": flow["p99_ms"],
                "errors": flow["errors"] + sub["errors"] + ceiling["errors"],
                "flow_rps": flow["rps"],
                "flow_requests": flow["requests"],
                "submitted": done[0],
                "submit_p99_ms": sub["p99_ms"],
                "ceiling_p99_ms": ceiling["p99_ms"],
                "web_cpu_ms": {
                    "flow": flow["web_cpu_ms"],
                    "submit": sub["web_cpu_ms"],
                    "static": ceiling["web_cpu_ms"],
                },
                "client_cpu_ms": {
                    "flow": flow["client_cpu_ms"],
                    "submit": sub["client_cpu_ms"],
                    "static": ceiling["client_cpu_ms"],
                },
                "cores_during_flow": flow["cores"],
                "respondents": args.respondents,
                "topology": args.topology,
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
