"""The field names of the indicator and index rows, without pandas: the analysis writes them, the API reads them."""

#: The fields of API v1 ``constructs`` rows, in order; extra fields follow them.
API_FIELDS = [
    "questionnaire",
    "construct",
    "organisation",
    "role",
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "score",
    "top2box",
    "alpha",
    "alpha_ci",
    "suppressed",
]
EXTRA_FIELDS = ["median", "bca_low", "bca_high", "top2box_ci", "distribution", "alpha_n", "interval"]
#: The fields of API v1 ``indices`` rows, in order.
INDEX_API_FIELDS = ["index", "organisation", "role", "n", "value", "ci_low", "ci_high", "suppressed"]
#: The leading fields of an index row: the API's, and whether the value is a knelpunt.
INDEX_FIELDS = [*INDEX_API_FIELDS, "knelpunt"]
#: Further fields of index rows (docs/statistics.md): the median, BCa bounds for 10 <= n < 30, the
#: interval a page shows, and whether a knelpunt is certain (interval below 50) or possible.
INDEX_EXTRA_FIELDS = ["median", "bca_low", "bca_high", "interval", "knelpunt_level"]
