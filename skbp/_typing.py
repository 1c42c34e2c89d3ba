"""The types of the public API's arguments and results, for annotations."""

from collections.abc import Iterable, Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.model_selection import BaseCrossValidator

# What fit and predict take: anything numpy reads as an array (lists, pandas
# objects), or a scipy sparse matrix (the Backprop estimators).
MatrixLike: TypeAlias = ArrayLike | pd.DataFrame | sp.spmatrix | sp.sparray
# Targets: one column, several, or labels of any type.
TargetLike: TypeAlias = ArrayLike | pd.Series | pd.DataFrame
RandomStateLike: TypeAlias = int | np.random.RandomState | None
LayerSizes: TypeAlias = int | Sequence[int]
PerLayer: TypeAlias = str | Sequence[str]
PerLayerRate: TypeAlias = float | Sequence[float]
Array: TypeAlias = NDArray[np.floating] | NDArray[np.generic]
# A tabular estimator's folds: a count, a splitter, or (train, validation) index pairs.
CVLike: TypeAlias = int | BaseCrossValidator | Iterable[tuple[ArrayLike, ArrayLike]] | None

__all__ = [
    "Array",
    "CVLike",
    "LayerSizes",
    "MatrixLike",
    "PerLayer",
    "PerLayerRate",
    "RandomStateLike",
    "TargetLike",
]
