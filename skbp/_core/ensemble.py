"""Several fitted networks predicting as one: the mean of their predictions.

Members ``m = 1..M`` share layer sizes and loss. Each member's logits are
divided by one temperature ``T`` (:mod:`skbp._core.calibration`; 1 leaves
them as they are), and the ensemble predicts the mean of the members'
predictions, on the scale of the predictions (probabilities, not logits)::

    y_hat = (1/M) sum_m g(z_m / T)

Its logits are those that the link turns into that mean, ``g^-1(y_hat)``:
the log-odds of the mean probability, or, for a softmax, the log of the mean
probabilities (a softmax ignores a constant added to a row, so they are
logits of the mean up to one). One member's are exactly ``z / T``.
"""

import numpy as np
from scipy.special import logit

from .calibration import scaled_logits


def _log(y):
    """``log y``, with 0 read as the smallest positive number, so logits stay finite."""
    return np.log(np.maximum(y, np.finfo(y.dtype).tiny))


def _logit(p):
    """``log(p / (1 - p))``, with p kept inside (0, 1) so logits stay finite."""
    kept = np.clip(p, np.finfo(p.dtype).tiny, 1 - np.finfo(p.dtype).epsneg)
    return logit(kept)


# g^-1 for each output activation: the logits of a prediction.
INVERSE_LINK = {
    "identity": lambda y: y,
    "exp": _log,
    "logistic": _logit,
    "softmax": _log,  # per group as well: each group's softmax ignores its own constant
}


class Ensemble:
    """Fitted :class:`~skbp._core.network.Network` members that predict their mean.

    Parameters
    ----------
    members : sequence of Network
        Fitted networks of one architecture and loss.
    temperature : float, default=1.0
        T, which divides every member's logits before its output link.
    """

    def __init__(self, members, temperature=1.0):
        self.members = tuple(members)
        self.temperature = float(temperature)

    @property
    def dtype(self):
        return self.members[0].dtype

    @property
    def output_activation(self):
        return self.members[0].output_activation

    def _member_predict(self, member, X):
        z = scaled_logits(member.logits(X), self.temperature)
        return member._loss.link(z, out=z)

    def predict(self, X):
        """``(1/M) sum_m g(z_m / T)`` for the rows of X."""
        total = self._member_predict(self.members[0], X)
        for member in self.members[1:]:
            total += self._member_predict(member, X)
        return total / len(self.members) if len(self.members) > 1 else total

    def logits(self, X):
        """``g^-1(predict(X))``; for one member, ``z / T`` exactly."""
        if len(self.members) == 1:
            return scaled_logits(self.members[0].logits(X), self.temperature)
        return INVERSE_LINK[self.output_activation](self.predict(X))

    # scikit-learn's coefs_ and intercepts_ are one network's: a lone member's.
    @property
    def coefs(self):
        return self._lone_member("coefs").coefs

    @property
    def intercepts(self):
        return self._lone_member("intercepts").intercepts

    def _lone_member(self, what):
        if len(self.members) > 1:
            raise AttributeError(
                f"An ensemble of {len(self.members)} networks has no single {what}_: "
                f"each member's are networks_[i].{what}_."
            )
        return self.members[0]
