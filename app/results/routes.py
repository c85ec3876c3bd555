"""Routes of the results blueprint."""
from app.results import bp  # noqa: F401
from app.results import jobs_routes  # noqa: E402,F401
from app.results import dashboard_routes  # noqa: E402,F401
from app.results import swot_routes  # noqa: E402,F401
from app.results import feasibility_routes  # noqa: E402,F401
from app.results import roadmap_routes  # noqa: E402,F401
from app.results import report_routes  # noqa: E402,F401
from app.results import statistics_routes  # noqa: E402,F401
from app.results import party_routes  # noqa: E402,F401
