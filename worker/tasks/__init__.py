"""Celery tasks, one module per topic; importing this package registers them all."""

from worker.tasks import (
    indicators,  # noqa: F401
    jobs,  # noqa: F401,E402
    mail,  # noqa: F401
    ping,  # noqa: F401
    privacy,  # noqa: F401
    reports,  # noqa: F401,E402
)
