"""The task-neutral estimator: scikit-learn's contracts around the core.

Validation, feature names, sample weights, warm starts and the fitted
attributes live here; what differs between regression and classification
(target encoding, the loss, decoding predictions, the score) is left to thin
subclasses in :mod:`skbp._regressor` and :mod:`skbp._classifier`.
"""

import copy
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._core import Diverged, Network
from ._core.activations import HIDDEN
from ._inputs import InputChecks, warn_if_untransformed
from ._monitor import ValidationSet, Watch, snapshot_progress
from ._predict import Prediction
from ._run import Run
from ._solvers import (
    divergence_error,
    hold_out_validation,
    resume_progress,
    train_lbfgs,
    train_stochastic,
)
from ._state import VersionedState
from ._support import LiveLayers, rollback_on_error
from ._typing import LayerSizes, PerLayer, PerLayerRate, RandomStateLike

STOCHASTIC_SOLVERS = ("sgd", "adam")


class BaseBackprop(
    CallbackSupportMixin,
    VersionedState,
    InputChecks,
    Prediction,
    BaseEstimator,
    metaclass=ABCMeta,
):
    """Base class of the backpropagation estimators; use a subclass."""

    # The core's objects, saved as plain data (see skbp._state).
    _plain_attributes = ("_network", "_optimizer", "_progress")

    _numeric_target = True

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(HIDDEN)), "array-like"],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [
            StrOptions({"constant", "invscaling", "adaptive", "cosine", "one_cycle"})
        ],
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
        "scoring": [str, callable, None],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "warmup_fraction": [Interval(Real, 0, 1, closed="left"), None],
    }

    def __init__(
        self,
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
    ) -> None:
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
        self.scoring = scoring
        self.weight_decay = weight_decay
        self.max_grad_norm = max_grad_norm
        self.warmup_fraction = warmup_fraction

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

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit_inside(self, outer, X, y, sample_weight=None, validation=None):
        """``fit``, as the network of ``outer.estimator``: its callbacks and scorers see it."""
        return self._fit(X, y, sample_weight, validation=validation, outer=outer)

    def _fit(
        self,
        X,
        y,
        sample_weight=None,
        incremental=False,
        classes=None,
        validation=None,
        outer=None,
    ):
        """Train on (X, y); ``validation`` is ``(X_val, y_val, sample_weight_val)`` or None.

        The fit is one callback task, each epoch (or L-BFGS iteration) a subtask;
        inside an ``outer`` estimator, the subtasks are the outer fit's.
        """
        run = Run(
            given=(X, y, sample_weight), incremental=incremental, estimator=self, outer=outer
        )
        ctx = self._init_callback_context(max_subtasks=self._max_subtasks(incremental))
        ctx.call_on_fit_task_begin(estimator=self, **run.for_callbacks())
        with rollback_on_error(self):
            self._prepare(run, classes, validation)
            with run.progress.appends_undone_on_error():
                run.progress.align_validation()  # with the epochs of fits that had no validation
                try:
                    optimizer = self._train(run)
                except Diverged as exc:
                    raise divergence_error(self, exc, run.data[0]) from exc
                run.progress.align_validation()
                if not np.isfinite(run.net.params).all():
                    raise ValueError(
                        "Solver produced non-finite parameter weights. The input data may "
                        "contain large values and need to be preprocessed; a smaller "
                        "learning_rate_init may also help."
                    )
            self._commit(run.net, run.progress, optimizer)
        ctx.call_on_fit_task_end(
            estimator=self, reconstruction_attributes={}, **run.for_callbacks()
        )
        if run.progress.interrupted:
            warnings.warn("Training interrupted by user.", UserWarning, stacklevel=4)
        elif run.progress.unconverged:
            warnings.warn(run.progress.unconverged, ConvergenceWarning, stacklevel=4)
        return self

    def _prepare(self, run, classes, validation):
        """Check and encode the run's data, and set up its network and training record."""
        run.first_pass = not hasattr(self, "_network") or not (self.warm_start or run.incremental)
        if run.incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True.")
        self._check_training_options()
        X, y, sample_weight = run.given
        X, run.y = self._validate_training_data(X, y, run.first_pass)
        Y = self._encode_targets(run.y, X.dtype, run.first_pass, classes, run.incremental)
        run.user_weight, sample_weight = self._validate_sample_weight(
            sample_weight, X, run.y, run.incremental
        )
        run.data = (X, Y, sample_weight)
        if validation is not None:
            run.validation = self._validation_set(run, validation, X.dtype)
        run.rng = check_random_state(self.random_state)
        run.net = self._start_network(run.first_pass, X, Y, run.rng)
        stopping = self.early_stopping and self.solver != "lbfgs"
        previous = None if run.first_pass else self._progress
        validating = run.validation is not None or stopping
        run.progress = resume_progress(previous, validating, stopping)

    def _validation_set(self, run, validation, dtype):
        X_val, Y_val, loss_weight, y_val, score_weight = self._validation_data(*validation, dtype)
        warn_if_untransformed(run.data[0], X_val, stacklevel=6)
        scored = validation[:2] if run.outer is None else run.outer.validation
        return ValidationSet(
            self,
            (X_val, Y_val, loss_weight),
            (y_val, score_weight),
            scored,
            run.model_with,
            early_stopping=self.early_stopping and self.solver != "lbfgs",
        )

    def _max_subtasks(self, incremental):
        if self.solver == "lbfgs":
            return self.max_iter + 1  # scipy's callback begins one iteration that never runs
        return 1 if incremental else self.max_iter

    def _train(self, run):
        """Run the solver on the run's network; return the optimizer state to keep.

        L-BFGS keeps no state between fits: it returns None.
        """
        unit = "Iteration" if self.solver == "lbfgs" else "Epoch"
        total = None if run.incremental else self.max_iter  # partial_fit counts over all calls
        outer = run.outer
        est, ctx = (
            (self, self._callback_fit_ctx) if outer is None else (outer.estimator, outer.ctx)
        )
        watch = Watch(est, ctx, run.for_callbacks(), run.snapshot, unit, total)
        net, data, progress, validation = run.net, run.data, run.progress, run.validation
        try:
            if self.solver == "lbfgs":
                train_lbfgs(self, net, data, progress, validation, watch)
                return None
            if validation is None and self.early_stopping:
                raw = (run.given[0], run.y, run.user_weight)
                data, validation = hold_out_validation(self, data, raw, run.rng, run.model_with)
            previous = None if run.first_pass else self._optimizer
            epochs = 1 if run.incremental else None
            return train_stochastic(
                self, net, data, run.rng, progress, previous, epochs, validation, watch
            )
        finally:
            watch.finish()

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
        vars(self).update(self._fitted_attributes(net, progress, optimizer))

    def _fitted_attributes(self, net, progress, optimizer):
        """The fitted state of a model with network ``net`` and training record ``progress``."""
        scores = progress.validation_scores
        return {
            "_network": net,
            "_progress": progress,
            "_optimizer": optimizer,
            "n_layers_": len(net.layer_sizes),
            "n_outputs_": net.layer_sizes[-1],
            "out_activation_": net.output_activation,
            "n_iter_": progress.n_iter,
            "t_": progress.n_samples_seen,
            "loss_": progress.loss,
            "loss_curve_": progress.loss_curve,
            "best_loss_": progress.best_loss if self.solver != "lbfgs" else None,
            "validation_scores_": scores,
            "validation_loss_curve_": progress.validation_loss_curve,
            "best_validation_score_": None if scores is None else progress.best_validation_score,
            "best_iteration_": progress.best_iteration,
        }

    def _model_with(self, net, progress):
        """A fitted copy of this estimator whose network is ``net`` (shared, not copied)."""
        model = copy.copy(self)
        vars(model).update(self._fitted_attributes(net, progress, None))
        return model

    def _snapshot(self, net, progress):
        """The fitted attributes as they stand mid-fit, in copies later epochs leave alone."""
        return self._fitted_attributes(net.copy(), snapshot_progress(progress), None)

    # -- the parameters, as scikit-learn's per-layer lists ---------------------
    # Both are live views into the network's one flat parameter vector, which
    # stays the only copy: pickling, warm starts and partial_fit all see edits.

    @property
    def coefs_(self) -> list[np.ndarray]:
        return LiveLayers(self._fitted_network().coefs)

    @coefs_.setter
    def coefs_(self, arrays):
        self.coefs_[:] = arrays

    @property
    def intercepts_(self) -> list[np.ndarray]:
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
