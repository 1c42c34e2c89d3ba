"""The estimators' contract with their callers: what fit accepts, checked and converted.

Everything here raises a ValueError that names the problem; nothing the
user passed in is modified.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    check_consistent_length,
    validate_data,
)

from ._core.activations import HIDDEN
from ._support import is_numeric, per_layer


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
            raise ValueError(
                f"{' and '.join(given)} need a stochastic solver ('sgd' or 'adam'): "
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
            y_val = _check_y(y_val, multi_output=True, y_numeric=self._numeric_target)
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
