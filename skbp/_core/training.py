"""Minibatch training, split into fit -> epoch -> batch -> step.

The loops know nothing of estimators: they move a :class:`~skbp._core.network.Network`'s flat
parameter vector downhill and record what happened in a :class:`Progress`.
What a validation set scores and what happens between epochs (callbacks,
printing) is the caller's business, passed in as a ``validation`` and an
``observer`` object.

The loop runs with numpy's floating-point warnings silenced: an overflow is
not reported as a RuntimeWarning half-way through an epoch, but as
:class:`Diverged` once the loss it produces is seen.
"""

import copy
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

# How far the loss may climb above the one training started from before the
# run counts as diverged: four orders of magnitude is never a noisy batch.
DIVERGENCE_GROWTH = 1e4


class Diverged(ArithmeticError):
    """The training loss became non-finite, or grew far beyond its starting value.

    ``start`` is the loss the network started from (None if even that was not
    finite), ``loss`` the value that tripped the check.
    """

    def __init__(self, loss, start):
        super().__init__(f"training loss {loss:.3g} after starting at {start}")
        self.loss, self.start = loss, start


class LossGuard:
    """Watches batch losses for divergence; one comparison per batch while all is well.

    The reference is the loss training started from, the first batch's at
    the initial weights. The first batch of a warm-started ``fit`` may raise
    it (``may_raise_start``: new data can cost more than the old did), never
    lower it, so a well-trained model's tiny losses never make ordinary noise
    look like a blow-up; ``partial_fit`` calls continue one run, and a slow
    blow-up over many of them is caught like one within a single fit.
    """

    def __init__(self, start=None, may_raise_start=True):
        self.start = start
        fixed = start is not None and not may_raise_start
        # While limit is -inf, the next loss goes through check() and sets it.
        self.limit = DIVERGENCE_GROWTH * start if fixed else -np.inf

    def check(self, loss):
        if not np.isfinite(loss) or self.limit > -np.inf:
            raise Diverged(loss, self.start)
        self.start = loss if self.start is None else max(self.start, loss)
        self.limit = DIVERGENCE_GROWTH * self.start


@dataclass
class StochasticSettings:
    batch_size: int
    max_iter: int
    shuffle: bool
    tol: float
    n_iter_no_change: float
    alpha: float


@dataclass
class Progress:
    """What training has seen; carried over when training continues.

    ``best_loss`` drives stopping on the training loss. With a validation set,
    each epoch adds its ``validation_scores`` and ``validation_loss_curve``
    entries; when training stops on it, ``best_criterion`` (higher is better:
    a score, or minus a loss) does, and ``best_params`` keeps the parameters
    that reached it, from epoch ``best_iteration`` of ``loss_curve``.
    """

    loss_curve: list = field(default_factory=list)
    best_loss: float = np.inf
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_criterion: float | None = None
    best_validation_score: float | None = None
    best_iteration: int | None = None
    best_params: np.ndarray | None = None
    no_improvement_count: int = 0
    n_iter: int = 0
    n_samples_seen: int = 0
    loss: float | None = None
    unconverged: str | None = None  # why the last run stopped short, if it did
    interrupted: bool = False  # the last run was stopped by Ctrl-C
    stop_requested: bool = False  # an observer asked training to stop
    event: str | None = None  # what the last epoch's end did to the schedule, for verbose output
    start_loss: float | None = None  # the divergence check's reference (see LossGuard)
    dropout_rng: np.random.Generator | None = None  # where dropout masks come from

    @contextmanager
    def appends_undone_on_error(self):
        """Take back the curve entries added in the body if it raises.

        Continued training shares its lists with the previous record (copying
        them would cost O(epochs so far) per partial_fit call), so a failed
        run must remove what it appended.
        """
        curves = [c for c in self._curves() if c is not None]
        lengths = [len(c) for c in curves]
        try:
            yield self
        except BaseException:
            for curve, n in zip(curves, lengths, strict=True):
                del curve[n:]
            raise

    def _curves(self):
        return self.loss_curve, self.validation_scores, self.validation_loss_curve

    def align_validation(self):
        """Pad the validation curves with NaN for epochs run without a validation set.

        Their entries then stay aligned with ``loss_curve``'s across warm
        starts that validate in some fits and not in others.
        """
        for curve in self._curves()[1:]:
            if curve is not None:
                curve.extend([np.nan] * (len(self.loss_curve) - len(curve)))

    def record_epoch(self, loss, n_samples):
        self.n_iter += 1
        self.n_samples_seen += n_samples
        self.loss = loss
        self.loss_curve.append(loss)

    def improved_loss(self, tol):
        """Track the training loss; count epochs that fail to beat the best by tol."""
        loss = self.loss_curve[-1]
        stalled = loss > self.best_loss - tol
        self.no_improvement_count = self.no_improvement_count + 1 if stalled else 0
        self.best_loss = min(self.best_loss, loss)

    def record_validation(self, result, params, tol=None):
        """Record ``result = (criterion, score, loss)`` of the current parameters.

        With ``tol`` training stops on the criterion (higher is better): count
        epochs that fail to beat the best by tol, and keep the best parameters.
        """
        criterion, score, loss = result
        self.validation_scores.append(score)
        self.validation_loss_curve.append(loss)
        if tol is None:
            return
        stalled = not criterion >= self.best_criterion + tol  # nan never improves
        self.no_improvement_count = self.no_improvement_count + 1 if stalled else 0
        if criterion > self.best_criterion:
            self.best_criterion = criterion
            self.best_validation_score = score
            self.best_iteration = len(self.loss_curve)
            self.best_params = params.copy()


