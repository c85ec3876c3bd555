"""gunicorn's settings for the web process, read from the working directory by docker-compose, the image and tests/topology.py."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Synchronous workers (no keep-alive: the proxy in front holds the browsers' connections). gthread
# (4 threads) was measured beside them on 2026-12-07 and did not do measurably better on 2 shared
# cores; with its 2 s keep-alive, clients that reused a connection as the server closed it got
# resets (bench/README.md, "The respondent's path per request").
worker_class = "sync"
# An export streams for minutes on a slow line; a worker silent this long is replaced.
timeout = 120
