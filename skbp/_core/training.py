"""Training loops: minibatch descent split into fit -> epoch -> batch -> step, and L-BFGS.

The loops know nothing of estimators: they move a :class:`~skbp._core.network.Network`'s flat
parameter vector downhill and record what happened in a :class:`Progress`.
Scoring a validation set is the caller's business, passed in as a function.

Both loops run with numpy's floating-point warnings silenced: an overflow is
not reported as a RuntimeWarning half-way through an epoch, but as
:class:`Diverged` once the loss it produces is seen.
"""

import copy
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, minimize

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
    verbose: bool = False


@dataclass
class Progress:
    """What training has seen; carried over when training continues.

    ``best_loss`` drives stopping on the training loss; with a validation
    score instead, ``best_validation_score`` does and ``best_params`` keeps
    the parameters that reached it.
    """

    loss_curve: list = field(default_factory=list)
    best_loss: float = np.inf
    validation_scores: list = None
    best_validation_score: float = None
    best_params: np.ndarray = None
    no_improvement_count: int = 0
    n_iter: int = 0
    n_samples_seen: int = 0
    loss: float = None
    unconverged: str = None  # why the last run stopped short, if it did
    interrupted: bool = False  # the last run was stopped by Ctrl-C
    start_loss: float = None  # the divergence check's reference (see LossGuard)
    dropout_rng: np.random.Generator = None  # where dropout masks come from

    @contextmanager
    def appends_undone_on_error(self):
        """Take back the curve entries added in the body if it raises.

        Continued training shares its lists with the previous record (copying
        them would cost O(epochs so far) per partial_fit call), so a failed
        run must remove what it appended.
        """
        n_losses = len(self.loss_curve)
        n_scores = None if self.validation_scores is None else len(self.validation_scores)
        try:
            yield self
        except BaseException:
            del self.loss_curve[n_losses:]
            if n_scores is not None:
                del self.validation_scores[n_scores:]
            raise

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

    def improved_score(self, score, params, tol):
        """Track a validation score (higher is better), keeping the best parameters."""
        self.validation_scores.append(score)
        stalled = score < self.best_validation_score + tol
        self.no_improvement_count = self.no_improvement_count + 1 if stalled else 0
        if score > self.best_validation_score:
            self.best_validation_score = score
            self.best_params = params.copy()


def fit_stochastic(net, optimizer, data, rng, settings, progress, validate=None, epochs=None):
    """Run epochs until progress stalls or ``epochs`` (default max_iter) have run.

    ``data`` is ``(X, Y, sample_weight)``; ``validate(net)`` returns a score
    to stop on instead of the training loss. Returns why training ended:
    'converged', 'max_iter', 'epochs' (the requested count ran) or 'interrupted'
    (Ctrl-C: the parameters are those of the last completed batch, or the best
    validated ones). Raises :class:`Diverged` if the loss blows up.
    """
    n_samples = data[0].shape[0]
    batch_size = min(settings.batch_size, n_samples)
    batches = Batches(data, batch_size, settings.shuffle)
    ws = net.workspace(batch_size)
    ws.dropout_rng = _dropout_generator(net, rng, progress)
    guard = LossGuard(progress.start_loss, may_raise_start=epochs is None)
    progress.n_iter = 0
    progress.unconverged = None
    try:
        with np.errstate(all="ignore"):
            ending = _run_epochs(
                net, optimizer, (batches, ws, guard), rng, settings, progress, validate, epochs
            )
    except KeyboardInterrupt:
        return "interrupted"
    finally:
        if validate is not None and progress.best_params is not None:
            net.params[:] = progress.best_params
    with np.errstate(all="ignore"):
        _check_last_batch(net, batches, settings.alpha, guard)
    return ending


