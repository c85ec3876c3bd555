"""A small asyncio HTTP/1.1 client for the load benchmark: hundreds of virtual users in one thread.

Why not `requests` in a thread per user: on this 2-core machine the load generator shares the
cores with the server it measures, and 500 threads of `requests` took more CPU than the web
workers did (2 min 41 s of CPU in 1 min 52 s of wall time, issue 18), so part of every latency
was the client waiting for a core. One event loop with plain sockets costs a fraction of that;
`bench/load.py` prints the client's own CPU per request so the reader can see what it took.

It speaks just what the benchmark needs: one connection per request (gunicorn's sync workers
close every connection after the response), a cookie jar of name=value pairs kept as a browser
would (the production cookies are Secure; this local run is plain HTTP), form and JSON bodies,
Content-Length and chunked responses.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Recorder:
    """Latency of every request and the number that failed (no answer, or a status not in ok)."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def _dechunk(body: bytes) -> bytes:
    out, at = bytearray(), 0
    while True:
        end = body.index(b"\r\n", at)
        size = int(body[at:end].split(b";", 1)[0], 16)
        if size == 0:
            return bytes(out)
        out += body[end + 2 : end + 2 + size]
        at = end + 2 + size + 2


def parse(raw: bytes) -> Response:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])]
    if ("transfer-encoding", "chunked") in headers:
        body = _dechunk(body)
    return Response(status, headers, body)


class Session:
    """One virtual user: its base URL and its cookies."""

    def __init__(self, base: str, timeout: float = 30.0):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, *, data=None, json=None) -> Response:
        body, kind = b"", None
        if json is not None:
            body, kind = jsonlib.dumps(json).encode(), "application/json"
        elif data is not None:
            body, kind = urlencode(data).encode(), "application/x-www-form-urlencoded"
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if kind:
            lines += [f"Content-Type: {kind}", f"Content-Length: {len(body)}"]
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await reader.read(-1)  # to EOF: the server closes after the response
        finally:
            writer.close()
        response = parse(raw)
        for name, value in response.headers:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response

    async def timed(self, rec: Recorder, method: str, path: str, ok=(200, 201, 302, 303), **kw) -> Response | None:
        start = time.perf_counter()
        try:
            response: Response | None = await asyncio.wait_for(self.request(method, path, **kw), self.timeout)
            failed = response is None or response.status not in ok
        except (TimeoutError, OSError, ValueError, IndexError):
            response, failed = None, True
        rec.latencies.append(time.perf_counter() - start)
        rec.errors += failed
        return response
