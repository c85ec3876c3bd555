"""All models, split by topic; importing this package registers every table."""
from app.models.accounts import ROLES, ApiToken, User, hash_token
from app.models.audit import AuditEvent
from app.models.jobs import Job
from app.models.mail import OutboxMessage
from app.models.trajects import PHASES, Organisation, Traject, TrajectMember

__all__ = [
    "ROLES", "PHASES", "ApiToken", "AuditEvent", "Job", "Organisation", "OutboxMessage",
    "Traject", "TrajectMember", "User", "hash_token",
]
