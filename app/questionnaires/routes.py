"""Routes of the questionnaires blueprint."""
from app.questionnaires import bp  # noqa: F401
