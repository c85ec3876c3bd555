"""Pure numpy/pandas/scipy statistics for Draagvlak: scores, indicators, indices, anonymity, comparisons.

The names below are loaded on first use (PEP 562): ``from analysis import disclosure`` in a web
process does not pull in pandas and scipy with the rest of the package.
"""

import importlib
from typing import Any

_WHERE = {
    "comments_visible": "analysis.anonymity",
    "filter_comments": "analysis.anonymity",
    "suppress": "analysis.anonymity",
    "autonomy_willingness": "analysis.board",
    "board_staff_gap": "analysis.board",
    "commit_forms": "analysis.board",
    "trust_matrix": "analysis.board",
    "Prepared": "analysis.coded",
    "prepare": "analysis.coded",
    "compare_groups": "analysis.comparisons",
    "construct_indicators": "analysis.indicators",
    "indicator_table": "analysis.indicators",
    "DEFAULT_INDEX_CONSTRUCTS": "analysis.indices",
    "DEFAULT_WEIGHTS": "analysis.indices",
    "KNELPUNT_BELOW": "analysis.indices",
    "index_indicators": "analysis.indices",
    "bca_interval": "analysis.intervals",
    "describe": "analysis.intervals",
    "t_interval": "analysis.intervals",
    "wilson_interval": "analysis.intervals",
    "cronbach_alpha": "analysis.reliability",
    "feldt_interval": "analysis.reliability",
    "item_rest_correlations": "analysis.reliability",
    "construct_scores": "analysis.scores",
    "simulate_responses": "analysis.simulate",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        try:  # a submodule not imported yet (``analysis.disclosure`` after ``import analysis``)
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
