"""From a raw table to the network's inputs: the preprocessing of the tabular estimators.

Numeric and boolean columns are imputed with their median, robustly scaled
(centred on the median, divided by the interquartile range) and smoothly
clipped, ``x / sqrt(1 + (x / c)**2)``, which leaves values near 0 as they
are and bends outliers towards +-c instead of letting them dominate a
layer's pre-activations. Each numeric column with missing values in the
training data also gets a 0/1 indicator. Dates become the days elapsed since
the earliest training instant, a number like the others, and the sine and
cosine of the calendar cycles that vary in training (day of year, day of
week, hour of day); durations become their length in days (see
``skbp._columns``). Categorical columns (pandas category, object or string)
are one-hot encoded, missing values being a category of their own; past
``max_categories``, the rarer categories share an "other" column, where
categories unseen in training also go; with ``target_encoding``, such a
column is instead encoded by its categories' mean targets (see
``skbp._target_encoding``). Columns that look like row identifiers are left
out, with a warning.

The statistics are weighted by ``sample_weight``: weighting a row by 2 is
the same as repeating it.
"""

import warnings
from numbers import Integral, Real
from typing import Any, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from . import _columns as columns
from ._columns import piecewise_linear, smooth_clip, weighted_quantile, weighted_quantiles
from ._state import VersionedState
from ._target_encoding import TargetEncoding
from ._typing import MatrixLike

SCALINGS = ("robust", "standard")
ID_COLUMNS = ("drop", "keep")


