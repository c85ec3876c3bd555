"""Routes of the results blueprint."""

from app.results import (
    bp,  # noqa: F401
    dashboard_routes,  # noqa: E402,F401
    feasibility_routes,  # noqa: E402,F401
    jobs_routes,  # noqa: E402,F401
    party_routes,  # noqa: E402,F401
    report_routes,  # noqa: E402,F401
    roadmap_routes,  # noqa: E402,F401
    statistics_routes,  # noqa: E402,F401
    swot_routes,  # noqa: E402,F401
)
