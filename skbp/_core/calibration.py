"""Temperature scaling: one scalar that divides a fitted classifier's logits.

With output pre-activations ``z`` and a temperature ``T > 0``::

    z' = z / T,   y_hat = g(z')            g: the loss's link (logistic or softmax)

``T > 1`` softens every probability toward uniform, ``T < 1`` sharpens it;
the ranking of the classes in a row, and so every predicted label, stays the
same. T is fitted by minimising the (weighted) mean log-loss of held-out rows
over ``u = log T`` (so that T stays positive). With the loss's delta at
``z'``, ``delta = d error / d z'`` (``y_hat - y`` for the log-losses), the
chain rule gives, since ``d z' / d u = -z'``::

    d error / d u = sum_k delta_k d z'_k / d u = -sum_k delta_k z'_k

The log-losses are convex in ``1 / T`` (``z'`` is linear in it), so the
derivative in ``u`` changes sign once, at the minimum: it is found as the
root of the derivative in ``u`` within [-LOG_T_BOUND, LOG_T_BOUND], or is
the bound the error falls toward.
"""

import numpy as np
from scipy.optimize import brentq

# T within [e^-5, e^5]: beyond, the probabilities are all but 0/1 or uniform.
LOG_T_BOUND = 5.0


def scaled_logits(z, temperature):
    """``z' = z / T``."""
    return z / temperature


def scaled_logits_backward(z, temperature, delta):
    """``d error / d log T = -sum_k delta_k z'_k``, per row, from the delta at ``z'``."""
    return -(delta * scaled_logits(z, temperature)).sum(axis=1)


def error_and_derivative(loss, Y, z, log_t, weights=None):
    """Mean error of ``g(z / e^u)`` against Y, and its derivative in ``u = log T``."""
    scaled = scaled_logits(z, np.exp(log_t))
    y_hat = loss.link(scaled, out=np.empty_like(scaled))
    errors = loss.errors(Y, scaled, y_hat)
    delta = loss.delta(Y, scaled, y_hat, out=np.empty_like(scaled))
    per_row = scaled_logits_backward(z, np.exp(log_t), delta)
    if weights is None:
        return float(errors.mean()), float(per_row.mean())
    total = weights.sum()
    return float(weights @ errors / total), float(weights @ per_row / total)


def fit_temperature(loss, Y, z, weights=None):
    """The T minimising the mean log-loss of ``g(z / T)`` against Y (float64 throughout)."""
    z, Y = np.asarray(z, dtype=np.float64), np.asarray(Y, dtype=np.float64)

    def derivative(u):
        return error_and_derivative(loss, Y, z, u, weights)[1]

    if derivative(-LOG_T_BOUND) >= 0:  # sharper is better as far as the bound
        return float(np.exp(-LOG_T_BOUND))
    if derivative(LOG_T_BOUND) <= 0:  # softer is better (logits unrelated to the labels)
        return float(np.exp(LOG_T_BOUND))
    return float(np.exp(brentq(derivative, -LOG_T_BOUND, LOG_T_BOUND, xtol=1e-12)))
