"""The estimators' contract with their callers: what fit accepts, checked and converted.

Everything here raises a ValueError that names the problem; nothing the
user passed in is modified.
"""

import re
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import check_scoring
from sklearn.utils.sparsefuncs import mean_variance_axis
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    check_consistent_length,
    validate_data,
)

from ._core.activations import HIDDEN
from ._support import is_numeric, per_layer

# scikit-learn's messages for a NaN or an infinity in y (which it calls "Input y" or,
# for labels of dtype object, just "Input").
_NOT_FINITE = re.compile(r"Input (?:y )?contains (?P<what>NaN|infinity)")


def _some_weight(weights):
    if not weights.any():  # scikit-learn 1.9 checks this too; 1.8 lets it through
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return weights


class InputChecks:
    """Validation of the data and parameters a fit receives (a mixin of BaseBackprop)."""

    def _validate_training_data(self, X, y, first_pass):
        dtype = (np.float64, np.float32) if first_pass else self._network.dtype
        # Casting to a float32 network's dtype overflows for values beyond its
        # range: validate_data's finiteness check then says so, without numpy's
        # RuntimeWarning first.
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                X, y = validate_data(
                    self,
                    X,
                    y,
                    accept_sparse=["csr", "csc"],
                    dtype=dtype,
                    multi_output=True,
                    y_numeric=self._numeric_target,
                    reset=first_pass,
                )
        except ValueError as exc:
            missing = self._missing_targets(exc, "y")
            if missing is not None:
                raise missing from exc
            if "could not convert" not in str(exc):
                raise
            if is_numeric(X):  # then y, of dtype object, is what failed
                raise self._non_numeric_y(exc) from exc
            raise ValueError(
                f"X must be numeric ({exc}); encode text columns first, for "
                "example with a OneHotEncoder in a ColumnTransformer."
            ) from exc
        if self._numeric_target and y.dtype.kind not in "biuf":  # e.g. a str array
            raise self._non_numeric_y(f"got dtype {y.dtype}")
        return X, y

    # What to do about a missing target (a classifier says "label").
    _missing_target_advice = (
        "every target must be a finite number; drop the rows whose target is missing"
    )

    def _missing_targets(self, exc, name):
        """scikit-learn's 'Input y contains NaN', naming ``name`` and the remedy; else None."""
        found = _NOT_FINITE.match(str(exc))
        if found is None:
            return None
        return ValueError(f"{name} contains {found['what']}: {self._missing_target_advice}.")

    def _non_numeric_y(self, detail):
        return ValueError(
            f"y must be numeric for {type(self).__name__} ({detail}); use "
            "BackpropClassifier for class labels."
        )

    def _validate_sample_weight(self, sample_weight, X, y, incremental):
        """The user's weights, validated; and those times what the task adds (class weights).

        Training follows the second; scores are weighted by the first, as
        ``score`` is.
        """
        if sample_weight is not None:
            sample_weight = _some_weight(
                _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
            )
        weights = self._task_sample_weight(y, sample_weight, X.dtype, incremental)
        return sample_weight, None if weights is None else _some_weight(weights)

    def _hidden_layers(self):
        """Validated ``(sizes, activations, dropout rates)``, one entry per hidden layer."""
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes))
        if sizes.ndim != 1 or not all(
            isinstance(s, Integral | np.integer) and s > 0 for s in sizes.tolist()
        ):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}."
            )
        sizes = [int(s) for s in sizes]
        activations = per_layer("activation", self.activation, len(sizes))
        unknown = [a for a in activations if a not in HIDDEN]
        if unknown:
            raise ValueError(
                f"activation {unknown[0]!r} is not one of {sorted(HIDDEN)} (got "
                f"activation={self.activation!r})."
            )
        rates = per_layer("dropout", self.dropout, len(sizes))
        if not all(isinstance(r, Real) and 0 <= r < 1 for r in rates):
            raise ValueError(f"dropout rates must be in [0, 1), got dropout={self.dropout!r}.")
        if self.solver == "lbfgs" and any(rates):
            raise ValueError(
                "dropout needs a stochastic solver ('sgd' or 'adam'): it makes the loss "
                "random, which L-BFGS cannot minimise."
            )
        return sizes, activations, tuple(float(r) for r in rates)

    def _check_training_options(self):
        """Refuse a scorer that does not exist, and settings the solver would ignore."""
        if self.scoring not in (None, "loss"):
            check_scoring(self, self.scoring)  # a bad name fails now, not at the first epoch
        if self.solver != "lbfgs":
            return
        given = [
            f"{name}={value!r}"
            for name, value, off in (
                ("weight_decay", self.weight_decay, 0),
                ("max_grad_norm", self.max_grad_norm, None),
            )
            if value != off
        ]
        if given:
            verb = "needs" if len(given) == 1 else "need"
            raise ValueError(
                f"{' and '.join(given)} {verb} a stochastic solver ('sgd' or 'adam'): "
                "L-BFGS takes no steps of its own to decay or clip. Use alpha to "
                "regularise an L-BFGS fit."
            )

    def _validation_data(self, X_val, y_val, sample_weight_val, dtype):
        """A validation set given to fit, validated: ``(X, Y, loss weights, y, score weights)``.

        The validation loss is weighted as training is, by the user's weights
        times the class weights (with 'balanced', classes weigh equally in it);
        the validation score by the user's weights alone, as ``score`` is.
        """
        if X_val is None or y_val is None:
            given = [n for n, v in (("X_val", X_val), ("y_val", y_val)) if v is not None]
            raise ValueError(
                f"fit got {' and '.join(given) or 'sample_weight_val'} without "
                f"{'y_val' if X_val is not None else 'X_val'}: a validation set needs "
                "both X_val and y_val."
            )
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                X_val = validate_data(
                    self, X_val, accept_sparse=["csr", "csc"], dtype=dtype, reset=False
                )
            try:
                y_val = _check_y(y_val, multi_output=True, y_numeric=self._numeric_target)
            except ValueError as exc:
                missing = self._missing_targets(exc, "y_val")
                if missing is None:
                    raise
                raise missing from exc
            check_consistent_length(X_val, y_val)
            Y_val = self._encode_targets(y_val, dtype, False, None, False)
        except ValueError as exc:
            # The remedy offered for training data (a new model) does not apply here.
            detail = str(exc).split("; set warm_start=False")[0]
            raise ValueError(f"Invalid validation set (X_val, y_val): {detail}") from exc
        try:
            sample_weight_val, weights = self._validate_sample_weight(
                sample_weight_val, X_val, y_val, False
            )
        except ValueError as exc:
            raise ValueError(f"Invalid sample_weight_val: {exc}") from exc
        return X_val, Y_val, weights, y_val, sample_weight_val