def fit_stochastic(
    net, optimizer, data, rng, settings, progress, validation=None, epochs=None, observer=None
):
    """Run epochs until progress stalls or ``epochs`` (default max_iter) have run.

    ``data`` is ``(X, Y, sample_weight)``. ``validation.evaluate(net)`` gives
    ``(criterion, score, loss)`` on held-out data after each epoch; training
    stops on the criterion instead of the training loss if
    ``validation.early_stopping`` (its ``name`` then says so in the
    message ``progress.event`` records). ``observer.begin()`` and
    ``observer.end(net, progress)`` frame each epoch; ``end`` returning True
    asks training to stop. Returns why training ended: 'converged',
    'max_iter', 'epochs' (the requested count ran), 'stopped' (the observer
    asked) or 'interrupted' (Ctrl-C: the parameters are those of the last
    completed batch). With early stopping the best validated parameters are
    restored in every case. Raises :class:`Diverged` if the loss blows up.
    """
    n_samples = data[0].shape[0]
    batch_size = min(settings.batch_size, n_samples)
    batches = Batches(data, batch_size, settings.shuffle)
    ws = net.workspace(batch_size)
    ws.dropout_rng = _dropout_generator(net, rng, progress)
    guard = LossGuard(progress.start_loss, may_raise_start=epochs is None)
    progress.n_iter = 0
    progress.unconverged = None
    loop = _EpochLoop(net, optimizer, settings, progress, validation, observer)
    try:
        with np.errstate(all="ignore"):
            ending = loop.run(batches, ws, guard, rng, epochs)
    except KeyboardInterrupt:
        return "interrupted"
    finally:
        if loop.early_stopping and progress.best_params is not None:
            net.params[:] = progress.best_params
    with np.errstate(all="ignore"):
        _check_last_batch(net, batches, settings.alpha, guard)
    return ending


class _EpochLoop:
    """The epochs of :func:`fit_stochastic`, and what happens at the end of each."""

    def __init__(self, net, optimizer, settings, progress, validation, observer):
        self.net, self.optimizer, self.settings = net, optimizer, settings
        self.progress, self.validation, self.observer = progress, validation, observer
        self.early_stopping = validation is not None and validation.early_stopping

    def run(self, batches, ws, guard, rng, epochs):
        net, settings, progress, observer = self.net, self.settings, self.progress, self.observer
        for _ in range(settings.max_iter if epochs is None else epochs):
            if observer is not None:
                observer.begin()
            loss = run_epoch(net, self.optimizer, batches, rng, settings.alpha, ws, guard)
            progress.start_loss = guard.start
            progress.record_epoch(loss, batches.X.shape[0])
            converged = self.end_epoch()
            if observer is not None and observer.end(net, progress):
                progress.stop_requested = True
                return "stopped"
            if converged:
                return "converged"
        return "max_iter" if epochs is None else "epochs"

    def end_epoch(self):
        """Validate, step the epoch's schedule, and say whether progress has stalled."""
        progress, settings, optimizer = self.progress, self.settings, self.optimizer
        progress.event = None
        if self.validation is not None:
            result = self.validation.evaluate(self.net)
            tol = settings.tol if self.early_stopping else None
            progress.record_validation(result, self.net.params, tol)
        if not self.early_stopping:
            progress.improved_loss(settings.tol)
        optimizer.end_epoch(progress.n_samples_seen)
        if progress.no_improvement_count <= settings.n_iter_no_change:
            return False
        stop = optimizer.on_plateau()
        what = self.validation.name if self.early_stopping else "Training loss"
        action = "Stopping." if stop else f"Learning rate set to {optimizer.learning_rate:f}."
        progress.event = (
            f"{what} did not improve more than tol={settings.tol:f} for "
            f"{settings.n_iter_no_change} consecutive epochs. {action}"
        )
        if not stop:
            progress.no_improvement_count = 0
        return stop


