"""Regression: real-valued targets, one or several outputs."""

from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if

from . import _docs, _quantiles
from ._base import BaseBackprop
from ._typing import LayerSizes, MatrixLike, PerLayer, PerLayerRate, RandomStateLike, TargetLike


class BackpropRegressor(RegressorMixin, BaseBackprop):
    __doc__ = (
        """Multi-layer perceptron regressor trained by backpropagation.

    A drop-in for :class:`sklearn.neural_network.MLPRegressor`: same
    parameters, defaults and fitted attributes. Targets may have several
    columns; predictions keep the shape of the ``y`` it was fitted on, except
    with several quantiles (one column per quantile).

    Parameters
    ----------
    loss : {'squared_error', 'poisson', 'absolute_error', 'huber', \
            'quantile'}, default='squared_error'
        Per-sample error, summed over outputs: half the squared error
        ``1/2 ||y - y_hat||**2``; half the Poisson deviance with ``exp``
        outputs (targets must then be non-negative); the absolute error
        ``|y - y_hat|`` (predicts the conditional median); Huber's loss,
        squared within ``huber_delta`` of the target and absolute beyond
        (robust to outliers); or the pinball loss of the ``quantile``-th
        quantile. The last three are not smooth (Huber's has no second
        derivative at ``huber_delta``; the others have a kink at 0): the
        stochastic solvers handle that, while L-BFGS, which assumes a smooth
        loss, may stop early with a ``ConvergenceWarning``.
"""
        + _docs.PARAMETERS
        + """
    huber_delta : float, default=1.0
        Threshold of ``loss='huber'``: residuals up to it are squared, larger
        ones count linearly. (``alpha`` and ``epsilon`` already name the
        penalty and Adam's constant.)

    quantile : float or array-like of float, default=0.5
        The quantile, in (0, 1), that ``loss='quantile'`` estimates; 0.5 is
        the median. A sequence of distinct quantiles, each in (0, 1), trains
        one network with one output unit per quantile, each with its own
        pinball loss (the per-sample error sums over them): ``predict`` then
        returns an array of shape (n_samples, n_quantiles), its columns in
        increasing order of quantile (``quantiles_``) and never crossing
        (see Notes). Several quantiles need a single target (a 1-D ``y``);
        for several targets, fit one model per target column.

    Attributes
    ----------
    out_activation_ : str
        Output activation: 'exp' for Poisson, 'identity' for every other loss.

    quantiles_ : ndarray of shape (n_quantiles,) or None
        With ``loss='quantile'`` and a sequence of quantiles, those
        quantiles in increasing order: column j of ``predict`` estimates
        quantile ``quantiles_[j]``. None otherwise (a float ``quantile``
        keeps the shape of ``y``).
"""
        + _docs.ATTRIBUTES
        + """
    See Also
    --------
    BackpropClassifier : The same network for classification.

    Notes
    -----"""
        + _docs.NOTES
        + _quantiles.NOTES
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skbp import BackpropRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(200, 1))
    >>> y = np.sin(X).ravel()
    >>> reg = BackpropRegressor(hidden_layer_sizes=(20,), solver="lbfgs",
    ...                         max_iter=1000, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    >>> reg.predict(X[:2]).shape
    (2,)

    Several quantiles at once, for an 80% prediction interval and the median:

    >>> y_noisy = y + rng.normal(scale=0.3, size=200)
    >>> intervals = BackpropRegressor(loss="quantile", quantile=[0.9, 0.1, 0.5],
    ...                               hidden_layer_sizes=(20,), tol=1e-3,
    ...                               learning_rate_init=0.01, random_state=0)
    >>> intervals = intervals.fit(X, y_noisy)
    >>> intervals.quantiles_
    array([0.1, 0.5, 0.9])
    >>> bounds = intervals.predict(X)
    >>> bounds.shape
    (200, 3)
    >>> bool((bounds[:, :-1] <= bounds[:, 1:]).all())
    True
    """
    )

    _parameter_constraints: dict = {
        **BaseBackprop._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson", "absolute_error", "huber", "quantile"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
        "quantile": [Interval(Real, 0, 1, closed="neither"), "array-like"],
    }

    def __init__(
        self,
        loss: str = "squared_error",
        hidden_layer_sizes: LayerSizes = (100,),
        activation: PerLayer = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: RandomStateLike = None,
        tol: float = 1e-4,
        verbose: bool | int = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int | float = 10,
        max_fun: int = 15000,
        dropout: PerLayerRate = 0.0,
        scoring: str | Callable[..., float] | None = None,
        weight_decay: float = 0.0,
        max_grad_norm: float | None = None,
        warmup_fraction: float | None = None,
        huber_delta: float = 1.0,
        quantile: float | Sequence[float] = 0.5,
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            scoring=scoring,
            weight_decay=weight_decay,
            max_grad_norm=max_grad_norm,
            warmup_fraction=warmup_fraction,
        )
        self.loss = loss
        self.huber_delta = huber_delta
        self.quantile = quantile

    @_fit_context(prefer_skip_nested_validation=True)
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
        """Fit the network to data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 input trains a float32 network.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights; None weighs all samples equally.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Validation data, scored after each epoch (or L-BFGS iteration):
            ``validation_scores_`` and ``validation_loss_curve_`` record it.
            It replaces the ``validation_fraction`` split of early stopping,
            which then stops on it; without early stopping it is only
            watched. In a Pipeline, ``Pipeline(..., transform_input=["X_val"])``
            transforms it as X.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Validation targets; required with ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : BackpropRegressor
            The fitted estimator.
        """
        validation = (X_val, y_val, sample_weight_val)
        given = None if all(v is None for v in validation) else validation
        return self._fit(X, y, sample_weight, validation=given)

    @available_if(BaseBackprop._check_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self, X: MatrixLike, y: TargetLike, sample_weight: ArrayLike | None = None
    ) -> Self:
        """Train one epoch over the given data, continuing from the current state.

        Only for ``solver='sgd'`` or ``'adam'``; the optimizer's state carries
        over from call to call.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights.

        Returns
        -------
        self : BackpropRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X: MatrixLike) -> NDArray[Any]:
        """Predict targets for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,), (n_samples, n_outputs) or (n_samples, n_quantiles)
            Predictions, 1-D when the model was fitted on a 1-D ``y``; with
            several quantiles, one column per quantile of ``quantiles_``,
            increasing along each row.
        """
        y_hat = self._forward(X)
        if self._has_quantile_columns():
            y_hat.sort(axis=1)  # the monotone rearrangement (Notes): no crossing quantiles
            return y_hat
        return y_hat.ravel() if self._y_ndim == 1 else y_hat

    def score(self, X: MatrixLike, y: TargetLike, sample_weight: ArrayLike | None = None) -> float:
        """R² of ``predict``; with several quantiles, their mean D² pinball score.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            :func:`~sklearn.metrics.r2_score` of ``predict(X)``, as for every
            scikit-learn regressor; with several quantiles, the mean over
            the columns j of ``d2_pinball_score`` at ``alpha=quantiles_[j]``
            (see Notes).
        """
        y_pred = self.predict(X)
        if not self._has_quantile_columns():
            return r2_score(y, y_pred, sample_weight=sample_weight)
        return _quantiles.mean_d2_pinball(y, y_pred, self.quantiles_, sample_weight)

    def _has_quantile_columns(self):
        return getattr(self, "quantiles_", None) is not None

    def _checked_quantiles(self):
        """``quantile`` checked: a float as given, or a sequence as a sorted array."""
        return _quantiles.check_quantiles(self.quantile)

    def _encode_targets(self, y, dtype, first_pass, classes, incremental):
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative targets y.")
        Y = np.asarray(y, dtype=dtype).reshape(len(y), -1)
        if first_pass:
            self._y_ndim, self._n_targets = np.ndim(y), Y.shape[1]
        elif Y.shape[1] != (n_targets := getattr(self, "_n_targets", None) or self.n_outputs_):
            raise ValueError(
                f"y has {Y.shape[1]} output(s), but {type(self).__name__} was "
                f"fitted with {n_targets}."
            )
        return self._quantile_targets(Y)

    def _quantile_targets(self, Y):
        """Y with its column repeated once per quantile, when there are several."""
        quantiles = self._checked_quantiles() if self.loss == "quantile" else None
        if np.ndim(quantiles) == 0:
            return Y
        if Y.shape[1] != 1:
            raise ValueError(
                "loss='quantile' with several quantiles needs a single target (a 1-D y), "
                f"but y has {Y.shape[1]} columns. Fit one model per target column, or "
                "give one float quantile for all of them."
            )
        return np.repeat(Y, len(quantiles), axis=1)

    def _loss_name(self):
        return self.loss

    def _loss_params(self):
        if self.loss == "huber":
            return {"huber_delta": self.huber_delta}
        if self.loss == "quantile":
            return {"quantile": self._checked_quantiles()}
        return {}

    def _fitted_attributes(self, net, progress, optimizer):
        attributes = super()._fitted_attributes(net, progress, optimizer)
        quantiles = net.loss_params.get("quantile")
        attributes["quantiles_"] = np.array(quantiles) if np.ndim(quantiles) == 1 else None
        return attributes

    def _score_outputs(self, y_true, y_hat, sample_weight):
        # Called during fit, on the raw outputs of the network being trained.
        quantiles = self._checked_quantiles() if self.loss == "quantile" else None
        if np.ndim(quantiles) == 1:
            return _quantiles.mean_d2_pinball(
                y_true, np.sort(y_hat, axis=1), quantiles, sample_weight
            )
        return r2_score(y_true, y_hat.reshape(np.shape(y_true)), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
