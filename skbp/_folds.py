"""The folds of a tabular estimator's cross-fitted networks (its ``cv`` parameter).

Network i trains on every fold but fold i and is early-stopped on fold i, so
each row is trained on by all networks but one and validates that one.
"""

import warnings
from numbers import Integral

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target


def fold_plan(cv, validates_on_rows):
    """None for one network; else ``cv`` folds: a count, or the (train, val) pairs given.

    Folds are drawn only where the networks validate on the rows themselves
    (early stopping without a validation set).
    """
    if not validates_on_rows or cv is None:
        return None
    if isinstance(cv, Integral):
        return cv
    if hasattr(cv, "split"):  # a splitter, whose folds depend on the rows: drawn later
        return cv.get_n_splits()
    return list(cv)  # (train, val) index pairs


def n_networks(plan):
    return 1 if plan is None else plan if isinstance(plan, Integral) else len(plan)


def draw_folds(cv, X, labels, rng):
    """The (train, val) pairs of ``cv``: for a count, shuffled, stratified by class where
    every class fills them; else the splitter's."""
    if not isinstance(cv, Integral):
        return list(cv.split(X, labels))
    if len(X) < 2 * cv:  # a fold's score needs two rows
        raise ValueError(
            f"cv={cv} splits the rows into {cv} folds that each validate a network, but "
            f"n_samples={len(X)}: too few (2 a fold at least). Set cv=None, pass a "
            "validation set (X_val, y_val), set early_stopping=False, or fit on more rows."
        )
    seed = rng.randint(np.iinfo(np.int32).max)
    if _stratifiable(labels) and _smallest_class(labels) >= cv:
        return list(StratifiedKFold(cv, shuffle=True, random_state=seed).split(X, labels))
    return list(KFold(cv, shuffle=True, random_state=seed).split(X))


def rows_at(X, y, sample_weight, encoded, rows):
    """(X, y, sample_weight, encoded) at ``rows`` (``encoded``: target encodings, or None)."""
    weights = None if sample_weight is None else sample_weight[rows]
    encoded = None if encoded is None else encoded[rows]
    return _safe_indexing(X, rows), _safe_indexing(y, rows), weights, encoded


def _stratifiable(labels):
    if labels is None:
        return False
    with warnings.catch_warnings():  # non-finite labels: the network's checks say so
        warnings.simplefilter("ignore", RuntimeWarning)
        return type_of_target(labels) in ("binary", "multiclass")


def _smallest_class(labels):
    try:
        return np.unique(labels, return_counts=True)[1].min()
    except TypeError:  # labels of mixed types: the label checks name them later
        return 0
