"""Shared column helpers for the models: timestamps and enum-like string checks."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Current time in UTC; passed as a callable so every row gets its own time."""
    return datetime.now(timezone.utc)
