"""JSON shapes of API objects, one function per object."""

from __future__ import annotations


def traject_json(traject) -> dict:
    return {
        "id": traject.id,
        "name": traject.name,
        "description": traject.description,
        "phase": traject.phase,
        "anonymity_threshold": traject.anonymity_threshold,
        "comment_threshold": traject.comment_threshold,
        "deadline": traject.deadline.isoformat() if traject.deadline else None,
    }


def organisation_json(organisation) -> dict:
    return {
        "id": organisation.id,
        "code": organisation.code,
        "name": organisation.name,
        "staff": organisation.staff,
        "students": organisation.students,
        "locations": organisation.locations,
        "region": organisation.region,
    }