def _run_epochs(net, optimizer, pass_tools, rng, settings, progress, validate, epochs):
    """The epochs of :func:`fit_stochastic`; ``pass_tools`` is (batches, workspace, guard)."""
    batches, ws, guard = pass_tools
    for _ in range(settings.max_iter if epochs is None else epochs):
        loss = run_epoch(net, optimizer, batches, rng, settings.alpha, ws, guard)
        progress.start_loss = guard.start
        progress.record_epoch(loss, batches.X.shape[0])
        if settings.verbose:
            print(f"Iteration {progress.n_iter}, loss = {loss:.8f}")
        if _should_stop(net, optimizer, progress, settings, validate):
            return "converged"
    return "max_iter" if epochs is None else "epochs"


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


def _should_stop(net, optimizer, progress, settings, validate):
    if validate is None:
        progress.improved_loss(settings.tol)
    else:
        score = validate(net)
        progress.improved_score(score, net.params, settings.tol)
        if settings.verbose:
            print(f"Validation score: {score:f}")
    optimizer.end_epoch(progress.n_samples_seen)
    if progress.no_improvement_count <= settings.n_iter_no_change:
        return False
    what = "Training loss" if validate is None else "Validation score"
    stop = optimizer.on_plateau()
    if settings.verbose:
        action = "Stopping." if stop else f"Learning rate set to {optimizer.learning_rate:f}."
        print(
            f"{what} did not improve more than tol={settings.tol:f} for "
            f"{settings.n_iter_no_change} consecutive epochs. {action}"
        )
    if not stop:
        progress.no_improvement_count = 0
    return stop


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


def fit_lbfgs(net, data, alpha, max_iter, max_fun, tol, verbose=False):
    """Minimise the full-batch loss with scipy's L-BFGS-B on the flat vector.

    Returns scipy's ``OptimizeResult``, with ``interrupted`` set when Ctrl-C
    stopped it (the parameters are then the last iterate it accepted), and
    the loss after each iteration. Raises :class:`Diverged` if the loss or
    its gradient is not finite at the starting point, or if a step overflows;
    a trial step whose loss is not finite counts as infinitely bad, so the
    line search backs off from it.
    """
    objective = _FullBatchObjective(net, data, alpha, verbose)
    options = {"maxfun": max_fun, "maxiter": max_iter, "gtol": tol}
    try:
        with np.errstate(all="ignore"):
            result = minimize(
                objective, objective.x, method="L-BFGS-B", jac=True,
                callback=objective.record, options=options,
            )  # fmt: skip
        result.interrupted = False
        if not np.isfinite(result.x).all():  # the step itself overflowed
            raise Diverged(np.nan, objective.start_loss)
    except KeyboardInterrupt:
        result = OptimizeResult(
            x=objective.x, fun=objective.fun, nit=len(objective.curve), status=-1
        )
        result.interrupted = True
    finally:
        net.release_workspace()  # sized for the whole data set: not worth keeping
    net.params[:] = result.x
    return result, objective.curve


class _FullBatchObjective:
    """L-BFGS-B's view of the network: loss and gradient, and the iterates it accepts.

    ``x`` and ``fun`` are the last accepted iterate and its loss (at first
    the starting point), ``curve`` the loss after each iteration.
    """

    def __init__(self, net, data, alpha, verbose):
        self.net, self.data, self.alpha, self.verbose = net, data, alpha, verbose
        self.ws = net.workspace(data[0].shape[0])
        self.x, self.fun, self.start_loss, self.curve = (
            net.params.astype(np.float64),
            None,
            None,
            [],
        )

    def __call__(self, flat):
        self.net.params[:] = flat
        loss = self.net.loss_and_gradient(*self.data, self.alpha, self.ws)
        finite = np.isfinite(loss) and np.isfinite(self.ws.grad).all()
        if self.start_loss is None:  # the first evaluation is at the starting point
            if not finite:
                raise Diverged(loss, None)
            self.start_loss = self.fun = loss
        return (loss if finite else np.inf), self.ws.grad.astype(np.float64)

    def record(self, intermediate_result):
        self.x, self.fun = intermediate_result.x.copy(), float(intermediate_result.fun)
        self.curve.append(self.fun)
        if self.verbose:
            print(f"Iteration {len(self.curve)}, loss = {self.fun:.8f}")
