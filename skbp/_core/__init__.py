"""The backpropagation core: plain numpy and scipy, no scikit-learn, no input checks.

Callers (the estimators) hand it validated, contiguous float arrays of one
dtype; everything here is the mathematics of training a network.
"""

from .lbfgs import fit_lbfgs
from .network import Network, Workspace
from .optimizers import SGD, Adam
from .schedules import SCHEDULES, make_schedule
from .training import Diverged, Progress, StochasticSettings, fit_stochastic

__all__ = [
    "SCHEDULES",
    "SGD",
    "Adam",
    "Diverged",
    "Network",
    "Progress",
    "StochasticSettings",
    "Workspace",
    "fit_lbfgs",
    "fit_stochastic",
    "make_schedule",
]
