"""Celery tasks, one module per topic; importing this package registers them all."""
from worker.tasks import ping  # noqa: F401
from worker.tasks import indicators  # noqa: F401
from worker.tasks import privacy  # noqa: F401
from worker.tasks import mail  # noqa: F401
from worker.tasks import reports  # noqa: F401,E402
from worker.tasks import jobs  # noqa: F401,E402
