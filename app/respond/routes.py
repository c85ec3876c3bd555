"""Routes of the respond blueprint."""
from app.respond import bp  # noqa: F401
