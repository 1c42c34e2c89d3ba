"""From a raw table to the network's inputs: the preprocessing of the tabular estimators.

Numeric and boolean columns are imputed with their median, robustly scaled
(centred on the median, divided by the interquartile range) and smoothly
clipped, ``x / sqrt(1 + (x / c)**2)``, which leaves values near 0 as they
are and bends outliers towards +-c instead of letting them dominate a
layer's pre-activations. Each numeric column with missing values in the
training data also gets a 0/1 indicator. Categorical columns (pandas
category, object or string) are one-hot encoded, missing values being a
category of their own and categories unseen in training mapping to the
infrequent column.

The statistics are weighted by ``sample_weight``: weighting a row by 2 is
the same as repeating it.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

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
    if np.isclose(cumulative[i], target) and i + 1 < values.size:
        return 0.5 * (values[i] + values[i + 1])
    return float(values[i])


class TabularPreprocessor(TransformerMixin, BaseEstimator):
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
    max_categories : int, default=20
        Most one-hot columns per categorical column; rarer categories share
        one "infrequent" column, as do categories unseen in training.

    Attributes
    ----------
    numeric_columns_ : list
        Columns treated as numbers (numeric and boolean dtypes).
    categorical_columns_ : list
        Columns one-hot encoded.
    median_, center_, scale_ : ndarray of shape (n_numeric,)
        Per numeric column: the value imputed for missing entries, and the
        centre and scale of its scaling.
    missing_columns_ : ndarray of int
        Positions, among the numeric columns, of those given a missing-value
        indicator (those with missing values in training).
    encoder_ : sklearn.preprocessing.OneHotEncoder or None
        The fitted encoder of the categorical columns.
    """

    _parameter_constraints: dict = {
        "scaling": [StrOptions(set(SCALINGS)), None],
        "clip": [Interval(Real, 0, None, closed="neither"), None],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, *, scaling="robust", clip=3.0, max_categories=20):
        self.scaling = scaling
        self.clip = clip
        self.max_categories = max_categories

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = _as_frame(X)
        weights = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
        self.numeric_columns_, self.categorical_columns_ = _column_kinds(X)
        self._fit_numeric(_numbers(X[self.numeric_columns_]), weights)
        self.encoder_ = None
        if self.categorical_columns_:
            self.encoder_ = OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                max_categories=self.max_categories,
                sparse_output=False,
            ).fit(X[self.categorical_columns_])
        return self

    def _fit_numeric(self, numbers, weights):
        columns = numbers.T
        self.median_ = np.array([weighted_quantile(c, weights, 0.5) for c in columns])
        self.center_, self.scale_ = self.median_, np.ones(len(columns))
        if self.scaling is not None:
            self.center_, self.scale_ = self._scaling(columns, weights)
        self.missing_columns_ = np.flatnonzero(np.isnan(numbers[weights > 0]).any(axis=0))

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
        check_is_fitted(self, "median_")
        X = _as_frame(X)
        numbers = _numbers(X[self.numeric_columns_])
        missing = np.isnan(numbers)
        scaled = (np.where(missing, self.median_, numbers) - self.center_) / self.scale_
        if self.clip is not None:
            scaled = smooth_clip(scaled, self.clip)
        blocks = [scaled, missing[:, self.missing_columns_].astype(np.float64)]
        if self.encoder_ is not None:
            blocks.append(self.encoder_.transform(X[self.categorical_columns_]))
        return np.hstack(blocks)


def _numbers(X):
    """Numeric columns as floats: booleans, nullable integers (pd.NA as NaN), numeric objects."""
    return X.to_numpy(dtype=np.float64, na_value=np.nan).reshape(len(X), -1)


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
