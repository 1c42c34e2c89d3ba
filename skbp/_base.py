"""The task-neutral estimator: scikit-learn's contracts around the core.

Validation, feature names, sample weights, warm starts and the fitted
attributes live here; what differs between regression and classification
(target encoding, the loss, decoding predictions, the score) is left to thin
subclasses in :mod:`skbp._regressor` and :mod:`skbp._classifier`.
"""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._core import Diverged, Network
from ._core.activations import HIDDEN
from ._solvers import divergence_error, resume_progress, train_lbfgs, train_stochastic
from ._support import LiveLayers, is_numeric, per_layer, rollback_on_error

STOCHASTIC_SOLVERS = ("sgd", "adam")


def _some_weight(weights):
    if not weights.any():  # scikit-learn 1.9 checks this too; 1.8 lets it through
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return weights


class BaseBackprop(BaseEstimator, metaclass=ABCMeta):
    """Base class of the backpropagation estimators; use a subclass."""

    _numeric_target = True

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(HIDDEN)), "array-like"],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout

    # -- what a task must say ------------------------------------------------

    @abstractmethod
    def _encode_targets(self, y, dtype, first_pass, classes, incremental):
        """Validated ``y`` -> 2-D float target matrix; set target attributes."""

    @abstractmethod
    def _loss_name(self):
        """The core loss to train with (fixes the output activation)."""

    def _loss_params(self):
        """The loss's own parameters (e.g. Huber's threshold), if it has any."""
        return {}

    def _task_sample_weight(self, y, sample_weight, dtype, incremental):
        """Per-sample weights the task adds (e.g. class weights), combined with the user's."""
        return sample_weight

    @abstractmethod
    def _score_outputs(self, y_true, y_hat, sample_weight):
        """Score finite network outputs ``y_hat`` against ``y_true`` (higher is better)."""

    # -- fitting -------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        with rollback_on_error(self):
            first_pass = not hasattr(self, "_network") or not (self.warm_start or incremental)
            if incremental and self.early_stopping:
                raise ValueError("partial_fit does not support early_stopping=True.")
            X, y = self._validate_training_data(X, y, first_pass)
            Y = self._encode_targets(y, X.dtype, first_pass, classes, incremental)
            sample_weight = self._validate_sample_weight(sample_weight, X, y, incremental)
            rng = check_random_state(self.random_state)
            net = self._start_network(first_pass, X, Y, rng)
            progress = resume_progress(
                None if first_pass else self._progress,
                self.early_stopping and self.solver != "lbfgs",
            )
            data = (X, Y, sample_weight)
            with progress.appends_undone_on_error():
                try:
                    optimizer = self._train(net, data, y, rng, progress, first_pass, incremental)
                except Diverged as exc:
                    raise divergence_error(self, exc, X) from exc
                if not np.isfinite(net.params).all():
                    raise ValueError(
                        "Solver produced non-finite parameter weights. The input data may "
                        "contain large values and need to be preprocessed; a smaller "
                        "learning_rate_init may also help."
                    )
            self._commit(net, progress, optimizer)
        if progress.interrupted:
            warnings.warn("Training interrupted by user.", UserWarning, stacklevel=4)
        elif progress.unconverged:
            warnings.warn(progress.unconverged, ConvergenceWarning, stacklevel=4)
        return self

    def _train(self, net, data, y, rng, progress, first_pass, incremental):
        """Run the solver on ``net``; return the optimizer state to keep (None for L-BFGS)."""
        if self.solver == "lbfgs":
            train_lbfgs(self, net, data, progress)
            return None  # L-BFGS keeps no state between fits
        previous = None if first_pass else self._optimizer
        epochs = 1 if incremental else None
        return train_stochastic(self, net, data, y, rng, progress, previous, epochs)

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
        """The user's weights, validated, times those the task adds (class weights)."""
        if sample_weight is not None:
            sample_weight = _some_weight(
                _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
            )
        weights = self._task_sample_weight(y, sample_weight, X.dtype, incremental)
        return None if weights is None else _some_weight(weights)

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

    def _start_network(self, first_pass, X, Y, rng):
        hidden, activations, rates = self._hidden_layers()
        sizes = [X.shape[1], *hidden, Y.shape[1]]
        activation = self.activation if isinstance(self.activation, str) else activations
        net = Network(sizes, activation, self._loss_name(), X.dtype, rates, self._loss_params())
        if first_pass:
            return net.initialize(rng)
        fitted = self._network
        was = (list(fitted.layer_sizes), fitted.activations, fitted.loss)
        now = (sizes, net.activations, net.loss)
        if was != now:
            raise ValueError(
                "Cannot continue training a network of (layer sizes, activations, loss) "
                f"{was} as one of {now}; set warm_start=False to train a new network."
            )
        net.params[:] = fitted.params  # dropout rates and loss parameters may change
        return net

    def _stratify_by(self, y):
        return None

    def _commit(self, net, progress, optimizer):
        self._network = net
        self._progress = progress
        self._optimizer = optimizer
        self.n_layers_ = len(net.layer_sizes)
        self.n_outputs_ = net.layer_sizes[-1]
        self.out_activation_ = net.output_activation
        self.n_iter_ = progress.n_iter
        self.t_ = progress.n_samples_seen
        self.loss_ = progress.loss
        self.loss_curve_ = progress.loss_curve
        self.best_loss_ = None if optimizer is None else progress.best_loss
        scores = progress.validation_scores if optimizer is not None else None
        self.validation_scores_ = scores
        self.best_validation_score_ = (
            progress.best_validation_score if scores is not None else None
        )

    # -- predicting ----------------------------------------------------------

    def _forward(self, X, logits=False):
        """Validated forward pass: network outputs (or their ``z``) for every row of X.

        Casting to a float32 network's dtype may overflow (validate_data then
        reports a value too large), and hidden units may overflow and saturate
        on inputs far outside the training data's scale while the outputs stay
        finite. So the pass first runs with floating-point trouble raising,
        which costs nothing when there is none; on any, it runs again quietly
        and warns only if some outputs are not finite.
        """
        if not hasattr(self, "_network"):
            check_is_fitted(self)  # raises NotFittedError
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                return self._unchecked_forward(X, logits)
        except FloatingPointError:
            pass
        with np.errstate(all="ignore"):
            out = self._unchecked_forward(X, logits)
            finite = np.isfinite(out).all()
        if not finite:
            warnings.warn(
                "Some predictions are not finite: the inputs are probably far outside "
                "the scale of the training data.",
                RuntimeWarning,
                stacklevel=3,
            )
        return out

    def _unchecked_forward(self, X, logits):
        if not self._is_plain_valid_array(X):
            X = validate_data(
                self, X, accept_sparse=["csr", "csc"], dtype=self._network.dtype, reset=False
            )
        return self._network.logits(X) if logits else self._network.predict(X)

    def _is_plain_valid_array(self, X):
        """Whether X needs no validation: what validate_data would return unchanged.

        A finite 2-D ndarray of the network's dtype and width, for a model fitted
        without feature names. Checking this directly costs a few microseconds
        where the general path costs tens, which is most of a one-row predict.
        """
        return (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype == self._network.dtype
            and X.shape[0] > 0
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            # inf or nan (or, in _forward's errstate, a sum that overflows): the slow path
            and np.isfinite(np.add.reduce(X, axis=None))
        )

    # -- the parameters, as scikit-learn's per-layer lists ---------------------
    # Both are live views into the network's one flat parameter vector, which
    # stays the only copy: pickling, warm starts and partial_fit all see edits.

    @property
    def coefs_(self):
        return LiveLayers(self._fitted_network().coefs)

    @coefs_.setter
    def coefs_(self, arrays):
        self.coefs_[:] = arrays

    @property
    def intercepts_(self):
        return LiveLayers(self._fitted_network().intercepts)

    @intercepts_.setter
    def intercepts_(self, arrays):
        self.intercepts_[:] = arrays

    def _fitted_network(self):
        if "_network" not in self.__dict__:
            raise AttributeError(
                f"This {type(self).__name__} has no coefs_ or intercepts_ before it is fitted."
            )
        return self._network

    def _check_partial_fit(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for the stochastic solvers 'sgd' and "
                f"'adam', not solver={self.solver!r}."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
