"""What the tabular estimators share: a preprocessor and a network, fitted as one.

The network trains inside the tabular estimator (see :class:`skbp._run.Outer`):
callbacks report its epochs as the tabular estimator's, and scorers score
the tabular estimator on the raw validation rows, in the target's own units.
Early stopping therefore holds out rows of the table as given, not of the
network's inputs.
"""

import copy
import warnings
from numbers import Integral, Real
from typing import Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing, check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from ._core.ensemble import Ensemble
from ._folds import draw_folds, fold_plan, n_networks, rows_at
from ._preprocess import SCALINGS, TabularPreprocessor
from ._run import Outer
from ._solvers import _stratification
from ._state import VersionedState
from ._support import rollback_on_error
from ._typing import MatrixLike, TargetLike

# The parameters the network takes as they are.
NETWORK_PARAMS = (
    "hidden_layer_sizes",
    "activation",
    "dropout",
    "alpha",
    "weight_decay",
    "batch_size",
    "learning_rate",
    "learning_rate_init",
    "warmup_fraction",
    "beta_1",
    "beta_2",
    "max_iter",
    "early_stopping",
    "validation_fraction",
    "n_iter_no_change",
    "tol",
    "scoring",
    "max_grad_norm",
    "random_state",
    "verbose",
)

# Rows preprocessed at a time (see ``_inputs``).
TRANSFORM_ROWS = 8192

# The network's record of its training, which the tabular estimators show as their own.
RECORDS = (
    "loss_",
    "loss_curve_",
    "best_loss_",
    "n_iter_",
    "validation_scores_",
    "validation_loss_curve_",
    "best_validation_score_",
    "best_iteration_",
)


