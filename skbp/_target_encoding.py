"""Target encoding: a category stands for the mean target of its rows, shrunk towards the prior.

A categorical column with many categories pooled into a few one-hot columns
loses what tells its rarer categories apart. Target encoding keeps it: the
category ``c`` becomes, per target column ``j``, the weighted mean of that
column over the rows of ``c``, shrunk towards the mean over all rows (the
prior) by an empirical-Bayes weight (Micci-Barreca 2001):

    e_cj = lambda_cj * mean_cj + (1 - lambda_cj) * prior_j,
    lambda_cj = n_c * tau2_j / (n_c * tau2_j + sigma2_cj),

where ``n_c`` is the weight of the rows of ``c``, ``sigma2_cj`` the variance
of the target within ``c`` and ``tau2_j`` its variance over all rows. A
category that is both large and consistent keeps its own mean; a small or
noisy one falls back towards the prior; an unseen one is the prior. The
encodings are then standardized, ``(e - prior) / sqrt(tau2)``, so that 0 is
"no evidence either way".

Trained on, a row's own target would sit in its category's mean: a category
met once would encode its row's answer exactly, and the network would learn
to trust the encoding more than it deserves. The training rows are therefore
encoded *cross-fitted*: the rows are split into ``FOLDS`` folds, and a row's
encoding is computed from the other folds only (``cross_fitted_encodings``). New rows
get the encoding of all training rows (``category_encodings``).

The targets are numbers, one column each: a regression target as it is,
class labels as indicator columns (``indicator_targets``).
"""

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import check_is_fitted

from . import _columns as columns
from ._typing import MatrixLike

FOLDS = 5


def indicator_targets(y):
    """The targets to average: numbers as floats, class labels as indicator columns.

    A one-dimensional target of floats is a regression target; any other
    one-dimensional target holds class labels, and becomes one 0/1 column
    per class (one column, of the second class, for two classes). A
    two-dimensional target of numbers (several outputs, or labels'
    indicators) is taken as it is; of other labels, column by column.
    """
    y = np.asarray(y)
    if y.ndim == 2:
        if y.dtype.kind in "biuf":
            return y.astype(np.float64)
        return np.hstack([indicator_targets(column) for column in y.T])
    if y.dtype.kind == "f":
        return y.astype(np.float64)[:, None]
    classes, codes = np.unique(y.astype(str) if y.dtype == object else y, return_inverse=True)
    indicators = (codes.reshape(-1)[:, None] == np.arange(len(classes))).astype(np.float64)
    return indicators[:, 1:] if len(classes) == 2 else indicators


def _sums(codes, n_categories, targets, weights):
    """Per category: total weight, weighted sums of the targets and of their squares."""
    count = np.bincount(codes, weights=weights, minlength=n_categories)
    total = np.empty((n_categories, targets.shape[1]))
    square = np.empty_like(total)
    for j, column in enumerate(targets.T):
        total[:, j] = np.bincount(codes, weights=weights * column, minlength=n_categories)
        square[:, j] = np.bincount(codes, weights=weights * column**2, minlength=n_categories)
    return count, total, square


