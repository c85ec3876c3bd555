"""Argument checks, without loading numpy (the disclosure rules load in web workers, issue 18)."""

import numbers
import sys


def check_threshold(threshold: object, name: str = "threshold") -> int:
    """Return ``threshold`` as an int after checking it is a whole number of at least 1.

    Examples
    --------
    >>> check_threshold(5)
    5
    >>> check_threshold(0)
    Traceback (most recent call last):
    ...
    ValueError: threshold must be an integer >= 1, got 0
    """
    # A numpy bool exists only once numpy is loaded; importing numpy for this test would load it
    # into every web worker (the CSV export checks its threshold here).
    np = sys.modules.get("numpy")
    bools = (bool, np.bool_) if np is not None else (bool,)
    if isinstance(threshold, bools) or not isinstance(threshold, numbers.Integral) or threshold < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {threshold!r}")
    return int(threshold)
