"""An aiosmtpd server for fault tests: it counts what it accepted per recipient, and can be told
to be down (nothing listens), to delay, or to answer 421 (closing the connection), 451 or 550
for chosen recipients. Messages are counted here, at the server, never from the database."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FaultInbox:
    """`temporary`: recipient -> (code, times) answered at RCPT that many times, then accepted;
    `permanent`: recipients always answered 550. `delay`: seconds before each DATA is accepted."""

    def __init__(self):
        self.received: Counter = Counter()
        self.bodies: dict[str, list[str]] = {}
        self.temporary: dict[str, list] = {}
        self.permanent: set[str] = set()
        self.refused: Counter = Counter()
        self.delay = 0.0
        self.sessions = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.permanent:
            self.refused[address] += 1
            return "550 5.1.1 mailbox unavailable"
        plan = self.temporary.get(address)
        if plan and plan[1] > 0:
            plan[1] -= 1
            self.refused[address] += 1
            if plan[0] == 421:
                # Like a busy server: answer 421 and close the connection (RFC 5321 4.2.2).
                asyncio.get_running_loop().call_soon(server.transport.close)
                return "421 4.3.2 service not available, closing transmission channel"
            return f"{plan[0]} 4.7.1 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received[rcpt] += 1
                self.bodies.setdefault(rcpt, []).append(message.get_content())
        return "250 Message accepted"

    def total(self) -> int:
        return sum(self.received.values())


class FaultSMTP:
    """Start/stop at will on a fixed port, so "down then up" is the same address."""

    def __init__(self):
        self.port = free_port()
        self.inbox = FaultInbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def env(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.port)}


def wait_for(predicate, timeout: float, what: str, log_path=None, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    detail = ""
    if log_path is not None:
        try:
            detail = "\n" + open(log_path).read()[-6000:]
        except OSError:
            pass
    raise AssertionError(f"niet binnen {timeout} s: {what}{detail}")
