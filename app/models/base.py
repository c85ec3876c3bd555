"""Shared column helpers for the models: timestamps and enum-like string checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def utcnow() -> datetime:
    """Current time in UTC; passed as a callable so every row gets its own time."""
    return datetime.now(UTC)


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (SQLite returns naive datetimes); None stays None."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def iso_utc(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC with a Z, as the API writes times; None stays None.

    >>> iso_utc(datetime(2026, 3, 1, 9, 30))
    '2026-03-01T09:30:00Z'
    """
    return None if value is None else aware(value).astimezone(UTC).isoformat().replace("+00:00", "Z")
