"""gunicorn's settings for the web process, read from the working directory by docker-compose, the image and tests/topology.py."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Threads, not only processes: a request spends much of its time waiting for PostgreSQL and Redis,
# which run on the same few cores; a synchronous worker sits idle meanwhile, a thread of the same
# process takes the next request (bench/README.md, "The respondent's path per request").
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# An export streams for minutes on a slow line; a worker silent this long is replaced.
timeout = 120
