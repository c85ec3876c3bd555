"""Routes of the results blueprint."""
from app.results import bp  # noqa: F401