class ValidationDataWarning(UserWarning):
    """X_val does not look like the training data as the network sees it.

    Raised when, on most features, X_val's mean lies far from X's or its
    spread differs from X's by a large factor: the sign of a validation set
    that skipped the transformations the training data went through (in a
    :class:`~sklearn.pipeline.Pipeline` without ``transform_input=["X_val"]``).
    """


# Below this many rows a validation set's means and spreads say too little.
_MIN_VALIDATION_ROWS = 10
# How far the median feature of X_val may be from X's: in standard deviations for
# the mean, and in log(factor) for the spread. Random splits of real data sets stay
# below 0.9 from 10 rows on; a standardized X against a raw X_val is beyond 2.2.
_FAR = 1.5
# The statistics are taken on at most this many rows (evenly spaced): enough to
# tell a transformed feature from a raw one, and cheap on any data set.
_STAT_ROWS = 10_000


def warn_if_untransformed(X, X_val, stacklevel=2):
    """Warn (ValidationDataWarning) if X_val looks as if it skipped X's transformations.

    ``X`` is the training data and ``X_val`` the validation data as the
    network sees them (validated: dense or CSR/CSC, of float dtype). Per
    feature of X with a spread, the distance is the larger of
    ``|mean(X_val) - mean(X)| / std(X)`` and ``|log(std(X_val) / std(X))|``;
    the warning fires when its median over those features exceeds 1.5.
    """
    if X_val.shape[0] < _MIN_VALIDATION_ROWS:
        return
    mean, std = _column_stats(X)
    mean_val, std_val = _column_stats(X_val)
    spread = np.isfinite(mean) & np.isfinite(std) & (std > 0)
    spread &= np.isfinite(mean_val) & np.isfinite(std_val)
    if not spread.any():
        return
    shift = np.abs(mean_val[spread] - mean[spread]) / std[spread]
    # A feature constant in X_val tells nothing about its spread: count no distance.
    with np.errstate(divide="ignore"):
        log_ratio = np.where(std_val[spread] > 0, np.log(std_val[spread] / std[spread]), 0.0)
    if np.median(np.maximum(shift, np.abs(log_ratio))) <= _FAR:
        return
    warnings.warn(
        "X_val does not look like the training data as the network sees it: on the "
        f"median feature its mean lies {np.median(shift):.2g} standard deviations from "
        f"X's, and its spread is {np.exp(np.median(log_ratio)):.2g} times X's. Did it "
        "skip the transformations X went through? In a Pipeline the steps before the "
        "network transform X_val only when asked to: Pipeline(..., "
        'transform_input=["X_val"]), with metadata routing enabled '
        "(sklearn.set_config(enable_metadata_routing=True)) and "
        "set_fit_request(X_val=True, y_val=True) on the network. If X_val did go "
        "through them, it comes from another distribution than X.",
        ValidationDataWarning,
        stacklevel=stacklevel + 1,
    )


def _column_stats(A):
    """Per-column mean and standard deviation, in float64, of at most _STAT_ROWS rows."""
    A = A[:: -(-A.shape[0] // _STAT_ROWS)]
    with np.errstate(all="ignore"):  # values near float's limits give inf, then skipped
        if sp.issparse(A):
            mean, var = mean_variance_axis(A.tocsr().astype(np.float64), axis=0)
        else:
            A = np.asarray(A, dtype=np.float64)
            mean, var = A.mean(axis=0), A.var(axis=0)
    return mean, np.sqrt(var)
