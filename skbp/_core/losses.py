"""Error functions, each paired with the output activation that is its canonical link.

For one sample with targets ``y`` (one entry per output unit), output
pre-activations ``z`` and predictions ``y_hat = g(z)``:

===================  ==========  ===========================================
loss                 g           per-sample error
===================  ==========  ===========================================
squared_error        identity    1/2 sum_k (y_hat_k - y_k)**2
poisson              exp         sum_k y_k log(y_k / y_hat_k) - y_k + y_hat_k
binary_log_loss      logistic    sum_k log(1 + exp(z_k)) - y_k z_k
log_loss             softmax     log(sum_k exp(z_k)) - sum_k y_k z_k
===================  ==========  ===========================================

Each ``g`` is the canonical (inverse) link of its loss, which is what makes
the derivative of every per-sample error with respect to ``z`` the same::

    d error / d z_k = y_hat_k - y_k

so :func:`output_delta` serves all four. The log-losses are written in terms of
``z`` rather than ``log(y_hat)``: that form never takes the log of a rounded
probability, so the value reported is exactly the function whose gradient
training follows, even for confident predictions.

The loss of a batch is the (sample-weighted) mean of the per-sample errors;
that averaging, and the L2 penalty, belong to :mod:`skbp._core.network`.
"""

import numpy as np
from scipy.special import xlogy


def squared_error(y, z, y_hat):
    residual = y_hat - y
    return 0.5 * np.square(residual, out=residual).sum(axis=1)


def poisson(y, z, y_hat):
    # Half the Poisson deviance; xlogy(y, y) is the saturated model's term,
    # which makes a perfect prediction cost exactly zero.
    return (xlogy(y, y) - y * z - y + y_hat).sum(axis=1)


def binary_log_loss(y, z, y_hat):
    return (np.logaddexp(0.0, z) - y * z).sum(axis=1)


def log_loss(y, z, y_hat):
    # log sum_k exp(z_k), shifted by the row maximum so exp cannot overflow
    top = z.max(axis=1)
    shifted = np.subtract(z, top[:, np.newaxis])
    log_sum_exp = np.log(np.exp(shifted, out=shifted).sum(axis=1)) + top
    return log_sum_exp - (y * z).sum(axis=1)


def output_delta(y, y_hat, out):
    """Error at the output pre-activation, ``y_hat - y``, for every loss here."""
    return np.subtract(y_hat, y, out=out)


# loss name -> (output activation, per-sample error)
LOSSES = {
    "squared_error": ("identity", squared_error),
    "poisson": ("exp", poisson),
    "binary_log_loss": ("logistic", binary_log_loss),
    "log_loss": ("softmax", log_loss),
}
