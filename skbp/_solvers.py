"""From an estimator's parameters to the core's solvers, and back to its records.

The estimators decide *what* to train (validated data, encoded targets, the
network); these functions set up *how*: the optimizer and its carried-over
state, the stopping record, the batch size and the early-stopping split.
"""

import copy
import warnings

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing

from ._core import SGD, Adam, Progress, StochasticSettings, fit_lbfgs, fit_stochastic
from ._monitor import ValidationSet

# scikit-learn's SGD schedules, which its Adam ignores.
SGD_ONLY_SCHEDULES = ("invscaling", "adaptive")


def resume_progress(previous, validating, early_stopping):
    """A copy of the previous fit's record (or a new one), ready for this fit.

    The copy is shallow: its curves are the previous record's lists, appended
    to in place (see ``Progress.appends_undone_on_error``).
    """
    progress = Progress() if previous is None else copy.copy(previous)
    if validating:
        if progress.validation_scores is None:
            progress.validation_scores = []
        if progress.validation_loss_curve is None:
            progress.validation_loss_curve = []
    if early_stopping:
        if progress.best_criterion is None:
            progress.best_criterion = -np.inf
        progress.best_loss = None
    elif progress.best_loss is None:
        progress.best_loss = np.inf
    progress.stop_requested = False
    progress.event = None
    return progress


def train_lbfgs(est, net, data, progress, validation, watch):
    """Full-batch L-BFGS; records the curve and why it stopped short, if it did."""
    result = fit_lbfgs(
        net, data, est.alpha, est.max_iter, est.max_fun, est.tol, progress, validation, watch
    )
    progress.n_iter = min(result.nit, est.max_iter)
    progress.loss = None if result.fun is None else float(result.fun)
    progress.interrupted = result.interrupted
    progress.unconverged = None
    if result.status != 0 and not (result.interrupted or result.stopped):
        progress.unconverged = (
            f"lbfgs failed to converge after {progress.n_iter} iteration(s) "
            f"(status={result.status}): {result.message}. Increase max_iter or "
            "max_fun, or scale the data."
        )


def train_stochastic(est, net, data, rng, progress, previous, epochs, validation, watch):
    """Minibatch SGD or Adam, continuing ``previous`` optimizer's state if given."""
    size = batch_size(est.batch_size, data[0].shape[0])
    steps_per_epoch = -(-data[0].shape[0] // size)
    horizon = est.max_iter * steps_per_epoch
    optimizer = make_optimizer(est, net, previous, horizon, incremental=epochs is not None)
    settings = StochasticSettings(
        batch_size=size,
        max_iter=est.max_iter,
        shuffle=est.shuffle,
        tol=est.tol,
        n_iter_no_change=est.n_iter_no_change,
        alpha=est.alpha,
    )
    ending = fit_stochastic(
        net, optimizer, data, rng, settings, progress, validation, epochs, watch
    )
    progress.interrupted = ending == "interrupted"
    # A 'cosine' or 'one_cycle' run that has annealed to its planned end has done
    # what was asked of it: only an open-ended schedule stops short at max_iter.
    if ending == "max_iter" and not optimizer.lr_schedule.finished:
        progress.unconverged = (
            f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) reached "
            "and the optimization hasn't converged yet."
        )
    return optimizer


def divergence_error(est, diverged, X):
    """The user's error for a fit whose loss blew up, naming the likely causes."""
    scale = abs(X).max() if X.shape[0] else 0.0
    cause = (
        f"inputs that are not scaled (the largest |X| is {scale:.3g}; standardize X, "
        "for example with a StandardScaler in a Pipeline)"
    )
    if diverged.start is None:
        what = f"The loss or its gradient is not finite ({diverged.loss}) at the starting weights"
    else:
        what = f"Training diverged: the loss grew from {diverged.start:.4g} to {diverged.loss:.4g}"
        if est.solver != "lbfgs":
            cause += f", or too high a learning_rate_init ({est.learning_rate_init})"
    return ValueError(f"{what}. The likely cause is {cause}. The model was left as it was.")


