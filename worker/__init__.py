"""Celery worker: the app entry point and thin task wrappers around app services and analysis."""
