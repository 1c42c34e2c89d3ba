"""Error functions, each beside its derivative at the output pre-activation.

For one sample with targets ``y`` (one entry per output unit), output
pre-activations ``z`` and predictions ``y_hat = g(z)``, a loss is its
per-sample error and ``delta = d error / d z``, the error that
backpropagation starts from (``r = y_hat - y``)::

    loss             g         per-sample error                     d error / d z_k
    ---------------  --------  -----------------------------------  -----------------
    squared_error    identity  1/2 sum_k r_k**2                     r_k
    poisson          exp       sum_k y_k log(y_k / y_hat_k)         y_hat_k - y_k
                                     - y_k + y_hat_k
    binary_log_loss  logistic  sum_k log(1 + exp(z_k)) - y_k z_k    y_hat_k - y_k
    log_loss         softmax   log(sum_k exp(z_k)) - sum_k y_k z_k  y_hat_k - y_k
    absolute_error   identity  sum_k |r_k|                          sign(r_k)
    huber            identity  sum_k r_k**2 / 2 where |r_k| <= d,   clip(r_k, -d, d)
                               d (|r_k| - d / 2) elsewhere
    quantile         identity  sum_k max(-q_k r_k, (1 - q_k) r_k)   1 - q_k if r_k > 0,
                                                                    else -q_k

The first four pair a loss with its canonical (inverse) link ``g``, which is
what makes their derivative the same, ``y_hat - y``: :meth:`Loss.delta`'s
default. The log-losses are written in terms of ``z`` rather than
``log(y_hat)``: that form never takes the log of a rounded probability, so
the value reported is exactly the function whose gradient training follows.
Absolute and quantile errors have a kink at ``r = 0``, where ``delta`` is a
subgradient: 0 (``sign(0)``) for the absolute error, ``-q_k`` (the left
derivative) for the quantile loss. The quantile loss's ``q_k`` is one value
for every output unit, or one per unit (output k then estimates the
quantile ``q_k`` of its target: several quantiles of one target are that
target repeated, one column per quantile).

:class:`GroupedLogLoss` is ``log_loss`` over several groups of output units
at once (one softmax per group: one per column of a multiclass-multioutput
target). Targets may be soft (label smoothing): every formula above holds for
any ``y`` whose groups sum to one.

The loss of a batch is the (sample-weighted) mean of the per-sample errors;
that averaging, and the L2 penalty, belong to :mod:`skbp._core.network`.
"""

from itertools import pairwise

import numpy as np
from scipy.special import xlogy

from .activations import OUTPUT, softmax


class Loss:
    """A per-sample error with its output activation and its ``delta``."""

    output = "identity"

    def link(self, z, out):
        """``y_hat = g(z)``, written into ``out`` (which may be ``z``)."""
        return OUTPUT[self.output](z, out)

    def errors(self, y, z, y_hat):
        raise NotImplementedError

    def delta(self, y, z, y_hat, out):
        """``d error / d z`` into ``out``: ``y_hat - y`` under the canonical link."""
        return np.subtract(y_hat, y, out=out)


class SquaredError(Loss):
    def errors(self, y, z, y_hat):
        residual = y_hat - y
        return 0.5 * np.square(residual, out=residual).sum(axis=1)


class Poisson(Loss):
    output = "exp"

    def errors(self, y, z, y_hat):
        # Half the Poisson deviance; xlogy(y, y) is the saturated model's term,
        # which makes a perfect prediction cost exactly zero.
        return (xlogy(y, y) - y * z - y + y_hat).sum(axis=1)


class BinaryLogLoss(Loss):
    output = "logistic"

    def errors(self, y, z, y_hat):
        return (np.logaddexp(0.0, z) - y * z).sum(axis=1)


class LogLoss(Loss):
    output = "softmax"

    def errors(self, y, z, y_hat):
        # log sum_k exp(z_k), shifted by the row maximum so exp cannot overflow
        top = z.max(axis=1)
        shifted = np.subtract(z, top[:, np.newaxis])
        log_sum_exp = np.log(np.exp(shifted, out=shifted).sum(axis=1)) + top
        return log_sum_exp - (y * z).sum(axis=1)


class GroupedLogLoss(Loss):
    """``log_loss`` on each group of consecutive output units (sizes ``groups``)."""

    output = "softmax"  # one per group

    def __init__(self, groups):
        self.groups = tuple(int(g) for g in groups)
        self.bounds = np.cumsum((0, *self.groups))
        self._part = LogLoss()

    def _slices(self):
        return [slice(lo, hi) for lo, hi in pairwise(self.bounds)]

    def link(self, z, out):
        for s in self._slices():
            softmax(z[:, s], out[:, s])
        return out

    def errors(self, y, z, y_hat):
        return sum(self._part.errors(y[:, s], z[:, s], None) for s in self._slices())


class AbsoluteError(Loss):
    def errors(self, y, z, y_hat):
        return np.abs(y_hat - y).sum(axis=1)

    def delta(self, y, z, y_hat, out):
        np.subtract(y_hat, y, out=out)
        return np.sign(out, out=out)


class Huber(Loss):
    """Squared error within ``huber_delta`` of the target, absolute error beyond."""

    def __init__(self, huber_delta=1.0):
        self.huber_delta = huber_delta

    def errors(self, y, z, y_hat):
        r = np.abs(y_hat - y)
        d = self.huber_delta
        return np.where(r <= d, 0.5 * r**2, d * (r - 0.5 * d)).sum(axis=1)

    def delta(self, y, z, y_hat, out):
        np.subtract(y_hat, y, out=out)
        return np.clip(out, -self.huber_delta, self.huber_delta, out=out)


class Quantile(Loss):
    """Pinball loss of the ``quantile``-th quantile: under-predictions cost q, over 1 - q.

    ``quantile`` is one float for every output unit, or a sequence of one per
    unit, which broadcasts over the output columns.
    """

    def __init__(self, quantile=0.5):
        # A float stays a Python float, so that it computes in the outputs' dtype.
        self.quantile = quantile if np.ndim(quantile) == 0 else np.asarray(quantile, float)

    def errors(self, y, z, y_hat):
        under = y - y_hat
        return np.maximum(self.quantile * under, (self.quantile - 1.0) * under).sum(axis=1)

    def delta(self, y, z, y_hat, out):
        np.greater(y_hat, y, out=out)  # 1 where over-predicted
        out -= self.quantile
        return out


LOSSES = {
    "squared_error": SquaredError,
    "poisson": Poisson,
    "binary_log_loss": BinaryLogLoss,
    "log_loss": LogLoss,
    "grouped_log_loss": GroupedLogLoss,
    "absolute_error": AbsoluteError,
    "huber": Huber,
    "quantile": Quantile,
}


def make_loss(name, **params):
    """The loss called ``name``, with its own parameters, if any.

    ``huber_delta`` for 'huber', ``quantile`` for 'quantile', ``groups`` for
    'grouped_log_loss'.
    """
    return LOSSES[name](**params)