class TabularPreprocessor(TargetEncoding, TransformerMixin, VersionedState, BaseEstimator):
    """Numbers, booleans, dates, durations and categories, with missing values, to a float matrix.

    What each kind of column becomes, and which columns are taken for row
    identifiers, is described in ``skbp._columns`` and the documentation's
    "What each column becomes".

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
        :func:`~skbp._columns.piecewise_linear`); None does not.
    max_categories : int, default=20
        Most one-hot columns per categorical column: with more categories,
        the ``max_categories - 1`` most frequent (by weight) keep a column
        each and the rest share an "other" column. Categories unseen in
        training go to "other" where it exists and to no column otherwise.
    target_encoding : bool, default=False
        With True, a categorical column with more than ``max_categories``
        categories is encoded instead by its categories' mean targets, shrunk
        towards the overall mean (one column per target column, or per class
        past two classes); ``fit`` then needs ``y``. ``fit_transform``
        encodes the training rows cross-fitted, each from the other rows'
        targets, as scikit-learn's ``TargetEncoder`` does.
    id_columns : {'drop', 'keep'}, default='drop'
        What to do with columns that look like row identifiers (text with at
        least 95% distinct values, or distinct integers counting rows, over
        20 rows or more): leave them out with a warning, or keep them as
        any other column.
    random_state : int, RandomState instance or None, default=None
        Shuffles the rows into the folds of ``fit_transform``'s cross-fitted
        target encoding; unused without it.

    Attributes
    ----------
    columns_ : list
        The columns of the training table, in order (an array's are numbered
        from 0); ``transform`` reads its input's columns in this order.
    n_features_in_ : int
        Number of columns seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen in fit, where they are all strings.
    dropped_columns_ : list
        Columns left out of the features as row identifiers.
    numeric_columns_ : list
        Columns treated as numbers (numeric and boolean dtypes).
    datetime_columns_ : list
        Date columns (datetime64, time-zone aware datetimes, periods).
    timedelta_columns_ : list
        Duration columns (timedelta64).
    categorical_columns_ : list
        Columns one-hot encoded.
    target_columns_ : list
        Columns target encoded (empty without ``target_encoding``).
    datetime_origins_ : ndarray of int64
        Per date column, the instant its elapsed days count from (the
        earliest in training), in nanoseconds since 1970-01-01 (UTC for time
        zone aware columns).
    datetime_zones_ : list
        Per date column, its time zone (a tzinfo), or None for naive dates.
    datetime_cycles_ : list of tuple of str
        Per date column, the calendar cycles encoded, among 'dayofyear',
        'dayofweek' and 'hour': those that vary in training.
    median_, center_, scale_ : ndarray of shape (n_numbers,)
        Per number (each numeric column, then the elapsed days of each date
        column, then the days of each duration column): the value imputed
        for missing entries, and the centre and scale of its scaling.
    bin_edges_ : list of ndarray
        Per number, the edges of its bins (empty without ``bins``).
    missing_columns_ : ndarray of int
        Positions, among the numbers, of those given a missing-value
        indicator (those with missing values in training).
    categories_ : list of tuple
        Per categorical column, ``(kept, other)``: the categories that have a
        column of their own (None standing for missing), and whether there
        is an "other" column.
    target_categories_ : list of list
        Per target-encoded column, its training categories (None standing
        for missing).
    target_encodings_ : list of ndarray of shape (n_categories, n_targets)
        Per target-encoded column, each category's encoding: its shrunk mean
        target minus ``target_mean_``, divided by the target's standard
        deviation. Unseen categories are encoded 0.
    target_mean_, target_variance_ : ndarray of shape (n_targets,)
        Weighted mean and variance of each target column (of each class's
        indicator for class labels).

    Examples
    --------
    >>> import pandas as pd
    >>> from skbp import TabularPreprocessor
    >>> X = pd.DataFrame({"size": [1.0, None, 3.0], "colour": ["red", "blue", "red"]})
    >>> list(TabularPreprocessor().fit(X).get_feature_names_out())
    ['size', 'size__missing', 'colour=blue', 'colour=red']
    """

    _parameter_constraints: dict = {
        "scaling": [StrOptions(set(SCALINGS)), None],
        "clip": [Interval(Real, 0, None, closed="neither"), None],
        "bins": [Interval(Integral, 2, None, closed="left"), None],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
        "target_encoding": ["boolean"],
        "id_columns": [StrOptions(set(ID_COLUMNS))],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        scaling: str | None = "robust",
        clip: float | None = 3.0,
        bins: int | None = None,
        max_categories: int = 20,
        target_encoding: bool = False,
        id_columns: str = "drop",
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.scaling = scaling
        self.clip = clip
        self.bins = bins
        self.max_categories = max_categories
        self.target_encoding = target_encoding
        self.id_columns = id_columns
        self.random_state = random_state

    def fit(
        self, X: MatrixLike, y: ArrayLike | None = None, sample_weight: ArrayLike | None = None
    ) -> Self:
        """Learn the columns' kinds and statistics from X (a DataFrame or an array).

        ``y`` (numbers, or class labels) is used by ``target_encoding`` only.
        ``sample_weight`` weighs the rows: a weight of 2 counts as two rows.
        """
        self._validate_params()
        if self.target_encoding and y is None:
            raise ValueError(
                "target_encoding=True encodes categories by their mean target: pass y to "
                "fit, or set target_encoding=False."
            )
        if self.target_encoding:
            check_consistent_length(X, y)
        before = dict(vars(self))
        try:
            self._fit(_as_frame(X), X, y, sample_weight)
        except BaseException:  # a failed fit leaves the preprocessor as it was
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
        return self

    def fit_transform(
        self, X: MatrixLike, y: ArrayLike | None = None, sample_weight: ArrayLike | None = None
    ) -> NDArray[np.float64]:
        """Fit, then transform X, its target-encoded columns cross-fitted.

        Unlike ``fit(X, y).transform(X)``, each row's target encoding comes
        from the other rows' targets (see ``target_encoding``).
        """
        self.fit(X, y, sample_weight)
        folds = self._cross_fitted(X, y, sample_weight, check_random_state(self.random_state))
        return self._transform(X, folds)

    def _fit(self, X, given, y, sample_weight):
        weights = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
        present = weights > 0
        kinds = {name: columns.column_kind(name, column) for name, column in X.items()}
        self._drop_ids(X, kinds, present)
        by_kind = {k: [] for k in ("numeric", "datetime", "timedelta", "categorical")}
        for name, kind in kinds.items():
            if name not in self.dropped_columns_:
                by_kind[kind].append(name)
        self.numeric_columns_, self.datetime_columns_ = by_kind["numeric"], by_kind["datetime"]
        self.timedelta_columns_ = by_kind["timedelta"]
        labels = {name: columns.labels(X[name]) for name in by_kind["categorical"]}
        many = {
            name
            for name in labels
            if self.target_encoding
            and columns.n_categories(labels[name], present) > self.max_categories
        }
        self.categorical_columns_ = [n for n in by_kind["categorical"] if n not in many]
        self.target_columns_ = [n for n in by_kind["categorical"] if n in many]
        dates = [columns.datetimes(n, X[n], _zone(X[n])) for n in self.datetime_columns_]
        self.datetime_zones_ = [date.dt.tz for date in dates]
        self.datetime_origins_ = np.array(
            [columns.origin(date, present) for date in dates], dtype=np.int64
        )
        self.datetime_cycles_ = [columns.varying_cycles(date, present) for date in dates]
        self.columns_ = list(X.columns)
        self._fit_numeric(self._numbers(X), weights)
        self.categories_ = [
            columns.kept_categories(labels[name], weights, self.max_categories)
            for name in self.categorical_columns_
        ]
        self._fit_target_encoding(labels, y, weights)
        validate_data(self, given, reset=True, skip_check_array=True)

    def _drop_ids(self, X, kinds, present):
        """``dropped_columns_``: the id-like columns, unless told to keep them (warns)."""
        self.dropped_columns_ = []
        if self.id_columns == "drop":
            self.dropped_columns_ = [
                name
                for name, kind in kinds.items()
                if columns.looks_like_ids(X[name], kind, present)
            ]
        if self.dropped_columns_:
            warnings.warn(columns.id_warning(self.dropped_columns_), UserWarning, stacklevel=4)

    def _fit_numeric(self, numbers, weights):
        self.median_ = np.array([weighted_quantile(c, weights, 0.5) for c in numbers.T])
        filled = np.where(np.isnan(numbers), self.median_, numbers).T
        self.center_, self.scale_ = np.zeros(len(filled)), np.ones(len(filled))
        if self.scaling is not None:
            pairs = [columns.centre_and_scale(c, weights, self.scaling) for c in filled]
            self.center_ = np.array([center for center, _ in pairs], dtype=np.float64)
            self.scale_ = np.array([scale for _, scale in pairs], dtype=np.float64)
        self.missing_columns_ = np.flatnonzero(np.isnan(numbers[weights > 0]).any(axis=0))
        self.bin_edges_ = []
        if self.bins is not None:
            quantiles = np.linspace(0.0, 1.0, self.bins + 1)
            for column in filled:
                self.bin_edges_.append(np.unique(weighted_quantiles(column, weights, quantiles)))

    def transform(self, X: MatrixLike) -> NDArray[np.float64]:
        """The float matrix of X: scaled numbers, missing-value indicators, bins,
        calendar cycles, one-hot categories and target encodings (see
        ``get_feature_names_out``)."""
        return self._transform(X)

    def _transform(self, X, target_encoded=None):
        """``transform``, or with ``target_encoded`` as its target-encoded columns."""
        check_is_fitted(self, "median_")
        X = self._frame(X)
        dates = self._dates(X)
        numbers = self._numbers(X, dates)
        missing = np.isnan(numbers)
        filled = np.where(missing, self.median_, numbers)
        scaled = (filled - self.center_) / self.scale_
        if self.clip is not None:
            scaled = smooth_clip(scaled, self.clip)
        blocks = [scaled, missing[:, self.missing_columns_].astype(np.float64)]
        for j, edges in enumerate(self.bin_edges_):
            blocks.append(piecewise_linear(filled[:, j], edges))
        for date, cycles in zip(dates, self.datetime_cycles_, strict=True):
            blocks.append(columns.cyclic_features(date, cycles))
        for name, (kept, other) in zip(self.categorical_columns_, self.categories_, strict=True):
            blocks.append(columns.one_hot(columns.labels(X[name]), kept, other))
        if target_encoded is None:
            target_encoded = self._target_encoded(X)
        return np.hstack([*blocks, target_encoded])

    def _frame(self, X):
        """X as a DataFrame of the training table's columns."""
        X = _as_frame(X)
        if list(X.columns) != self.columns_:  # an array after a DataFrame, or the reverse
            X = X.set_axis(self.columns_, axis=1)
        return X

    def _dates(self, X):
        """The date columns as datetimes, in the zones seen in fit."""
        return [
            columns.datetimes(name, X[name], zone)
            for name, zone in zip(self.datetime_columns_, self.datetime_zones_, strict=True)
        ]

    def _numbers(self, X, dates=None):
        """The numbers of X's rows: numeric columns, dates' elapsed days, durations' days."""
        dates = self._dates(X) if dates is None else dates
        blocks = [columns.floats(name, X[name]) for name in self.numeric_columns_]
        blocks += [
            columns.elapsed_days(date, origin)
            for date, origin in zip(dates, self.datetime_origins_, strict=True)
        ]
        blocks += [columns.duration_days(name, X[name]) for name in self.timedelta_columns_]
        numbers = np.column_stack(blocks) if blocks else np.empty((len(X), 0))
        infinite = np.isinf(numbers).any(axis=0)
        if infinite.any():
            names = [
                str(c) for c, inf in zip(self._number_columns(), infinite, strict=True) if inf
            ]
            raise ValueError(
                f"Input X contains infinity in column(s) {names}; missing values (NaN) are "
                "allowed, infinite ones are not."
            )
        return numbers

    def _number_columns(self):
        return [*self.numeric_columns_, *self.datetime_columns_, *self.timedelta_columns_]

    def get_feature_names_out(self, input_features: ArrayLike | None = None) -> NDArray[Any]:
        """Names of ``transform``'s columns, in order.

        A number keeps its column's name, with ``__days`` added for dates and
        durations; then come ``name__missing`` (missing-value indicators),
        ``name__bin0``, ``name__bin1``, ... (bins), ``name__dayofyear_sin``,
        ``name__dayofyear_cos``, ... (calendar cycles) and ``name=category``
        (one-hot columns; ``name=__missing__`` for missing values,
        ``name=__other__`` for the shared "other" column).

        Parameters
        ----------
        input_features : array-like of str, default=None
            The input columns' names: by default those seen in fit, or
            ``x0``, ``x1``, ... for an array.

        Returns
        -------
        ndarray of str objects
            One name per column of ``transform``'s output.
        """
        check_is_fitted(self, "median_")
        given = _check_feature_names_in(self, input_features)
        name = dict(zip(self.columns_, given, strict=True))
        days = {*self.datetime_columns_, *self.timedelta_columns_}
        bases = [name[c] for c in self._number_columns()]
        out = [name[c] + ("__days" if c in days else "") for c in self._number_columns()]
        out += [f"{bases[j]}__missing" for j in self.missing_columns_]
        for base, edges in zip(bases, self.bin_edges_, strict=False):
            out += [f"{base}__bin{k}" for k in range(max(len(edges) - 1, 0))]
        for column, cycles in zip(self.datetime_columns_, self.datetime_cycles_, strict=True):
            out += [f"{name[column]}__{c}_{f}" for c in cycles for f in ("sin", "cos")]
        for column, (kept, other) in zip(self.categorical_columns_, self.categories_, strict=True):
            out += [f"{name[column]}={'__missing__' if k is None else k}" for k in kept]
            out += [f"{name[column]}=__other__"] * other
        n_targets = len(getattr(self, "target_mean_", ()))
        for column in getattr(self, "target_columns_", []):
            out += [
                f"{name[column]}__target" + (f"{j}" if n_targets > 1 else "")
                for j in range(n_targets)
            ]
        return np.asarray(out, dtype=object)


def _zone(column):
    """A date column's time zone (None for naive datetimes and periods)."""
    return getattr(column.dtype, "tz", None)


def _as_frame(X):
    """A DataFrame of X's columns (an array's columns are named by position)."""
    if isinstance(X, pd.DataFrame):
        return X
    return pd.DataFrame(np.asarray(X))
