"""Argument checks that need numpy only (the disclosure rules load without pandas)."""

import numbers

import numpy as np


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
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Integral) or threshold < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {threshold!r}")
    return int(threshold)
