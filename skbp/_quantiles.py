"""Several quantiles of one target: the ``quantile`` parameter checked, the score, the notes.

:class:`~skbp.BackpropRegressor` with a sequence of quantiles trains one
output unit per quantile (the core's pinball loss broadcasts them over the
output columns) and sorts each row of its predictions; this module holds
what that needs beside the estimator.
"""

from numbers import Real

import numpy as np
from sklearn.metrics import d2_pinball_score
from sklearn.utils.validation import column_or_1d

# The regressor's Notes and References on several quantiles (numpydoc text).
NOTES = """
    **Several quantiles, never crossing.** With quantiles
    ``q_1 < ... < q_k`` the error of a sample is
    ``sum_j rho_{q_j}(y - y_hat_j)``, with the pinball loss
    ``rho_q(u) = max(q u, (q - 1) u) = q u + max(-u, 0)``. Trained
    separately, the outputs may cross (``y_hat_j > y_hat_{j+1}`` on some
    rows), which no set of quantiles can do. ``predict`` therefore sorts
    each row: the monotone rearrangement of Chernozhukov, Fernandez-Val and
    Galichon (2010), who show that rearranging an estimate of a monotone
    curve brings it no farther from the true curve, in any ``L^p`` norm.
    For the pinball loss, sorting a row never increases its error, whatever
    ``y`` turns out to be::

        sum_j rho_{q_j}(y - a_j) = y sum_j q_j - sum_j q_j a_j + sum_j max(a_j - y, 0)

    The last sum does not depend on the order of the ``a_j``, and the
    rearrangement inequality makes ``sum_j q_j a_j`` largest when the
    ``a_j`` are in the order of the ``q_j``, increasing; exchanging a
    crossed pair ``a_i > a_j`` (``q_i < q_j``) lowers the error by exactly
    ``(q_j - q_i)(a_i - a_j)``. Rows that do not cross are left as they are.

    **Score.** ``score`` is the R² of ``predict``, scikit-learn's
    convention, for every loss and a float ``quantile``. With several
    quantiles, an R² of one target against several columns of quantiles
    means nothing, so ``score`` is the mean over the columns of
    :func:`~sklearn.metrics.d2_pinball_score` of column j at
    ``alpha=quantiles_[j]``: the fraction of pinball loss explained, the
    pinball loss's analogue of R² (1 when perfect, 0 for the best constant
    prediction of each quantile). Early stopping, with ``scoring=None``,
    stops on it. Scorers for a single output, such as ``'r2'``, do not
    apply to several quantiles.

    References
    ----------
    V. Chernozhukov, I. Fernandez-Val and A. Galichon, "Quantile and
    probability curves without crossing", Econometrica 78(3), 1093-1125,
    2010.
"""


def check_quantiles(quantile):
    """A float as given; a sequence as a sorted float array, each entry checked.

    Raises ValueError naming what is wrong: not 1-D, empty, out of (0, 1)
    (nan included), or a quantile given twice.
    """
    if isinstance(quantile, Real):  # the estimator's constraints have checked its range
        return quantile
    try:
        q = np.asarray(quantile, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"quantile must be a float or a sequence of floats, got {quantile!r}."
        ) from exc
    if q.ndim != 1 or q.size == 0:
        raise ValueError(
            "quantile must be a float in (0, 1) or a non-empty 1-D sequence of them; "
            f"got an array of shape {q.shape}."
        )
    inside = (q > 0) & (q < 1)  # False for nan too
    if not inside.all():
        raise ValueError(f"Each quantile must lie strictly between 0 and 1; got {q[~inside]}.")
    values, counts = np.unique(q, return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"quantile lists {values[counts > 1]} more than once: give each quantile once."
        )
    return values  # sorted


def mean_d2_pinball(y, y_hat, quantiles, sample_weight=None):
    """Mean over columns j of the D² pinball score of ``y_hat[:, j]`` at ``quantiles[j]``.

    D² is ``1 - loss / loss of the best constant``: the pinball loss's
    analogue of R².
    """
    y = column_or_1d(y)
    scores = [
        d2_pinball_score(y, y_hat[:, j], alpha=q, sample_weight=sample_weight)
        for j, q in enumerate(quantiles)
    ]
    return float(np.mean(scores))
