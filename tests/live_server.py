"""A real threaded werkzeug server in a thread, for tests that need real HTTP and concurrency."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serve(app, host: str = "127.0.0.1"):
    """Serve `app` on a free port; yields the base URL. Closes the app's connections afterwards,
    so the test database can be truncated."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        from app.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
