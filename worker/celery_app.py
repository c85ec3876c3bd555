"""Worker entry point: `celery -A worker.celery_app worker` (and `beat`)."""

from app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.loader.import_default_modules()
