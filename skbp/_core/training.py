"""Training loops: minibatch descent split into fit -> epoch -> batch -> step, and L-BFGS.

The loops know nothing of estimators: they move a :class:`~skbp._core.network.Network`'s flat
parameter vector downhill and record what happened in a :class:`Progress`.
Scoring a validation set is the caller's business, passed in as a function.
"""

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize


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
    'converged', 'max_iter', 'epochs' (the requested count ran) or 'interrupted'.
    """
    n_samples = data[0].shape[0]
    batch_size = min(settings.batch_size, n_samples)
    batches = Batches(data, batch_size, settings.shuffle)
    ws = net.workspace(batch_size)
    progress.n_iter = 0
    progress.unconverged = None
    try:
        for _ in range(settings.max_iter if epochs is None else epochs):
            loss = run_epoch(net, optimizer, batches, rng, settings.alpha, ws)
            progress.record_epoch(loss, n_samples)
            if settings.verbose:
                print(f"Iteration {progress.n_iter}, loss = {loss:.8f}")
            if _should_stop(net, optimizer, progress, settings, validate):
                return "converged"
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.", stacklevel=2)
        return "interrupted"
    finally:
        if validate is not None and progress.best_params is not None:
            net.params[:] = progress.best_params
    return "max_iter" if epochs is None else "epochs"


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


def run_epoch(net, optimizer, batches, rng, alpha, ws):
    """One pass over the data; returns the sample-weighted mean of the batch losses."""
    total_loss = total_weight = 0.0
    for X, Y, sample_weight in batches.epoch(rng):
        weight = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        if weight == 0:
            continue  # a batch of zero-weight samples has nothing to teach
        total_loss += step(net, optimizer, X, Y, sample_weight, alpha, ws, weight) * weight
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
                yield self._gather(self.order[start:stop])
            else:
                yield self._rows(slice(start, stop))

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

    Returns scipy's ``OptimizeResult`` and the loss after each iteration.
    """
    X, Y, sample_weight = data
    ws = net.workspace(X.shape[0])
    loss_curve = []

    def loss_and_gradient(flat):
        net.params[:] = flat
        loss = net.loss_and_gradient(X, Y, sample_weight, alpha, ws)
        return loss, ws.grad.astype(np.float64)

    def record(intermediate_result):
        loss_curve.append(float(intermediate_result.fun))
        if verbose:
            print(f"Iteration {len(loss_curve)}, loss = {loss_curve[-1]:.8f}")

    result = minimize(
        loss_and_gradient,
        net.params.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=record,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    net.params[:] = result.x
    net.release_workspace()  # sized for the whole data set: not worth keeping
    return result, loss_curve
