"""The backpropagation core: plain numpy and scipy, no scikit-learn, no input checks.

Callers (the estimators) hand it validated, contiguous float arrays of one
dtype; everything here is the mathematics of training a network.
"""

from .network import Network, Workspace
from .optimizers import SGD, Adam
from .training import Diverged, Progress, StochasticSettings, fit_lbfgs, fit_stochastic

__all__ = [
    "SGD",
    "Adam",
    "Diverged",
    "Network",
    "Progress",
    "StochasticSettings",
    "Workspace",
    "fit_lbfgs",
    "fit_stochastic",
]
