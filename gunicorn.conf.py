"""gunicorn's settings for the web process, read from the working directory by docker-compose, the image and tests/topology.py."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Threads, not only processes: a request spends much of its time waiting for PostgreSQL and Redis,
# which run on the same few cores; a synchronous worker sits idle meanwhile, a thread of the same
# process takes the next request (bench/README.md, "The respondent's path per request").
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# No keep-alive, as the synchronous workers before: the proxy in front holds the browsers'
# connections. With gunicorn's 2 s a client that reuses a connection just as the server closes it
# gets a reset (bench/load.py: 69 errors in a minute at 1-3 s between pages); 5 s would only suit
# a benchmark's short pauses, not a respondent reading a page.
keepalive = 0
# An export streams for minutes on a slow line; a worker silent this long is replaced.
timeout = 120