def _check_last_batch(net, batches, alpha, guard):
    """The batch losses are taken before each step: check the state after the last one."""
    X, Y, sample_weight = batches.last
    if sample_weight is None or sample_weight.any():
        loss = net.batch_loss(X, Y, sample_weight, alpha)
        if not loss <= guard.limit:
            guard.check(loss)


def _dropout_generator(net, rng, progress):
    """Where dropout masks come from: a generator seeded once from rng, then carried on.

    Same seed, same masks; continued training (partial_fit, warm starts)
    goes on with the stream instead of re-seeding, so successive calls do not
    repeat their masks. Without dropout rng is not drawn from, as in
    scikit-learn. The record gets its own copy, so a failed run leaves the
    previous record's generator as it was.
    """
    if not any(net.dropout):
        return None
    if progress.dropout_rng is None:
        progress.dropout_rng = np.random.default_rng(rng.randint(2**31 - 1))
    else:
        progress.dropout_rng = copy.deepcopy(progress.dropout_rng)
    return progress.dropout_rng


def run_epoch(net, optimizer, batches, rng, alpha, ws, guard=None):
    """One pass over the data; returns the sample-weighted mean of the batch losses.

    Each batch's loss (taken before its step) goes past ``guard``, which
    raises :class:`Diverged` if it has blown up.
    """
    guard = LossGuard() if guard is None else guard
    total_loss = total_weight = 0.0
    for X, Y, sample_weight in batches.epoch(rng):
        weight = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        if weight == 0:
            continue  # a batch of zero-weight samples has nothing to teach
        loss = step(net, optimizer, X, Y, sample_weight, alpha, ws, weight)
        if not loss <= guard.limit:  # also true for nan
            guard.check(loss)
        total_loss += loss * weight
        total_weight += weight
    return total_loss / total_weight if total_weight else 0.0


def step(net, optimizer, X, Y, sample_weight, alpha, ws, weight=None):
    """Backpropagate one batch and move the parameters; returns the batch's loss."""
    loss = net.loss_and_gradient(X, Y, sample_weight, alpha, ws, weight)
    optimizer.step(net.params, ws.grad)
    return loss


class Batches:
    """Minibatches of ``(X, Y, sample_weight)``, in order or reshuffled per epoch.

    Shuffled dense rows are gathered into buffers that are reused, so an epoch
    allocates nothing of size batch x features; in order, batches are views.
    """

    def __init__(self, data, batch_size, shuffle):
        X, Y, sample_weight = data
        self.X = X.tocsr() if sp.issparse(X) else X
        self.Y, self.sample_weight = Y, sample_weight
        self.batch_size, self.shuffle = batch_size, shuffle
        self.order = np.arange(X.shape[0])
        self.last = None  # the batch yielded last
        self._X_buf = None
        if shuffle and not sp.issparse(X):
            self._X_buf = np.empty((batch_size, X.shape[1]), X.dtype)
            self._Y_buf = np.empty((batch_size, Y.shape[1]), Y.dtype)

    def epoch(self, rng):
        n = self.X.shape[0]
        if self.shuffle:
            rng.shuffle(self.order)
        for start in range(0, n, self.batch_size):
            stop = min(start + self.batch_size, n)
            if self.shuffle:
                self.last = self._gather(self.order[start:stop])
            else:
                self.last = self._rows(slice(start, stop))
            yield self.last

    def _rows(self, rows):
        sw = None if self.sample_weight is None else self.sample_weight[rows]
        return self.X[rows], self.Y[rows], sw

    def _gather(self, idx):
        if self._X_buf is None:
            return self._rows(idx)
        m = len(idx)
        X = self.X.take(idx, axis=0, out=self._X_buf[:m], mode="clip")
        Y = self.Y.take(idx, axis=0, out=self._Y_buf[:m], mode="clip")
        sw = None if self.sample_weight is None else self.sample_weight[idx]
        return X, Y, sw
