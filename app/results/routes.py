"""Routes of the results blueprint."""
from app.results import bp  # noqa: F401
from app.results import jobs_routes  # noqa: E402,F401
