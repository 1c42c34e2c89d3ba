"""Estimators for tables: preprocessing built in, defaults chosen for tabular data.

A :class:`TabularClassifier` or :class:`TabularRegressor` is a
:class:`~skbp._preprocess.TabularPreprocessor` followed by a
:class:`~skbp.BackpropClassifier` or :class:`~skbp.BackpropRegressor`,
fitted together. Their defaults are a recipe for tabular data (see the
"Tabular data" page of the documentation); every ingredient is a parameter,
and the Backprop estimators keep scikit-learn's defaults.
"""

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    check_is_fitted,
    validate_data,
)

from . import _docs
from ._classifier import BackpropClassifier
from ._preprocess import SCALINGS, TabularPreprocessor
from ._regressor import BackpropRegressor
from ._state import VersionedState
from ._support import rollback_on_error

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


class _TabularBase(VersionedState, BaseEstimator):
    """A TabularPreprocessor and a Backprop network, fitted as one estimator."""

    _parameter_constraints: dict = {
        **{name: "no_validation" for name in NETWORK_PARAMS},  # the network checks its own
        "scaling": [StrOptions(set(SCALINGS)), None],
        "clip": [Interval(Real, 0, None, closed="neither"), None],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
        "bins": [Interval(Integral, 2, None, closed="left"), None],
        "dtype": [StrOptions({"float32", "float64"})],
    }

    def _fit_network(self, X, y, sample_weight, validation, network):
        X = self._check_X(X, reset=True)
        sample_weight = self._sample_weight(sample_weight, X)
        self.preprocessor_ = TabularPreprocessor(
            scaling=self.scaling,
            clip=None if self.clip is None else float(self.clip),
            bins=self.bins,
            max_categories=int(self.max_categories),
        ).fit(X, sample_weight=sample_weight)
        fit_params = {}
        if validation is not None:
            X_val, y_val, sample_weight_val = validation
            if X_val is not None:  # else the network says what is missing
                X_val = self._inputs(self._check_X(X_val, reset=False, name="X_val"))
            fit_params = {"X_val": X_val, "y_val": y_val, "sample_weight_val": sample_weight_val}
        network.set_params(batch_size=self._batch_size(len(X), validation))
        with warnings.catch_warnings():
            if self.n_iter_no_change == np.inf:  # a fixed budget of epochs, by design
                warnings.simplefilter("ignore", ConvergenceWarning)
            self.network_ = network.fit(self._inputs(X), y, sample_weight, **fit_params)
        return self

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

    def _batch_size(self, n_samples, validation):
        """The batch size, no larger than the rows trained on (small tables are one batch)."""
        if not isinstance(self.batch_size, Integral):
            return self.batch_size
        if self.early_stopping and validation is None:
            n_samples -= int(np.ceil(self.validation_fraction * n_samples))
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

    def _inputs(self, X):
        """The network's input matrix for validated X, in the network's dtype.

        float32 numbers always give a float32 network; otherwise ``dtype`` decides.
        """
        Xt = self.preprocessor_.transform(X)
        single = _all_float32(X) or self.dtype == "float32"
        return Xt.astype(np.float32) if single else Xt

    def _outputs(self, method, X):
        check_is_fitted(self, "network_")
        X = self._check_X(X, reset=False)
        return getattr(self.network_, method)(self._inputs(X))

    @property
    def loss_curve_(self):
        return self.network_.loss_curve_

    @property
    def n_iter_(self):
        return self.network_.n_iter_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.non_deterministic = False
        return tags


def _all_float32(X):
    if isinstance(X, pd.DataFrame):
        return len(X.columns) > 0 and all(dtype == np.float32 for dtype in X.dtypes)
    return getattr(X, "dtype", None) == np.float32


