"""Pure numpy/pandas/scipy statistics for Draagvlak: scores, indicators, indices, anonymity, comparisons."""

from analysis.anonymity import comments_visible, filter_comments, suppress
from analysis.board import autonomy_willingness, board_staff_gap, commit_forms, trust_matrix
from analysis.coded import Prepared, prepare
from analysis.comparisons import compare_groups
from analysis.indicators import construct_indicators, indicator_table
from analysis.indices import DEFAULT_INDEX_CONSTRUCTS, DEFAULT_WEIGHTS, KNELPUNT_BELOW, index_indicators
from analysis.intervals import bca_interval, describe, t_interval, wilson_interval
from analysis.reliability import cronbach_alpha, feldt_interval, item_rest_correlations
from analysis.scores import construct_scores
from analysis.simulate import simulate_responses

__all__ = [
    "DEFAULT_INDEX_CONSTRUCTS", "DEFAULT_WEIGHTS", "KNELPUNT_BELOW", "Prepared", "autonomy_willingness", "bca_interval",
    "board_staff_gap", "commit_forms", "comments_visible", "compare_groups", "construct_indicators",
    "construct_scores", "cronbach_alpha", "describe", "feldt_interval", "filter_comments", "index_indicators",
    "indicator_table", "item_rest_correlations", "prepare", "simulate_responses", "suppress", "t_interval", "trust_matrix", "wilson_interval",
]
