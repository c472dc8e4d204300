"""Array helpers the likelihoods are built on: checked columns, distinct rows with their
weights, and weighted sums kept on one thread."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from legame.clv.errors import ClvError

if TYPE_CHECKING:
    import pandas as pd


def numeric_column(data: pd.DataFrame, name: str, model: str) -> np.ndarray:
    if name not in data.columns:
        raise ClvError(f"{model}: required column {name!r} missing (columns: {', '.join(map(str, data.columns))}).")
    try:
        return data[name].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ClvError(f"{model}: column {name!r} must be numeric.") from None


def check_rows(bad: np.ndarray, message: str, model: str) -> None:
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ClvError(f"{model}: {int(bad.sum())} row(s) {message} (first: row {first}).")


def factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's code and the distinct values (NaN is a value like any other).

    By hashing (pd.factorize) when pandas is loaded anyway or the array is large enough to
    repay loading it; else by sorting, as quick on a few thousand values."""
    if "pandas" in sys.modules or values.size > 100_000:
        import pandas as pd

        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return codes, np.asarray(uniques)
    uniques, codes = np.unique(values, return_inverse=True)
    return codes.ravel(), uniques


class Groups(NamedTuple):
    """The distinct rows of some code columns and the total weight of each."""

    codes: list[np.ndarray]  # per column, each distinct row's code
    weight: np.ndarray  # input rows (or their weights) per distinct row, as floats
    inverse: np.ndarray | None  # the distinct row of each input row, if asked for


def group_rows(
    codes: list[np.ndarray], sizes: list[int], weight: np.ndarray | None = None, inverse: bool = False
) -> Groups:
    """The distinct rows of columns of codes (column i's in [0, sizes[i])).

    The codes are packed into one int64 key per row. When there are no more possible keys
    than a few per row, rows are counted per key by np.bincount; else the keys are
    factorized first. On a million customers either takes milliseconds where
    np.unique(..., axis=0) took 1.8 s."""
    space = math.prod(sizes)
    if space >= 2**63:  # the packed key would overflow: sort the rows instead
        distinct, rows = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
        counts = np.bincount(rows.ravel(), weights=weight, minlength=len(distinct)).astype(float)
        return Groups(list(distinct.T), counts, rows.ravel())
    key = codes[0].astype(np.int64)  # a copy: updated in place below
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        key *= size
        key += code
    if weight is None and space <= 4 * key.size:
        per_key = np.bincount(key, minlength=space)
        keys = np.nonzero(per_key > 0)[0]  # on a mask: 5x np.flatnonzero on integers
        counts = per_key[keys].astype(float)
        rows = None
        if inverse:
            rank = np.zeros(space, dtype=np.int64)
            rank[keys] = np.arange(keys.size)
            rows = rank[key]
    else:
        rows, keys = factorize(key)
        counts = np.bincount(rows, weights=weight, minlength=keys.size).astype(float)
    columns = []
    for size in reversed(sizes[1:]):
        code = keys
        keys = keys // size  # np.divmod on integers is 10x slower
        columns.append(code - keys * size)
    columns.append(keys)
    return Groups(columns[::-1], counts, rows)


# OpenBLAS runs a dot product of more than 10,000 elements on several threads, which then
# spin while numpy works: on a 2-core machine that made each likelihood evaluation several
# times slower. Longer vectors are taken in pieces it keeps on one thread.
_BLAS_PIECE = 8192


def dot(weights: np.ndarray, values: np.ndarray) -> float:
    """Weighted sum, on one thread."""
    if weights.size <= _BLAS_PIECE:
        return float(np.dot(weights, values))
    return float(
        sum(
            np.dot(weights[i : i + _BLAS_PIECE], values[i : i + _BLAS_PIECE])
            for i in range(0, weights.size, _BLAS_PIECE)
        )
    )


def product(matrix: np.ndarray, other: np.ndarray) -> np.ndarray:
    """matrix @ other, kept off BLAS threads (see dot) when the inner dimension is long."""
    if matrix.shape[-1] <= _BLAS_PIECE:
        return matrix @ other
    return np.einsum("ij,j...->i...", matrix, other)
