"""Estimators for tables: preprocessing built in, defaults chosen for tabular data.

A :class:`TabularClassifier` or :class:`TabularRegressor` is a
:class:`~skbp._preprocess.TabularPreprocessor` followed by a
:class:`~skbp.BackpropClassifier` or :class:`~skbp.BackpropRegressor`,
fitted together. Their defaults are a recipe for tabular data (see the
"Tabular data" page of the documentation); every ingredient is a parameter,
and the Backprop estimators keep scikit-learn's defaults.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _check_y, check_is_fitted

from . import _tabular_docs
from ._classifier import BackpropClassifier
from ._core.calibration import fit_temperature
from ._labels import class_sample_weight, one_hot
from ._quantiles import mean_d2_pinball
from ._regressor import BackpropRegressor
from ._tabular_base import TabularBase
from ._typing import (
    CVLike,
    LayerSizes,
    MatrixLike,
    PerLayer,
    PerLayerRate,
    RandomStateLike,
    TargetLike,
)


class TabularClassifier(ClassifierMixin, TabularBase):
    __doc__ = _tabular_docs.TABULAR_CLASSIFIER

    _parameter_constraints: dict = {
        **TabularBase._parameter_constraints,
        "label_smoothing": "no_validation",
        "class_weight": "no_validation",
        "calibration": [StrOptions({"temperature"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes: LayerSizes = (256, 256),
        activation: PerLayer = "selu",
        *,
        dropout: PerLayerRate = 0.15,
        alpha: float = 0.0,
        weight_decay: float = 0.01,
        batch_size: int | str = 256,
        learning_rate: str = "cosine",
        learning_rate_init: float = 3e-3,
        warmup_fraction: float | None = 0.05,
        beta_1: float = 0.9,
        beta_2: float = 0.95,
        max_iter: int = 60,
        early_stopping: bool = True,
        validation_fraction: float = 0.2,
        n_iter_no_change: int | float = np.inf,
        tol: float = 0.0,
        scoring: str | Callable[..., float] | None = None,
        max_grad_norm: float | None = None,
        label_smoothing: float = 0.0,
        class_weight: Mapping[Any, float] | Sequence[Mapping[Any, float]] | str | None = None,
        calibration: str | None = "temperature",
        cv: CVLike = 3,
        scaling: str | None = "robust",
        clip: float | None = 3.0,
        bins: int | None = 16,
        max_categories: int = 20,
        target_encoding: bool = True,
        id_columns: str = "drop",
        dtype: str = "float32",
        random_state: RandomStateLike = None,
        verbose: bool | int = False,
        warm_start: bool = False,
    ) -> None:
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
        self.calibration = calibration
        self.cv = cv
        self.scaling = scaling
        self.clip = clip
        self.bins = bins
        self.max_categories = max_categories
        self.target_encoding = target_encoding
        self.id_columns = id_columns
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def _new_network(self):
        return BackpropClassifier()

    def _network_params(self):
        extra = {"label_smoothing": self.label_smoothing, "class_weight": self.class_weight}
        return {**super()._network_params(), **extra}

    def _stratify_by(self, y):
        """The labels to stratify folds by: y, or its one column (n, 1); None for several."""
        if y is None or sp.issparse(y) or np.ndim(y) > 2:
            return None
        if np.ndim(y) == 2:
            return np.asarray(y).ravel() if np.shape(y)[1] == 1 else None
        return y

    def _encoding_targets(self, y):
        """Labels as text (one indicator per class); a multilabel indicator matrix as is."""
        y = y.toarray() if sp.issparse(y) else np.asarray(y)
        y = y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y
        return y.astype(str) if y.ndim == 1 else y

    def _check_targets(self, y, name="y"):
        """The labels as given, once known to be all there: before the folds are drawn.

        Lists, arrays and pandas objects stay as they are (their labels, types
        included, are the network's to check); other array-likes become arrays.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires {name} to be passed, but the target "
                f"{name} is None."
            )
        missing = _first_missing(y)
        if missing is not None:
            advice = BackpropClassifier._missing_target_advice
            raise ValueError(f"{name} contains {missing}: {advice}.")
        if not isinstance(y, list | np.ndarray | pd.Series | pd.DataFrame) and not sp.issparse(y):
            y = np.asarray(y)
        return y

    def _validation_weight(self, y_val, sample_weight_val):
        """Validation rows weighted as training weighs them, by ``class_weight`` too, so
        that the kept epoch and the temperature serve the weighted objective."""
        if self.class_weight is None or sp.issparse(y_val):
            return sample_weight_val
        labels = np.asarray(y_val)
        labels = labels.ravel() if labels.ndim == 2 and labels.shape[1] == 1 else labels
        given = None if sample_weight_val is None else np.asarray(sample_weight_val, float)
        weights = class_sample_weight(self.class_weight, labels, given)
        return weights if given is None else weights * given

    def _folds_fit(self, y, pairs):
        """Whether every member trains on every class (of every output) of y."""
        labels = np.asarray(y.toarray() if sp.issparse(y) else y, dtype=object)
        columns = labels.reshape(len(labels), -1).T
        return all(
            len(set(column[train])) == len(set(column)) for train, _ in pairs for column in columns
        )

    def _attributes(self, network):
        return {"network_": network, "classes_": network.classes_}

    def _ensemble(self, members, held_out, temperature=1.0):
        temperature = self._temperature(members, held_out)
        return {**super()._ensemble(members, held_out, temperature), "temperature_": temperature}

    def _temperature(self, members, held_out):
        """T minimising the log-loss of the members' logits on the rows each held out.

        Each row's logits come from the one member that never trained on it;
        without validation rows (``early_stopping=False``) T is 1.
        """
        held_out = [(m, v) for m, v in zip(members, held_out, strict=True) if v is not None]
        if self.calibration is None or not held_out:
            return 1.0
        kind, classes = members[0]._kind, members[0].classes_
        logits = [m._forward(X_val, logits=True) for m, (X_val, _, _) in held_out]
        targets = [
            one_hot(np.asarray(y_val), kind, classes, np.float64) for _, (_, y_val, _) in held_out
        ]
        weights = [w for _, (_, _, w) in held_out]
        weights = None if any(w is None for w in weights) else np.concatenate(weights)
        loss = members[0]._network._loss
        return fit_temperature(loss, np.concatenate(targets), np.concatenate(logits), weights)

    def predict(self, X: MatrixLike) -> NDArray[Any]:
        """Class labels for the rows of X (a DataFrame like the training one, or an array)."""
        return self._outputs("predict", X)

    def predict_proba(self, X: MatrixLike) -> NDArray[Any] | list[NDArray[Any]]:
        """Class probabilities for the rows of X, columns in the order of ``classes_``."""
        return self._outputs("predict_proba", X)

    def predict_log_proba(self, X: MatrixLike) -> NDArray[Any] | list[NDArray[Any]]:
        """Logarithms of :meth:`predict_proba`, computed from the logits."""
        return self._outputs("predict_log_proba", X)

    def decision_function(self, X: MatrixLike) -> NDArray[Any] | list[NDArray[Any]]:
        """The network's logits for the rows of X."""
        return self._outputs("decision_function", X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags


def _first_missing(y):
    """How the first missing label of ``y`` reads ('None', 'NaN', '<NA>', 'infinity'), or None."""
    if y is None or sp.issparse(y):  # no y at all: the network says it is required
        return None
    labels = np.asarray(y, dtype=object).ravel()
    missing = labels[pd.isna(labels)]
    if missing.size == 0:
        numbers = np.asarray(y)
        if numbers.dtype.kind == "f" and np.isinf(numbers).any():
            return "infinity"
        return None
    first = missing[0]
    return "None" if first is None else "NaN" if isinstance(first, float) else repr(first)


class TabularRegressor(RegressorMixin, TabularBase):
    __doc__ = _tabular_docs.TABULAR_REGRESSOR

    _parameter_constraints: dict = {
        **TabularBase._parameter_constraints,
        "loss": "no_validation",
        "quantile": "no_validation",
        "scale_target": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes: LayerSizes = (256, 256),
        activation: PerLayer = "mish",
        *,
        loss: str = "squared_error",
        quantile: float | Sequence[float] = 0.5,
        dropout: PerLayerRate = 0.15,
        alpha: float = 0.0,
        weight_decay: float = 0.01,
        batch_size: int | str = 256,
        learning_rate: str = "cosine",
        learning_rate_init: float = 3e-3,
        warmup_fraction: float | None = 0.05,
        beta_1: float = 0.9,
        beta_2: float = 0.95,
        max_iter: int = 60,
        early_stopping: bool = True,
        validation_fraction: float = 0.2,
        n_iter_no_change: int | float = np.inf,
        tol: float = 0.0,
        scoring: str | Callable[..., float] | None = None,
        max_grad_norm: float | None = None,
        scale_target: bool = True,
        cv: CVLike = 3,
        scaling: str | None = "robust",
        clip: float | None = 3.0,
        bins: int | None = 16,
        max_categories: int = 20,
        target_encoding: bool = True,
        id_columns: str = "drop",
        dtype: str = "float32",
        random_state: RandomStateLike = None,
        verbose: bool | int = False,
        warm_start: bool = False,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.quantile = quantile
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
        self.cv = cv
        self.scaling = scaling
        self.clip = clip
        self.bins = bins
        self.max_categories = max_categories
        self.target_encoding = target_encoding
        self.id_columns = id_columns
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def _new_network(self):
        return BackpropRegressor()

    def _network_params(self):
        return {**super()._network_params(), "loss": self.loss, "quantile": self.quantile}

    def _check_targets(self, y, name="y"):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires {name} to be passed, but the target "
                f"{name} is None."
            )
        return _check_y(y, multi_output=True, y_numeric=True, estimator=self)

    def _network_targets(self, y):
        return self._scaled(y)

    def _encoding_targets(self, y):
        return np.asarray(y, dtype=np.float64)  # counts too are numbers, not classes

    def _attributes(self, network):
        return {"network_": network, "quantiles_": network.quantiles_}

    def _fit_targets(self, y, sample_weight):
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

    def predict(self, X: MatrixLike) -> NDArray[Any]:
        """Targets for the rows of X, on the scale of the y fitted on."""
        y_hat = self._outputs("predict", X)
        return y_hat * self.target_scale_ + self.target_mean_

    def score(self, X: MatrixLike, y: TargetLike, sample_weight: ArrayLike | None = None) -> float:
        """R² of ``predict``; with several quantiles, their mean D² pinball score.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Test rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.

        Returns
        -------
        score : float
            As :meth:`BackpropRegressor.score <skbp.BackpropRegressor.score>`.
        """
        check_is_fitted(self, "network_")
        if self.quantiles_ is None:
            return super().score(X, y, sample_weight=sample_weight)
        return mean_d2_pinball(y, self.predict(X), self.quantiles_, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
