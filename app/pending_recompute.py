"""The debounce of the recompute after submissions: one Redis key per traject says a run is on its way.

A submission that finds no key sets it and sends the recompute with a countdown; one that finds it
sends nothing, because the run it would ask for has not started reading yet. The run deletes the key
as soon as it holds the traject's lock, before it reads: a submission after that sets the key again
and so schedules exactly one follow-up run. The key expires (`RECOMPUTE_PENDING_TTL`), so a lost
message cannot silence a traject; the stale flag and the beat sweep stay the safety net
(docs/worker.md, *Debounce*).
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app

KEY_PREFIX = "draagvlak:recompute-pending:"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def key(traject_id: int) -> str:
    return f"{KEY_PREFIX}{traject_id}"


@lru_cache(maxsize=4)
def _client(url: str):
    import redis  # only processes with a Redis broker need it

    # Short timeouts, like the rate limiter's: a Redis that hangs costs a second, not a request.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def redis_url() -> str | None:
    """The broker's URL when it is Redis (the marker lives beside the queue), else None."""
    url = str(current_app.extensions["celery"].conf.broker_url or "")
    return url if url.startswith(REDIS_SCHEMES) else None


def claim(traject_id: int, ttl: float) -> bool:
    """True when this caller set the key, so it must send the run; False when a run is pending."""
    url = redis_url()
    if url is None:
        return True
    return bool(_client(url).set(key(traject_id), "1", nx=True, ex=max(1, int(ttl))))


def clear(traject_id: int) -> None:
    """Forget the pending run (the run starts reading now, or its message was never sent).

    Never raises: if the key stays, a later submission only waits for it to expire, and the
    stale flag makes the sweep recompute meanwhile.
    """
    url = redis_url()
    if url is None:
        return
    try:
        _client(url).delete(key(traject_id))
    except Exception:  # noqa: BLE001 - see the docstring
        current_app.logger.warning("Markering van de geplande herberekening niet gewist (traject %s).", traject_id)


def is_pending(traject_id: int) -> bool:
    url = redis_url()
    return bool(url and _client(url).exists(key(traject_id)))
