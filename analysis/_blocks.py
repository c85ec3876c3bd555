"""Integer coding in bounded memory: narrow codes, and answers checked, reverse scored and factorized block by block."""

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd


def _narrow(codes: npt.NDArray[Any], n: int) -> npt.NDArray[Any]:
    """Integer codes as int32 (half of int64) unless ``n`` needs more.

    Not narrower: callers do key arithmetic on these columns (``construct * n_people + person``),
    which in int8 or int16 would overflow where int32 holds any realistic survey.
    """
    return codes.astype(np.int32 if n < np.iinfo(np.int32).max else np.int64, copy=False)


def _codes(series: "pd.Series[Any] | npt.NDArray[Any]") -> tuple[npt.NDArray[Any], "npt.NDArray[Any] | pd.Index[Any]"]:
    """(codes, labels) of a key column; a categorical's own codes are used as they are (no hashing)."""
    if isinstance(series, pd.Series) and isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), np.asarray(series.cat.categories, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return _narrow(codes, len(uniques)), uniques


def _subset(array: npt.NDArray[Any], keep: npt.NDArray[np.intp] | None) -> npt.NDArray[Any]:
    return array if keep is None else array[keep]


# Rows checked and reverse scored at a time (bounds the temporaries of large inputs).
_BLOCK = 1 << 16


def _scored(
    raw: npt.NDArray[Any],
    item: npt.NDArray[Any],
    items: pd.DataFrame,
    question: npt.NDArray[Any],
    question_labels: "npt.NDArray[Any] | pd.Index[Any]",
) -> npt.NDArray[np.floating[Any]]:
    """Reverse-scored float answers, checked against each item's scale, built block by block.

    float32 (4 bytes an answer) while every value is exactly a float32, as scale points and their
    reversals are; float64 from the first value that is not. Every sum over them is taken in
    float64 (``np.bincount`` weights, ``astype``), so the figures are the same either way.
    """
    low_of = items["min"].to_numpy()
    high_of = items["max"].to_numpy()
    reverse_of = items["reverse"].to_numpy(dtype=bool)
    values: npt.NDArray[Any] = np.empty(len(item), dtype=np.float32)
    for start in range(0, len(item), _BLOCK):
        block = slice(start, start + _BLOCK)
        part = raw[block]
        if part.dtype.kind not in "biuf":
            text = pd.Series(part, dtype=object)
            numbers = pd.to_numeric(text, errors="coerce").astype(float).to_numpy()
            bad = np.isnan(numbers) & text.notna().to_numpy()
            if bad.any():
                position = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"non-numeric answer {text.iloc[position]!r} to likert question "
                    f"{question_labels[question[start + position]]!r}"
                )
            part = numbers
        part = part.astype(float, copy=False)
        codes = item[block]
        low, high = low_of[codes], high_of[codes]
        outside = (part < low) | (part > high)
        if outside.any():
            position = int(np.flatnonzero(outside)[0])
            raise ValueError(
                f"answer {part[position]!r} to question "
                f"{question_labels[question[start + position]]!r} lies outside its scale"
            )
        scored = np.where(reverse_of[codes], low + high - part, part)
        if values.dtype == np.float32:
            narrow = scored.astype(np.float32)
            if not ((narrow == scored) | np.isnan(scored)).all():
                values = values.astype(np.float64)  # exact: the values so far are float32 numbers
        values[block] = scored
    return values


def _factorize_keys(
    key_of: Callable[[slice], npt.NDArray[np.int64]], n_rows: int, size: int
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """``pd.factorize`` of integer keys in ``[0, size)`` made block by block: ``(codes, uniques)``.

    ``key_of(block)`` gives the keys of the rows in a slice. Codes follow first appearance, as
    ``pd.factorize``'s do, but the work takes a table of ``size`` entries and one block of keys
    at a time instead of full-length keys and a hash table as long as the input.
    """
    if size > 4 * n_rows + 1_000_000:  # a wide key space: the hash table is the smaller one
        codes, uniques = pd.factorize(key_of(slice(0, n_rows)))
        return _narrow(codes, len(uniques)), np.asarray(uniques, dtype=np.int64)
    code_of = np.full(size, -1, dtype=np.int64)
    codes = np.empty(n_rows, dtype=np.int32 if size < np.iinfo(np.int32).max else np.int64)
    found, n = [], 0
    for start in range(0, n_rows, _BLOCK):
        block = slice(start, start + _BLOCK)
        keys = key_of(block)
        new = pd.unique(keys[code_of[keys] < 0])  # in order of appearance
        code_of[new] = np.arange(n, n + len(new))
        n += len(new)
        found.append(np.asarray(new, dtype=np.int64))
        codes[block] = code_of[keys]
    return codes, (np.concatenate(found) if found else np.empty(0, dtype=np.int64))