class TabularClassifier(ClassifierMixin, _TabularBase):
    __doc__ = _docs.TABULAR_CLASSIFIER

    _parameter_constraints: dict = {
        **_TabularBase._parameter_constraints,
        "label_smoothing": "no_validation",
        "class_weight": "no_validation",
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        activation="selu",
        *,
        dropout=0.15,
        alpha=0.0,
        weight_decay=0.01,
        batch_size=256,
        learning_rate="cosine",
        learning_rate_init=3e-3,
        warmup_fraction=0.05,
        beta_1=0.9,
        beta_2=0.95,
        max_iter=60,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=np.inf,
        tol=0.0,
        scoring=None,
        max_grad_norm=None,
        label_smoothing=0.1,
        class_weight=None,
        scaling="robust",
        clip=3.0,
        bins=None,
        max_categories=20,
        dtype="float32",
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.alpha = alpha
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.warmup_fraction = warmup_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.scoring = scoring
        self.max_grad_norm = max_grad_norm
        self.label_smoothing = label_smoothing
        self.class_weight = class_weight
        self.scaling = scaling
        self.clip = clip
        self.bins = bins
        self.max_categories = max_categories
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Preprocess X and train the network on it (see BackpropClassifier.fit)."""
        network = BackpropClassifier(
            **self._network_params(),
            label_smoothing=self.label_smoothing,
            class_weight=self.class_weight,
        )
        validation = _validation(X_val, y_val, sample_weight_val)
        with rollback_on_error(self):  # a failed fit leaves the estimator as it was
            self._fit_network(X, y, sample_weight, validation, network)
            self.classes_ = self.network_.classes_
        return self

    def predict(self, X):
        """Class labels for the rows of X (a DataFrame like the training one, or an array)."""
        return self._outputs("predict", X)

    def predict_proba(self, X):
        """Class probabilities for the rows of X, columns in the order of ``classes_``."""
        return self._outputs("predict_proba", X)

    def predict_log_proba(self, X):
        """Logarithms of :meth:`predict_proba`, computed from the logits."""
        return self._outputs("predict_log_proba", X)

    def decision_function(self, X):
        """The network's logits for the rows of X."""
        return self._outputs("decision_function", X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags


class TabularRegressor(RegressorMixin, _TabularBase):
    __doc__ = _docs.TABULAR_REGRESSOR

    _parameter_constraints: dict = {
        **_TabularBase._parameter_constraints,
        "loss": "no_validation",
        "scale_target": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        activation="mish",
        *,
        loss="squared_error",
        dropout=0.15,
        alpha=0.0,
        weight_decay=0.01,
        batch_size=256,
        learning_rate="cosine",
        learning_rate_init=3e-3,
        warmup_fraction=0.05,
        beta_1=0.9,
        beta_2=0.95,
        max_iter=60,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=np.inf,
        tol=0.0,
        scoring=None,
        max_grad_norm=None,
        scale_target=True,
        scaling="robust",
        clip=3.0,
        bins=16,
        max_categories=20,
        dtype="float32",
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.dropout = dropout
        self.alpha = alpha
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.warmup_fraction = warmup_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.scoring = scoring
        self.max_grad_norm = max_grad_norm
        self.scale_target = scale_target
        self.scaling = scaling
        self.clip = clip
        self.bins = bins
        self.max_categories = max_categories
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Preprocess X, standardise y and train the network (see BackpropRegressor.fit)."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        y = _check_y(y, multi_output=True, y_numeric=True, estimator=self)
        with rollback_on_error(self):  # a failed fit leaves the estimator as it was
            self._set_target_scaling(y, self._sample_weight(sample_weight, y))
            validation = _validation(X_val, y_val, sample_weight_val)
            if validation is not None and validation[1] is not None:
                y_val = _check_y(validation[1], multi_output=True, y_numeric=True, estimator=self)
                validation = (validation[0], self._scaled(y_val), validation[2])
            network = BackpropRegressor(loss=self.loss, **self._network_params())
            self._fit_network(X, self._scaled(y), sample_weight, validation, network)
        return self

    def _set_target_scaling(self, y, sample_weight):
        """Mean and standard deviation of y (weighted), or 0 and 1 without scaling."""
        self.target_mean_, self.target_scale_ = 0.0, 1.0
        if not self.scale_target or self.loss == "poisson":  # Poisson needs y >= 0
            return
        weights = sample_weight
        y = np.asarray(y, dtype=np.float64)
        self.target_mean_ = np.average(y, axis=0, weights=weights)
        spread = np.sqrt(np.average(np.square(y - self.target_mean_), axis=0, weights=weights))
        self.target_scale_ = np.where(spread > 0, spread, 1.0)

    def _scaled(self, y):
        return (np.asarray(y, dtype=np.float64) - self.target_mean_) / self.target_scale_

    def predict(self, X):
        """Targets for the rows of X, on the scale of the y fitted on."""
        y_hat = self._outputs("predict", X)
        return y_hat * self.target_scale_ + self.target_mean_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


def _validation(X_val, y_val, sample_weight_val):
    if X_val is None and y_val is None and sample_weight_val is None:
        return None
    return X_val, y_val, sample_weight_val