def make_optimizer(est, net, previous, total_steps, incremental=False):
    """The estimator's optimizer, carrying ``previous``'s state when it is the same kind.

    ``total_steps`` is the horizon of the 'cosine' and 'one_cycle' schedules.
    ``partial_fit`` calls (``incremental``) continue one schedule over the
    horizon its first call set, whatever their chunks' sizes; a warm-started
    ``fit`` continues a schedule with the same settings, unless it has run
    its horizon: then it starts anew, rather than train at its final rate.
    Adam keeps a constant rate under 'invscaling' and 'adaptive', which only
    scikit-learn's SGD follows: a model fitted with those settings trains as
    it does in scikit-learn.
    """
    old = getattr(previous, "lr_schedule", None)
    if incremental and getattr(old, "total_steps", None) is not None:
        total_steps = old.total_steps
    common = dict(
        total_steps=total_steps,
        warmup_fraction=est.warmup_fraction,
        weight_decay=est.weight_decay,
        max_grad_norm=est.max_grad_norm,
        n_decayed=net.n_weights,
    )
    if est.solver == "sgd":
        optimizer = SGD(
            net.n_params,
            net.dtype,
            est.learning_rate_init,
            est.learning_rate,
            est.momentum,
            est.nesterovs_momentum,
            est.power_t,
            **common,
        )
    else:
        schedule = "constant" if est.learning_rate in SGD_ONLY_SCHEDULES else est.learning_rate
        optimizer = Adam(
            net.n_params,
            net.dtype,
            est.learning_rate_init,
            est.beta_1,
            est.beta_2,
            est.epsilon,
            schedule=schedule,
            **common,
        )
    if type(previous) is not type(optimizer):
        return optimizer
    optimizer.resume(previous)
    if not incremental and old.finished:
        optimizer.restart_schedule()
    return optimizer


def hold_out_validation(est, data, raw, rng, model):
    """Split off ``validation_fraction`` for early stopping: training data and a ValidationSet.

    ``data`` is what the network trains on; ``raw`` is ``(X, y, sample_weight)``
    as the user passed them (y and the weights validated), split the same way
    for the score and scorers.
    """
    X_raw, y, user_weight = raw
    if est.validation_fraction == 0:
        raise ValueError("early_stopping=True needs validation_fraction > 0.")
    X, Y, sample_weight = data
    _check_split_sizes(X.shape[0], est.validation_fraction)
    train, val = train_test_split(
        np.arange(X.shape[0]),
        test_size=est.validation_fraction,
        random_state=rng,
        stratify=_stratification(est._stratify_by(y), est.validation_fraction),
    )
    sw_val = None if sample_weight is None else sample_weight[val]
    sw_train = None if sample_weight is None else sample_weight[train]
    for part, weights in (("validation", sw_val), ("training", sw_train)):
        if weights is not None and not weights.any():
            raise ValueError(
                f"The {part} set is too small: the early-stopping split left it only "
                "samples of zero weight. Increase 'validation_fraction' or the size of "
                "your dataset, or change random_state."
            )
    y_val = _safe_indexing(y, val)
    validation = ValidationSet(
        est,
        (_safe_indexing(X, val), Y[val], sw_val),
        (y_val, None if user_weight is None else user_weight[val]),
        (_safe_indexing(X_raw, val), y_val),
        model,
        early_stopping=True,
    )
    return (_safe_indexing(X, train), Y[train], sw_train), validation


def _check_split_sizes(n_samples, validation_fraction):
    """Refuse a split that leaves fewer than 2 rows to validate on or none to train on.

    ``train_test_split`` holds out ``ceil(validation_fraction * n_samples)`` rows.
    """
    n_val = int(np.ceil(validation_fraction * n_samples))
    if n_val >= 2 and n_samples - n_val >= 1:
        return
    part = "validation" if n_val < 2 else "training"
    raise ValueError(
        f"The {part} set is too small: early_stopping=True holds out "
        f"validation_fraction={validation_fraction} of the rows, {n_val} of {n_samples}, "
        "and needs 2 at least to validate on and 1 to train on. Pass a validation set "
        "(X_val, y_val), set early_stopping=False, or fit on more rows"
        + (", or increase validation_fraction." if n_samples >= 3 else ".")
    )


def _stratification(labels, validation_fraction):
    """``labels`` if a stratified split is possible (else None: split at random).

    Each class needs two samples, and each side of the split room for every class.
    """
    if labels is None:
        return None
    n_val = int(np.ceil(validation_fraction * len(labels)))
    try:
        _, counts = np.unique(labels, return_counts=True)
    except TypeError:  # e.g. a None among text labels: the label checks name it later
        return None
    if counts.min() < 2 or min(n_val, len(labels) - n_val) < len(counts):
        return None
    return labels


def batch_size(requested, n_samples):
    if requested == "auto":
        return min(200, n_samples)
    if requested > n_samples:
        warnings.warn(
            f"Got batch_size={requested} larger than the {n_samples} training "
            "samples; it is clipped to the sample size.",
            stacklevel=6,
        )
    return min(requested, n_samples)