class TabularBase(CallbackSupportMixin, VersionedState, BaseEstimator):
    """A TabularPreprocessor and a Backprop network, fitted as one estimator.

    The network trains inside this estimator (see :class:`skbp._run.Outer`):
    callbacks report its epochs as this estimator's, and scorers score this
    estimator on the raw validation rows, in the target's own units.
    """

    _parameter_constraints: dict = {
        **{name: "no_validation" for name in NETWORK_PARAMS},  # the network checks its own
        "scaling": [StrOptions(set(SCALINGS)), None],
        "clip": [Interval(Real, 0, None, closed="neither"), None],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
        "bins": [Interval(Integral, 2, None, closed="left"), None],
        "dtype": [StrOptions({"float32", "float64"})],
        "id_columns": [StrOptions({"drop", "keep"})],
        "target_encoding": ["boolean"],
        "cv": [Interval(Integral, 2, None, closed="left"), "cv_object", None],
        "warm_start": ["boolean"],
    }

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(
        self,
        X: MatrixLike,
        y: TargetLike,
        sample_weight: ArrayLike | None = None,
        *,
        X_val: MatrixLike | None = None,
        y_val: TargetLike | None = None,
        sample_weight_val: ArrayLike | None = None,
    ) -> Self:
        """Preprocess X and train the network on it.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The table as it is: numbers, booleans, categories, text and
            missing values.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classifier) or targets (regressor).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights, used by the preprocessing statistics,
            the target scaling and the loss; None weighs rows equally.
        X_val : DataFrame or array-like of shape (n_val, n_features), default=None
            Validation rows, in the same form as X; with ``early_stopping``
            they replace the ``validation_fraction`` split.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Their labels or targets; required with ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Their weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, validation_set(X_val, y_val, sample_weight_val))

    def _fit(self, X, y, sample_weight, validation):
        """Preprocess X (first fit only), then train each member inside this estimator."""
        warm = self.warm_start and hasattr(self, "network_")
        self._network_to_train(warm, 0)  # the network's parameters checked before any work
        folds = fold_plan(self.cv, validation is None and self.early_stopping)
        ctx = self._init_callback_context(max_subtasks=self.max_iter * n_networks(folds))
        passed = (X, y, sample_weight)  # what callbacks see, each epoch included
        given = {"X": X, "y": y, "metadata": _metadata(sample_weight)}
        ctx.call_on_fit_task_begin(estimator=self, **given)
        with rollback_on_error(self):  # a failed fit leaves the estimator as it was
            X = self._check_X(X, reset=not warm)
            y = self._check_targets(y)
            check_consistent_length(X, y)
            sample_weight = self._sample_weight(sample_weight, X)
            targets = self._encoding_targets(y) if self.target_encoding else None
            if not warm:
                self._fit_targets(y, sample_weight)
                self.preprocessor_ = self._preprocessor().fit(X, targets, sample_weight)
            rng = check_random_state(self.random_state)
            encoded = self.preprocessor_._cross_fitted(X, targets, sample_weight, rng)
            members, held_out = [], []
            parts = self._member_data(X, y, sample_weight, encoded, validation, folds, rng)
            for i, (seed, rows, member_validation) in enumerate(parts):
                network, fit_validation = self._train_member(
                    ctx, passed, warm, i, seed, rows, member_validation
                )
                members.append(network)
                held_out.append(fit_validation)
            vars(self).update(self._ensemble(members, held_out))
        ctx.call_on_fit_task_end(estimator=self, reconstruction_attributes={}, **given)
        return self

    def _member_data(self, X, y, sample_weight, encoded, validation, folds, rng):
        """Each member's (seed, its rows, its validation rows): all rows held out once.

        Rows are (X, y, sample_weight, encoded): ``encoded`` holds the training
        rows' cross-fitted target encodings (None: the preprocessor's own).
        """
        if folds is None:
            if validation is None and self.early_stopping:
                rows, validation = self._hold_out(X, y, sample_weight, encoded)
            else:
                rows = (X, y, sample_weight, encoded)
            yield self.random_state, rows, validation
            return
        pairs = (
            folds if isinstance(folds, list) else draw_folds(self.cv, X, self._stratify_by(y), rng)
        )
        if not self._folds_fit(y, pairs):
            if not isinstance(self.cv, Integral):
                raise ValueError(
                    "The cv folds leave a class out of some network's training rows; "
                    "give folds whose training rows hold every class, or an int cv."
                )
            # Too few rows of some class for a fold of each: one network, as with cv=None.
            yield from self._member_data(X, y, sample_weight, encoded, validation, None, rng)
            return
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(pairs))
        table = (X, y, sample_weight, encoded)
        for seed, (train, val) in zip(seeds, pairs, strict=True):
            yield seed, rows_at(*table, train), rows_at(*table, val)

    def _train_member(self, ctx, passed, warm, i, seed, rows, validation):
        """Member ``i`` trained on ``rows``; returns it and its validation as trained on."""
        network = self._network_to_train(warm, i)
        network.set_params(random_state=seed)
        fit_data = self._network_data(*rows, validation)
        network.set_params(batch_size=self._batch_size(len(fit_data[0])))
        outer = Outer(self, ctx, passed, validation and validation[:2], self._attributes)
        with warnings.catch_warnings():
            if self.n_iter_no_change == np.inf:  # a fixed budget of epochs, by design
                warnings.simplefilter("ignore", ConvergenceWarning)
            network._fit_inside(outer, *fit_data)
        return network, fit_data[3]

    def _ensemble(self, members, held_out, temperature=1.0):
        """The fitted attributes: the members, and the network that predicts their mean.

        ``temperature`` divides every member's logits (the classifier's calibration).
        """
        network = members[0]
        if len(members) > 1 or temperature != 1.0:
            network = copy.copy(members[0])
            network._network = Ensemble([m._network for m in members], temperature)
        return {**self._attributes(network), "networks_": members}

    def _network_to_train(self, warm, i):
        """Member ``i`` to train: for a warm start the fitted one, if any, else a new one."""
        fitted = getattr(self, "networks_", [self.network_]) if warm else []
        network = copy.copy(fitted[i]) if i < len(fitted) else self._new_network()
        network.set_params(**self._network_params(), warm_start=i < len(fitted))
        try:
            network._validate_params()
        except InvalidParameterError as exc:  # the user set the parameter here, not there
            message = str(exc).replace(type(network).__name__, type(self).__name__)
            raise InvalidParameterError(message) from None
        return network

    def _network_data(self, X, y, sample_weight, encoded, validation):
        """(X, y, sample_weight, validation) as the network takes them: preprocessed."""
        if validation is not None:
            X_val, y_val, sample_weight_val, *encoded_val = validation
            if X_val is not None:  # else the network says what is missing
                X_val = self._check_X(X_val, reset=False, name="X_val")
                X_val = self._inputs(X_val, *encoded_val)
            if y_val is not None:
                y_val = self._network_targets(self._check_targets(y_val, "y_val"))
                sample_weight_val = self._validation_weight(y_val, sample_weight_val)
            validation = (X_val, y_val, sample_weight_val)
        return self._inputs(X, encoded), self._network_targets(y), sample_weight, validation

    def _hold_out(self, X, y, sample_weight, encoded):
        """Split off ``validation_fraction`` of the rows for early stopping, as given."""
        n_val = int(np.ceil(self.validation_fraction * len(X)))
        if n_val < 2 or len(X) - n_val < 1:  # a score needs two rows, training one
            raise ValueError(
                f"early_stopping=True holds out validation_fraction="
                f"{self.validation_fraction} of the rows, {n_val} of {len(X)}: too few "
                "to validate on (2 at least) or to train on. Pass a validation set "
                "(X_val, y_val), set early_stopping=False, or fit on more rows."
            )
        stratify = _stratification(self._stratify_by(y), self.validation_fraction)
        train, val = train_test_split(
            np.arange(len(X)),
            test_size=n_val,
            random_state=check_random_state(self.random_state),
            stratify=stratify,
        )
        table = (X, y, sample_weight, encoded)
        return rows_at(*table, train), rows_at(*table, val)

    def _stratify_by(self, y):
        return None

    def _folds_fit(self, y, pairs):
        """Whether the folds suit the targets (the classifier's: every class in training)."""
        return True

    def _validation_weight(self, y_val, sample_weight_val):
        """The validation rows' weights (the classifier's include its class weights)."""
        return sample_weight_val

    def _check_targets(self, y, name="y"):
        return y

    def _fit_targets(self, y, sample_weight):
        """Learn what the targets need (the regressor's scaling) on a first fit."""

    def _network_targets(self, y):
        return y

    def _encoding_targets(self, y):
        """The targets the preprocessor's target encoding averages."""
        return y

    def _attributes(self, network):
        """This estimator's fitted attributes around the fitted network ``network``."""
        return {"network_": network}

    def _preprocessor(self):
        return TabularPreprocessor(
            scaling=self.scaling,
            clip=None if self.clip is None else float(self.clip),
            bins=self.bins,
            max_categories=int(self.max_categories),
            target_encoding=self.target_encoding,
            id_columns=self.id_columns,
        ).set_output(transform="default")  # the network takes arrays, whatever set_config says

    def _sample_weight(self, sample_weight, X):
        """The weights validated up front: the preprocessing and target scaling use them."""
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if not sample_weight.any():
            raise ValueError("Sample weights must contain at least one non-zero number.")
        return sample_weight

    def _batch_size(self, n_samples):
        """The batch size, no larger than the rows trained on (small tables are one batch)."""
        if not isinstance(self.batch_size, Integral):
            return self.batch_size
        return max(1, min(self.batch_size, n_samples))

    def _network_params(self):
        return {name: getattr(self, name) for name in NETWORK_PARAMS}

    def _check_X(self, X, reset, name="X"):
        """Feature names and count checked; arrays validated, allowing NaN and text."""
        if isinstance(X, pd.DataFrame):
            validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] == 0:
                raise ValueError(f"{name} has 0 samples; at least 1 is required.")
            return X
        return validate_data(self, X, reset=reset, dtype=None, ensure_all_finite="allow-nan")

    def _inputs(self, X, encoded=None):
        """The network's input matrix for validated X, in the network's dtype.

        float32 numbers always give a float32 network; otherwise ``dtype``
        decides. ``encoded``: the rows' own target encodings (training rows').
        """
        single = _all_float32(X) or self.dtype == "float32"
        dtype = np.float32 if single else np.float64
        Xt = None
        # Block by block into the network's dtype: the preprocessor's float64
        # blocks never exist for all rows at once, beside the matrix itself.
        for rows in gen_batches(len(X), TRANSFORM_ROWS):
            block = self.preprocessor_._transform(
                _safe_indexing(X, rows), None if encoded is None else encoded[rows]
            )
            if Xt is None:
                Xt = np.empty((len(X), block.shape[1]), dtype=dtype)
            Xt[rows] = block
        return Xt

    def _outputs(self, method, X):
        check_is_fitted(self, "network_")
        X = self._check_X(X, reset=False)
        return getattr(self.network_, method)(self._inputs(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.non_deterministic = False
        return tags


def _record(name):
    """The network's training record ``name``, as an attribute of the tabular estimator."""

    def get(self):
        if "network_" not in vars(self):
            raise AttributeError(f"This {type(self).__name__} has no {name} before it is fitted.")
        return getattr(self.network_, name)

    return property(get, doc=f"The network's ``{name}`` (see the Attributes section).")


for _name in RECORDS:
    setattr(TabularBase, _name, _record(_name))


def _metadata(sample_weight):
    return None if sample_weight is None else {"sample_weight": sample_weight}


def _all_float32(X):
    if isinstance(X, pd.DataFrame):
        return len(X.columns) > 0 and all(dtype == np.float32 for dtype in X.dtypes)
    return getattr(X, "dtype", None) == np.float32


def validation_set(X_val, y_val, sample_weight_val):
    """The validation set given to fit, or None."""
    if X_val is None and y_val is None and sample_weight_val is None:
        return None
    return X_val, y_val, sample_weight_val
