"""Routes of the distribution blueprint."""
from app.distribution import bp  # noqa: F401
