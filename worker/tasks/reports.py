"""Build the advice report (PDF and XLSX) for a traject, with progress in its Job row."""

from __future__ import annotations

import logging

from celery import shared_task

from app.extensions import db
from app.jobs import JobTask
from app.models import Job, Traject
from app.models.advice import Report
from app.models.base import utcnow


def _progress(job_id: str | None, share: float, message: str = "") -> None:
    if not job_id:
        return
    job = db.session.get(Job, job_id)
    if job is not None:
        job.state, job.progress, job.message = "running", share, message
        db.session.commit()


@shared_task(name="worker.tasks.reports.build_report", base=JobTask)
def build_report(traject_id: int, job_id: str | None = None) -> dict:
    """Render the report of `traject_id` to files; the Report row keeps the files and the fingerprint."""
    from app.results.report import build_files

    _progress(job_id, 0.05, "start")
    traject = db.session.get(Traject, traject_id)
    if traject is None:
        _fail(job_id, None, "Traject bestaat niet meer.")
        return {"state": "failed"}
    report = Report(traject_id=traject_id, job_id=job_id, state="running", fingerprint="")
    db.session.add(report)
    db.session.commit()
    report_id = report.id
    try:
        files, fingerprint = build_files(traject, progress=lambda share, message="": _progress(job_id, share, message))
    except Exception as exc:  # the job row must say it failed, whatever broke
        db.session.rollback()
        # Recorded, not re-raised: the Job row is how the UI and the API learn that the build failed.
        logging.getLogger("draagvlak").exception("Rapport voor traject %s mislukt", traject_id)
        _fail(job_id, report_id, f"{type(exc).__name__}: {exc}")
        return {"state": "failed", "report": report_id}
    report = db.session.get(Report, report_id)
    report.files, report.fingerprint, report.state, report.built_at = files, fingerprint, "done", utcnow()
    if job_id:
        job = db.session.get(Job, job_id)
        if job is not None:
            job.state, job.progress, job.message = "done", 1.0, ""
            job.result = {"report": report_id, "formats": sorted(files)}
    db.session.commit()
    return {"state": "done", "report": report_id}


def _fail(job_id, report_id, message: str) -> None:
    if report_id is not None:
        report = db.session.get(Report, report_id)
        if report is not None:
            report.state, report.message = "failed", message[:2000]
    if job_id:
        job = db.session.get(Job, job_id)
        if job is not None:
            job.state, job.message = "failed", message[:2000]
    db.session.commit()


@shared_task(name="worker.tasks.reports.build_version_report", base=JobTask)
def build_version_report(version_id: int, job_id: str | None = None) -> dict:
    """Render a published version's frozen document to PDF and XLSX once; existing files are kept."""
    from app.models.advice import AdviceVersion
    from app.results.report import build_version_files

    _progress(job_id, 0.05, "start")
    version = db.session.get(AdviceVersion, version_id)
    if version is None:
        _fail(job_id, None, "Adviesversie bestaat niet meer.")
        return {"state": "failed"}
    try:
        hashes = build_version_files(version, progress=lambda share, message="": _progress(job_id, share, message))
    except Exception as exc:  # the job row must say it failed, whatever broke
        db.session.rollback()
        logging.getLogger("draagvlak").exception("Rapport van adviesversie %s mislukt", version_id)
        _fail(job_id, None, f"{type(exc).__name__}: {exc}")
        return {"state": "failed", "version": version_id}
    if job_id:
        job = db.session.get(Job, job_id)
        if job is not None:
            job.state, job.progress, job.message = "done", 1.0, ""
            job.result = {"version": version_id, "formats": sorted(hashes)}
    db.session.commit()
    return {"state": "done", "version": version_id}
