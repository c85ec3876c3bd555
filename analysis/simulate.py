"""Seeded synthetic survey responses for benchmarks, demos and tests."""

import numbers
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from analysis._frames import items_frame

#: Constructs whose answers run against support for the change (resistance facets).
RESISTANCE_CONSTRUCTS = frozenset(
    {"routine_seeking", "emotional_reaction", "short_term_focus", "cognitive_rigidity", "resistance"}
)


def _option_values(options: Any) -> list[Any]:
    if options is None or (isinstance(options, float) and np.isnan(options)):
        return []
    return [o["value"] if isinstance(o, dict) else o for o in options]


def _roles(questionnaire: Any, n: int, rng: np.random.Generator) -> Any:
    if "board" in str(questionnaire):
        return np.full(n, "board", dtype=object)
    return np.where(rng.random(n) < 0.08, "ict_lead", "ict_staff").astype(object)


def _organisation_weights(organisations: Any) -> tuple[list[str], np.ndarray]:
    if isinstance(organisations, dict):
        codes = list(organisations)
        weights = np.asarray([float(organisations[c]) for c in codes])
    else:
        codes = list(organisations)
        # Unequal sizes on purpose, so that some organisation × role groups stay small.
        weights = 0.65 ** np.arange(len(codes))
    if not codes or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("organisations must be a non-empty list of codes or a dict of positive weights")
    return codes, weights / weights.sum()


def simulate_responses(
    items_by_questionnaire: Any,
    organisations: Any,
    n_respondents: int,
    seed: int = 0,
    *,
    missing: float = 0.03,
    people: Any = None,
) -> pd.DataFrame:
    """Draw realistic long-format responses from a simple latent-trait model.

    Every organisation gets a latent level of support, every respondent a personal level around
    it; each construct mixes that level (negatively for resistance facets) with construct-specific
    noise, and each item adds item noise before it is cut into the item's scale points. Reverse
    items are answered the other way round, so reverse scoring restores the direction. Single
    choice items (with ``options``, in order from least to most) follow the personal level. About
    ``missing`` of the answers are left out at random. Organisations differ in size, so some
    organisation × role groups are small.

    Parameters
    ----------
    items_by_questionnaire : dict
        ``{questionnaire key: items}`` with items as in :func:`analysis.scores.construct_scores`;
        an ``options`` column (list of values or of ``{"value": ...}``) marks choice items.
        Items with neither a scale nor options are skipped.
    organisations : list of str or dict
        Organisation codes, or ``{code: relative size}``.
    n_respondents : int or dict
        Respondents per questionnaire, or ``{questionnaire key: int}``.
    seed : int, default 0
        Seed of the random generator.
    missing : float, default 0.03
        Share of answers left out.
    people : dict, optional
        ``{questionnaire key: [(organisation, role), ...]}``: who answers, one pair per
        respondent, instead of organisations and roles drawn at random (``n_respondents`` is then
        the length of the list). Used to simulate a population of known composition.

    Returns
    -------
    DataFrame
        Columns ``respondent``, ``question``, ``value``, ``organisation``, ``role``,
        ``questionnaire``. Respondents of a questionnaire whose key contains ``board`` are board
        members; others are ICT staff with about 8% ICT leads.

    Examples
    --------
    >>> items = [{"question": f"q{i}", "construct": "appropriateness", "reverse": i == 2,
    ...           "min": 1, "max": 5} for i in range(1, 5)]
    >>> df = simulate_responses({"ict_staff": items}, ["ZL", "BM"], 50, seed=1)
    >>> sorted(df.columns)
    ['organisation', 'question', 'questionnaire', 'respondent', 'role', 'value']
    >>> bool(df["value"].between(1, 5).all()), df["respondent"].nunique()
    (True, 50)
    >>> df.equals(simulate_responses({"ict_staff": items}, ["ZL", "BM"], 50, seed=1))
    True
    """
    if not isinstance(items_by_questionnaire, dict) or not items_by_questionnaire:
        raise ValueError("items_by_questionnaire must be a non-empty dict of questionnaire key -> items")
    if not 0 <= missing < 1:
        raise ValueError("missing must lie in [0, 1)")
    codes, weights = _organisation_weights(organisations)
    rng = np.random.default_rng(seed)
    org_level = dict(zip(codes, rng.normal(0.0, 0.5, len(codes))))
    frames: list[pd.DataFrame] = []
    for questionnaire, items in items_by_questionnaire.items():
        fixed = (people or {}).get(questionnaire)
        n = n_respondents.get(questionnaire, 0) if isinstance(n_respondents, dict) else n_respondents
        if fixed is not None:
            n = len(fixed)
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 0:
            raise ValueError("n_respondents must be a non-negative integer (or a dict of them)")
        items = items_frame(items)
        if "options" not in items.columns:
            items["options"] = None
        options = [_option_values(o) for o in items["options"]]
        likert = (items["min"].notna() & items["max"].notna()).to_numpy()
        usable = likert | np.array([len(o) > 0 for o in options])
        if n == 0 or not usable.any():
            continue
        items = items.loc[usable].reset_index(drop=True)
        options = [o for o, keep in zip(options, usable) if keep]
        likert = likert[usable]
        if fixed is not None:
            unknown = {o for o, _ in fixed} - set(codes)
            if unknown:
                raise ValueError(f"people name organisations not in organisations: {sorted(unknown)}")
            organisation = np.asarray([o for o, _ in fixed], dtype=object)
            role = np.asarray([r for _, r in fixed], dtype=object)
        else:
            organisation = rng.choice(np.asarray(codes, dtype=object), size=n, p=weights)
            role = _roles(questionnaire, n, rng)
        person = np.array([org_level[o] for o in organisation]) + rng.normal(0.0, 1.0, n)
        constructs, construct_index = np.unique(items["construct"].fillna("").astype(str), return_inverse=True)
        sign = np.array([-1.0 if c in RESISTANCE_CONSTRUCTS else 1.0 for c in constructs])
        shift = rng.normal(0.3, 0.35, len(constructs)) * sign
        construct_level = sign * 0.8 * person[:, None] + shift + rng.normal(0.0, 0.6, (n, len(constructs)))
        z = construct_level[:, construct_index] + rng.normal(0.0, 0.7, (n, len(items)))
        low = items["min"].to_numpy()
        high = items["max"].to_numpy()
        with np.errstate(invalid="ignore"):
            raw = np.clip(np.rint((low + high) / 2 + z * (high - low) / 4), low, high)
            raw = np.where(items["reverse"].to_numpy(dtype=bool), low + high - raw, raw)
        values = raw.astype(object) if not likert.all() else raw
        for j in np.flatnonzero(~likert):
            chosen = np.clip((special.ndtr(z[:, j]) * len(options[j])).astype(int), 0, len(options[j]) - 1)
            values[:, j] = np.asarray(options[j], dtype=object)[chosen]
        keep = rng.random((n, len(items))) >= missing
        respondent_index, item_index = np.nonzero(keep)
        respondents = np.array([f"{questionnaire}-{i:05d}" for i in range(n)], dtype=object)
        frames.append(
            pd.DataFrame(
                {
                    "respondent": respondents[respondent_index],
                    "question": items["question"].to_numpy(dtype=object)[item_index],
                    "value": values[respondent_index, item_index],
                    "organisation": organisation[respondent_index],
                    "role": role[respondent_index],
                    "questionnaire": questionnaire,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["respondent", "question", "value", "organisation", "role", "questionnaire"])
    return pd.concat(frames, ignore_index=True)
