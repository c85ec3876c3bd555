"""How long a questionnaire takes: the one time estimate shown on the start page and in every mail."""

from __future__ import annotations

import math

from surveys.model import Questionnaire


def minutes_needed(definition: Questionnaire) -> int:
    """Whole minutes for every question of the definition (conditional ones too: the estimate is an
    upper bound); above ten minutes rounded up to five, as people say it ("about 15 minutes")."""
    # Each question type says how many seconds a respondent needs for it, reading included.
    seconds = sum(q.question_type.seconds for q in definition.questions())
    minutes = max(1, math.ceil(seconds / 60))
    return minutes if minutes <= 10 else math.ceil(minutes / 5) * 5
