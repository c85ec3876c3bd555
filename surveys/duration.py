"""How long a questionnaire takes: the one time estimate shown on the start page and in every mail."""
from __future__ import annotations

import math

from surveys.model import Questionnaire

# Seconds a respondent needs per question type (reading included); other types count 20.
SECONDS_PER_TYPE = {"likert": 10, "yes_no": 10, "single_choice": 15, "multiple_choice": 25,
                    "ranking": 45, "number": 30, "currency": 30, "text": 60}
DEFAULT_SECONDS = 20


def minutes_needed(definition: Questionnaire) -> int:
    """Whole minutes for every question of the definition (conditional ones too: the estimate is an
    upper bound); above ten minutes rounded up to five, as people say it ("about 15 minutes")."""
    seconds = sum(SECONDS_PER_TYPE.get(q.type, DEFAULT_SECONDS) for q in definition.questions())
    minutes = max(1, math.ceil(seconds / 60))
    return minutes if minutes <= 10 else math.ceil(minutes / 5) * 5
