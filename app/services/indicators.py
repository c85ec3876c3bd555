"""Indicator snapshots, the public face: one import for what the modules of the recompute offer.

The flow (docs/worker.md): a submission sets ``Traject.indicators_stale`` in its own transaction
(the outbox flag) and enqueues a recompute; the worker calls :func:`run_recompute`, which takes a
per-traject lock, merges other queued recompute jobs, and calls :func:`compute_snapshot`. That
writes an :class:`IndicatorSnapshot` and clears the stale flag in one transaction, unless a new
submission arrived while it ran. A snapshot whose inputs and code are unchanged is not written again.

The work lives in modules of one concern each:
- ``indicator_instruments``: the traject's questionnaires as instruments, their items;
- ``indicator_reading``: COPY streaming and chunked CSV parsing into compact frames (pandas);
- ``indicator_fingerprints``: code version, response marker, answers digest;
- ``indicator_payload``: the analyses over the frames (pandas, scipy; domain sums in ``analysis``);
- ``indicator_snapshots``: the latest release, the stale flag, one recompute end to end;
- ``indicator_jobs``: the advisory lock, job state, the beat sweep;
- ``indicator_types``: the payload's shape (TypedDicts; generated into docs/worker.md).

Names of the pandas modules are loaded on first use (PEP 562), so importing this module (every
web process does, for :func:`latest_snapshot`) loads neither pandas nor scipy.
"""

from __future__ import annotations

import importlib

from app.services.indicator_fingerprints import answers_digest, code_version, input_fingerprint, response_marker  # noqa: F401
from app.services.indicator_instruments import (  # noqa: F401
    BOARD,
    FOTO,
    ITEM_COLUMNS,
    MOTIVES,
    RESPONSE_COLUMNS,
    ROLES,
    STAFF,
    STAFF_ROLES,
    TEXT_CONSTRUCT,
    Instrument,
    instruments,
    items_frame,
)
from app.services.indicator_jobs import (  # noqa: F401
    LOCK_NAMESPACE,
    MERGED_MESSAGE,
    RECOMPUTE_KIND,
    TrajectBusy,
    _set_job,
    fail_job,
    run_recompute,
    sweep,
    traject_lock,
)
from app.services.indicator_snapshots import Progress, SnapshotResult, compute_snapshot, latest_snapshot, mark_stale  # noqa: F401

_LAZY = {
    "app.services.indicator_reading": (
        "Frames",
        "read_frames",
        "build_inputs",
        "PARALLEL_READ_MIN_ROWS",
        "CHUNK_ROWS",
        "plain_columns",
    ),
    "app.services.indicator_payload": (
        "compute_raw",
        "compute_payload",
        "ict_foto",
        "preferences",
        "comments",
        "response_rates",
    ),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
