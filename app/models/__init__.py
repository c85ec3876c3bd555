"""All models, split by topic; importing this package registers every table."""

from app.models.accounts import ROLES, ApiToken, User, hash_token
from app.models.advice import ConfrontationScore, FeasibilityOverride, Report, RoadmapAction, SwotItem  # noqa: F401
from app.models.audit import AuditEvent
from app.models.jobs import Job
from app.models.mail import OutboxMessage
from app.models.packed_answers import register as _register_packing
from app.models.privacy import PrivacySettings  # noqa: E402,F401
from app.models.questionnaires import (
    PARTICIPANT_ROLES,
    QUESTIONNAIRE_STATES,
    IndicatorSnapshot,
    Participant,
    Questionnaire,
    ReleaseBatch,
    ReleasedComment,
    Response,
    ResponseDraft,
)
from app.models.released_groups import ReleasedCommentGroup, ReleasedCommentGrouping  # noqa: F401
from app.models.stakeholders import CommunicationItem, Concern, Engagement, Stakeholder  # noqa: E402,F401
from app.models.trajects import PHASES, Organisation, Traject, TrajectMember

_register_packing(Response, Response.metadata)

__all__ = [
    "PARTICIPANT_ROLES",
    "QUESTIONNAIRE_STATES",
    "IndicatorSnapshot",
    "Participant",
    "Questionnaire",
    "Response",
    "ReleaseBatch",
    "ReleasedComment",
    "ResponseDraft",
    "ROLES",
    "PHASES",
    "ApiToken",
    "AuditEvent",
    "Job",
    "Organisation",
    "OutboxMessage",
    "Traject",
    "TrajectMember",
    "User",
    "hash_token",
]
