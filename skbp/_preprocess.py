"""From a raw table to the network's inputs: the preprocessing of the tabular estimators.

Numeric and boolean columns are imputed with their median, robustly scaled
(centred on the median, divided by the interquartile range) and smoothly
clipped, ``x / sqrt(1 + (x / c)**2)``, which leaves values near 0 as they
are and bends outliers towards +-c instead of letting them dominate a
layer's pre-activations. Each numeric column with missing values in the
training data also gets a 0/1 indicator. Categorical columns (pandas
category, object or string) are one-hot encoded, missing values being a
category of their own; past ``max_categories``, the rarer categories share
an "other" column, where categories unseen in training also go.

The statistics are weighted by ``sample_weight``: weighting a row by 2 is
the same as repeating it.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._state import VersionedState

SCALINGS = ("robust", "standard")


def smooth_clip(X, c):
    """``x / sqrt(1 + (x / c)**2)``: the identity near 0, tending to +-c for large |x|."""
    return X / np.hypot(1.0, X / c)  # hypot: no overflow for huge |x|


def weighted_quantile(values, weights, q):
    """The q-quantile of weighted values (NaN ignored), as the inverted CDF.

    Where q falls exactly between two values it takes their mean, so unit
    weights give numpy's median; a weight of k counts as k repeats.
    """
    keep = ~np.isnan(values) & (weights > 0)
    values, weights = values[keep], weights[keep]
    if values.size == 0:
        return 0.0
    order = np.argsort(values, kind="stable")
    values, cumulative = values[order], np.cumsum(weights[order])
    target = q * cumulative[-1]
    i = int(np.searchsorted(cumulative, target, side="left"))
    if cumulative[i] == target and i + 1 < values.size:
        return 0.5 * (values[i] + values[i + 1])
    return float(values[i])


def piecewise_linear(x, edges):
    """Piecewise-linear encoding of x over bins [e_0, e_1), ..., [e_{B-1}, e_B].

    One column per bin: 1 for the bins below x's, 0 above it, and in its own
    bin the fraction ``(x - e_{t-1}) / (e_t - e_{t-1})`` of the way across
    (clipped to [0, 1] outside the training range). A network can then bend
    its response at every bin edge (Gorishniy et al., 2022).
    """
    if len(edges) < 2:
        return np.empty((len(x), 0))
    lower, width = edges[:-1], np.diff(edges)
    return np.clip((x[:, None] - lower) / width, 0.0, 1.0)


class TabularPreprocessor(TransformerMixin, VersionedState, BaseEstimator):
    """Numeric, boolean and categorical columns, with missing values, to a float matrix.

    Parameters
    ----------
    scaling : {'robust', 'standard'} or None, default='robust'
        How numeric columns are scaled after median imputation: by their
        median and interquartile range (the standard deviation where that
        is 0), by their mean and standard deviation, or not at all.
    clip : float or None, default=3.0
        Bound ``c`` of the smooth clipping ``x / sqrt(1 + (x / c)**2)``
        applied after scaling; None leaves the scaled values alone.
    bins : int or None, default=None
        With an int, each numeric column is also given a piecewise-linear
        encoding over ``bins`` quantile bins (one column per bin, see
        :func:`piecewise_linear`); None does not.

    max_categories : int, default=20
        Most one-hot columns per categorical column: with more categories,
        the ``max_categories - 1`` most frequent (by weight) keep a column
        each and the rest share an "other" column. Categories unseen in
        training go to "other" where it exists and to no column otherwise.

    Attributes
    ----------
    numeric_columns_ : list
        Columns treated as numbers (numeric and boolean dtypes).
    categorical_columns_ : list
        Columns one-hot encoded.
    median_, center_, scale_ : ndarray of shape (n_numeric,)
        Per numeric column: the value imputed for missing entries, and the
        centre and scale of its scaling.
    bin_edges_ : list of ndarray
        Per numeric column, the edges of its bins (empty without ``bins``).
    missing_columns_ : ndarray of int
        Positions, among the numeric columns, of those given a missing-value
        indicator (those with missing values in training).
    categories_ : list of list
        Per categorical column, the categories that have a column of their
        own (NaN standing for missing), then True if there is an "other"
        column.
    """

    _parameter_constraints: dict = {
        "scaling": [StrOptions(set(SCALINGS)), None],
        "clip": [Interval(Real, 0, None, closed="neither"), None],
        "bins": [Interval(Integral, 2, None, closed="left"), None],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, *, scaling="robust", clip=3.0, bins=None, max_categories=20):
        self.scaling = scaling
        self.clip = clip
        self.bins = bins
        self.max_categories = max_categories

    def fit(self, X, y=None, sample_weight=None):
        """Learn the columns' kinds and statistics from X (a DataFrame or an array).

        ``sample_weight`` weighs the rows: a weight of 2 counts as two rows.
        """
        self._validate_params()
        X = _as_frame(X)
        self.columns_ = list(X.columns)
        weights = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
        self.numeric_columns_, self.categorical_columns_ = _column_kinds(X)
        self._fit_numeric(_numbers(X[self.numeric_columns_]), weights)
        self.categories_ = [
            _kept_categories(_labels(X[name]), weights, self.max_categories)
            for name in self.categorical_columns_
        ]
        return self

    def _fit_numeric(self, numbers, weights):
        columns = numbers.T
        self.median_ = np.array([weighted_quantile(c, weights, 0.5) for c in columns])
        self.center_, self.scale_ = np.zeros(len(columns)), np.ones(len(columns))
        if self.scaling is not None:
            self.center_, self.scale_ = self._scaling(columns, weights)
        self.missing_columns_ = np.flatnonzero(np.isnan(numbers[weights > 0]).any(axis=0))
        self.bin_edges_ = []
        if self.bins is not None:
            filled = np.where(np.isnan(numbers), self.median_, numbers).T
            quantiles = np.linspace(0.0, 1.0, self.bins + 1)
            for column in filled:
                edges = np.unique([weighted_quantile(column, weights, q) for q in quantiles])
                self.bin_edges_.append(edges)

    def _scaling(self, columns, weights):
        centers, scales = [], []
        for column in columns:
            filled = np.where(np.isnan(column), weighted_quantile(column, weights, 0.5), column)
            mean = np.average(filled, weights=weights)
            std = np.sqrt(np.average(np.square(filled - mean), weights=weights))
            if self.scaling == "robust":
                center = weighted_quantile(filled, weights, 0.5)
                spread = weighted_quantile(filled, weights, 0.75) - weighted_quantile(
                    filled, weights, 0.25
                )
            else:
                center, spread = mean, std
            centers.append(center)
            scales.append(spread if spread > 0 else (std if std > 0 else 1.0))
        return np.array(centers), np.array(scales)

    def transform(self, X):
        """The float matrix of X: scaled numbers, missing-value indicators, one-hot categories."""
        check_is_fitted(self, "median_")
        X = _as_frame(X)
        if list(X.columns) != self.columns_:  # an array after a DataFrame, or the reverse
            X = X.set_axis(self.columns_, axis=1)
        numbers = _numbers(X[self.numeric_columns_])
        missing = np.isnan(numbers)
        scaled = (np.where(missing, self.median_, numbers) - self.center_) / self.scale_
        if self.clip is not None:
            scaled = smooth_clip(scaled, self.clip)
        blocks = [scaled, missing[:, self.missing_columns_].astype(np.float64)]
        filled = np.where(missing, self.median_, numbers)
        for j, edges in enumerate(self.bin_edges_):
            blocks.append(piecewise_linear(filled[:, j], edges))
        for name, (kept, other) in zip(self.categorical_columns_, self.categories_, strict=True):
            blocks.append(_one_hot(_labels(X[name]), kept, other))
        return np.hstack(blocks)


def _numbers(X):
    """Numeric columns as floats: booleans, nullable integers (pd.NA as NaN), numeric objects."""
    numbers = X.astype(object).where(X.notna(), np.nan).to_numpy(dtype=np.float64)
    infinite = np.isinf(numbers).any(axis=0)
    if infinite.any():
        names = [str(c) for c in X.columns[infinite]]
        raise ValueError(
            f"Input X contains infinity in column(s) {names}; missing values (NaN) are "
            "allowed, infinite ones are not."
        )
    return numbers


def _labels(column):
    """A categorical column as an object array of strings, missing values as None."""
    values = column.astype(object).to_numpy()
    missing = pd.isna(values)
    values = values.astype(str).astype(object)
    values[missing] = None
    return values


def _kept_categories(labels, weights, max_categories):
    """(categories with a column of their own, whether there is an "other" column)."""
    present = weights > 0
    names, inverse = np.unique(labels[present].astype(str), return_inverse=True)
    totals = np.bincount(inverse, weights=weights[present], minlength=len(names))
    labels_by_name = dict(zip(labels[present].astype(str), labels[present], strict=False))
    kept = [labels_by_name[n] for n in names]
    if len(kept) <= max_categories:
        return kept, False
    order = np.argsort(-totals, kind="stable")[: max_categories - 1]
    return [kept[i] for i in sorted(order)], True


def _one_hot(labels, kept, other):
    """One column per kept category, then the "other" column if there is one."""
    columns = [_equals(labels, category) for category in kept]
    if other:
        columns.append(~np.any(columns, axis=0) if columns else np.ones(len(labels), bool))
    return np.column_stack(columns).astype(np.float64) if columns else np.empty((len(labels), 0))


def _equals(labels, category):
    if category is None:
        return np.array([label is None for label in labels])
    return labels == category


def _as_frame(X):
    """A DataFrame of X's columns (an array's columns are named by position)."""
    if isinstance(X, pd.DataFrame):
        return X
    return pd.DataFrame(np.asarray(X))


def _column_kinds(X):
    """(numeric columns, categorical columns) of a DataFrame, by dtype.

    Booleans count as numbers; an object column counts as numbers if every
    value it holds is one.
    """
    numeric, categorical = [], []
    for name, column in X.items():
        kinds = pd.api.types
        as_numbers = kinds.is_bool_dtype(column) or kinds.is_numeric_dtype(column)
        if as_numbers or (column.dtype == object and _all_numbers(column)):
            numeric.append(name)
        else:
            categorical.append(name)
    return numeric, categorical


def _all_numbers(column):
    try:
        pd.to_numeric(column.dropna(), errors="raise")
    except (TypeError, ValueError):
        return False
    return True