def _encodings(count, total, square, prior, variance):
    """The shrunk, standardized means of each category (0 where it has no weight)."""
    n = count[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        within = np.maximum(square / n - mean**2, 0.0)
        shrink = n * variance / (n * variance + within)
    scale = np.sqrt(variance)
    encoded = np.where(n > 0, shrink * (mean - prior), 0.0)
    encoded = np.where(scale > 0, encoded / np.where(scale > 0, scale, 1.0), 0.0)
    return np.nan_to_num(encoded)


def target_moments(targets, weights):
    """(prior, variance) of each target column over the weighted rows."""
    prior = np.average(targets, axis=0, weights=weights)
    variance = np.average((targets - prior) ** 2, axis=0, weights=weights)
    return prior, variance


def category_encodings(codes, n_categories, targets, weights, prior, variance):
    """Encodings of shape (n_categories, n_targets), learnt from all the given rows."""
    return _encodings(*_sums(codes, n_categories, targets, weights), prior, variance)


def cross_fitted_encodings(codes, n_categories, targets, weights, prior, variance, fold):
    """Each row's encoding learnt from the rows of the other folds (``fold``: each row's)."""
    encoded = np.empty((len(codes), targets.shape[1]))
    for k in np.unique(fold):
        rows, others = fold == k, fold != k
        sums = _sums(codes[others], n_categories, targets[others], weights[others])
        encoded[rows] = _encodings(*sums, prior, variance)[codes[rows]]
    return encoded


def folds(n_rows, rng):
    """Each row's fold, shuffled by ``rng`` (a numpy RandomState)."""
    return rng.permutation(np.arange(n_rows) % FOLDS)


class TargetEncoding:
    """The TabularPreprocessor's target-encoded columns: learnt in fit, then looked up."""

    target_columns_: list
    target_categories_: list
    target_encodings_: list
    target_mean_: NDArray[np.float64]
    target_variance_: NDArray[np.float64]
    _frame: Callable[[MatrixLike], pd.DataFrame]  # the training table's columns

    def _fit_target_encoding(self, labels, y, weights):
        self.target_categories_, self.target_encodings_ = [], []
        self.target_mean_ = self.target_variance_ = np.zeros(0)
        if not self.target_columns_:
            return
        targets = indicator_targets(y)
        if not np.isfinite(targets).all():
            raise ValueError(
                "y holds NaN or infinity, and target encoding averages it: drop those "
                "rows, or set target_encoding=False."
            )
        self.target_mean_, self.target_variance_ = target_moments(targets, weights)
        for k, name in enumerate(self.target_columns_):
            self.target_categories_.append(columns.kept_categories(labels[name], weights)[0])
            n_categories = len(self.target_categories_[k])
            encoded = category_encodings(
                self._category_codes(k, labels[name]),
                n_categories + 1,
                targets,
                weights,
                self.target_mean_,
                self.target_variance_,
            )  # the last row is that of the rows of weight 0 with unseen categories
            self.target_encodings_.append(encoded[:n_categories])

    def _category_codes(self, k, labels):
        """Each label's position among target-encoded column k's categories (unseen: last)."""
        position = {c: i for i, c in enumerate(self.target_categories_[k])}
        unseen = len(position)
        return np.array([position.get(label, unseen) for label in labels], dtype=np.intp)

    def _cross_fitted(
        self,
        X: MatrixLike,
        y: ArrayLike | None,
        sample_weight: ArrayLike | None,
        rng: np.random.RandomState,
    ) -> NDArray[np.float64] | None:
        """The target-encoded columns of X's rows, each from the other folds' rows.

        X and y are training rows; the encodings' categories, mean and
        variance are those learnt in fit. None without target-encoded columns.
        """
        check_is_fitted(self, "median_")
        if y is None or not getattr(self, "target_columns_", []):
            return None
        X = self._frame(X)
        weights = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
        targets, fold = indicator_targets(y), folds(len(X), rng)
        blocks = []
        for k, name in enumerate(self.target_columns_):
            codes = self._category_codes(k, columns.labels(X[name]))
            blocks.append(
                cross_fitted_encodings(
                    codes,
                    len(self.target_categories_[k]) + 1,
                    targets,
                    weights,
                    self.target_mean_,
                    self.target_variance_,
                    fold,
                )
            )
        return np.hstack(blocks)

    def _target_encoded(self, X):
        blocks = [np.empty((len(X), 0))]
        for k, name in enumerate(getattr(self, "target_columns_", [])):
            table = np.vstack([self.target_encodings_[k], np.zeros(len(self.target_mean_))])
            blocks.append(table[self._category_codes(k, columns.labels(X[name]))])
        return np.hstack(blocks)
