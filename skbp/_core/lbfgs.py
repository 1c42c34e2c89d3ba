"""Full-batch training with scipy's L-BFGS-B on the network's flat parameter vector.

Like the minibatch loop, it runs with numpy's floating-point warnings
silenced, and reports an overflow as :class:`~skbp._core.training.Diverged`.
"""

import numpy as np
from scipy.optimize import OptimizeResult, minimize

from .training import Diverged


def fit_lbfgs(net, data, alpha, max_iter, max_fun, tol, progress, validation=None, observer=None):
    """Minimise the full-batch loss with L-BFGS-B, recording each iteration in ``progress``.

    ``validation`` and ``observer`` play the part they play in
    :func:`~skbp._core.training.fit_stochastic`, once per iteration (L-BFGS
    never stops on the validation set). Returns scipy's ``OptimizeResult``,
    with ``interrupted`` set when Ctrl-C stopped it and ``stopped`` when the
    observer did (the parameters are then the last iterate it accepted).
    Raises :class:`Diverged` if the loss or its gradient is not finite at the
    starting point, or if a step overflows; a trial step whose loss is not
    finite counts as infinitely bad, so the line search backs off from it.
    """
    objective = _FullBatchObjective(net, data, alpha)
    iterations = _Iterations(net, objective, progress, validation, observer)
    options = {"maxfun": max_fun, "maxiter": max_iter, "gtol": tol}
    try:
        with np.errstate(all="ignore"):
            iterations.begin()
            result = minimize(
                objective, objective.x, method="L-BFGS-B", jac=True,
                callback=iterations.record, options=options,
            )  # fmt: skip
        result.interrupted = False
        if not np.isfinite(result.x).all():  # the step itself overflowed
            raise Diverged(np.nan, objective.start_loss)
    except KeyboardInterrupt:
        result = OptimizeResult(x=objective.x, fun=objective.fun, nit=progress.n_iter, status=-1)
        result.interrupted = True
    finally:
        net.release_workspace()  # sized for the whole data set: not worth keeping
    result.stopped = iterations.stopped
    net.params[:] = result.x
    return result


class _FullBatchObjective:
    """L-BFGS-B's view of the network: the loss and its gradient at a parameter vector.

    ``x`` and ``fun`` are the last accepted iterate and its loss (at first
    the starting point).
    """

    def __init__(self, net, data, alpha):
        self.net, self.data, self.alpha = net, data, alpha
        self.ws = net.workspace(data[0].shape[0])
        self.x, self.fun, self.start_loss = net.params.astype(np.float64), None, None

    def __call__(self, flat):
        self.net.params[:] = flat
        loss = self.net.loss_and_gradient(*self.data, self.alpha, self.ws)
        finite = np.isfinite(loss) and np.isfinite(self.ws.grad).all()
        if self.start_loss is None:  # the first evaluation is at the starting point
            if not finite:
                raise Diverged(loss, None)
            self.start_loss = self.fun = loss
        return (loss if finite else np.inf), self.ws.grad.astype(np.float64)


class _Iterations:
    """scipy's per-iteration callback: record the accepted iterate, validate, observe."""

    def __init__(self, net, objective, progress, validation, observer):
        self.net, self.objective, self.progress = net, objective, progress
        self.validation, self.observer = validation, observer
        self.stopped = False
        progress.n_iter = 0

    def begin(self):
        if self.observer is not None:
            self.observer.begin()

    def record(self, intermediate_result):
        objective, progress = self.objective, self.progress
        objective.x, objective.fun = intermediate_result.x.copy(), float(intermediate_result.fun)
        progress.n_iter += 1
        progress.loss = objective.fun
        progress.loss_curve.append(objective.fun)
        if self.validation is None and self.observer is None:
            return
        self.net.params[:] = objective.x  # the objective's last trial point may differ
        if self.validation is not None:
            progress.record_validation(self.validation.evaluate(self.net), self.net.params)
        if self.observer is not None and self.observer.end(self.net, progress):
            self.stopped = progress.stop_requested = True
            raise StopIteration  # scipy ends the run at the accepted iterate
        self.begin()
