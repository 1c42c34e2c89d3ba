"""Fitted state as plain data: what pickles and skops files of skbp models hold.

A fitted estimator keeps the core's objects (the network, the optimizer and
its schedule, the training record). Saved, they become nested dicts, lists
and arrays tagged with their class, and numpy dtypes and random generators
become strings and dicts, so that ``skops.io`` has nothing to trust but the
estimator class itself; loading rebuilds the objects. Saved models carry
skbp's version, and loading one from another version warns.
"""

import warnings

import numpy as np

from ._core.ensemble import Ensemble
from ._core.network import Network
from ._core.optimizers import SGD, Adam
from ._core.schedules import SCHEDULES
from ._core.training import Progress
from ._version import __version__

CLASSES = {
    cls.__name__: cls for cls in (Network, Ensemble, SGD, Adam, Progress, *SCHEDULES.values())
}


class InconsistentVersionWarning(UserWarning):
    """A model saved by one version of skbp was loaded by another.

    Its predictions and further training may differ, or fail; refit it with
    this version, or load it with the version that saved it.

    Attributes
    ----------
    estimator_name : str
        The class of the loaded estimator.
    original_version : str
        The skbp version that saved it ('unknown' before 0.4).
    current_version : str
        The skbp version that loaded it.
    """

    def __init__(self, *, estimator_name, original_version, current_version):
        self.estimator_name = estimator_name
        self.original_version = original_version
        self.current_version = current_version

    def __str__(self):
        return (
            f"Trying to unpickle estimator {self.estimator_name} from skbp version "
            f"{self.original_version} when using version {self.current_version}. This "
            "might lead to breaking code or invalid results. Use at your own risk."
        )


def to_plain(obj):
    """``obj`` with every core object, dtype and random generator made plain data."""
    if type(obj) in CLASSES.values():
        state = obj.__getstate__() if isinstance(obj, Network) else vars(obj)
        return {"__skbp__": type(obj).__name__, "state": to_plain(dict(state))}
    if isinstance(obj, np.dtype):
        return {"__dtype__": obj.str}
    if isinstance(obj, np.random.Generator):
        return {"__generator__": to_plain(obj.bit_generator.state)}
    if isinstance(obj, dict):
        return {key: to_plain(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(to_plain(value) for value in obj)
    return obj


def from_plain(data):
    """The objects :func:`to_plain` made plain, rebuilt."""
    if isinstance(data, dict):
        if "__skbp__" in data:
            return _rebuild(CLASSES[data["__skbp__"]], from_plain(data["state"]))
        if "__dtype__" in data:
            return np.dtype(data["__dtype__"])
        if "__generator__" in data:
            state = from_plain(data["__generator__"])
            generator = np.random.Generator(getattr(np.random, state["bit_generator"])())
            generator.bit_generator.state = state
            return generator
        return {key: from_plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(from_plain(value) for value in data)
    return data


def _rebuild(cls, state):
    obj = cls.__new__(cls)
    if cls is Network:
        obj.__setstate__(state)
    else:
        obj.__dict__.update(state)
    return obj


class VersionedState:
    """Pickling that records skbp's version, warns on a mismatch, and keeps state plain.

    ``_plain_attributes`` names the attributes whose objects are saved as
    plain data.
    """

    _plain_attributes: tuple[str, ...] = ()

    def __getstate__(self):
        state = dict(super().__getstate__())  # object.__getstate__ may return __dict__ itself
        for name in self._plain_attributes:
            if name in state:
                state[name] = to_plain(state[name])
        return {**state, "_skbp_version": __version__}

    def __setstate__(self, state):
        state = dict(state)
        version = state.pop("_skbp_version", "unknown")
        if version != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    original_version=version,
                    current_version=__version__,
                ),
                stacklevel=2,
            )
        for name in self._plain_attributes:
            if name in state:
                state[name] = from_plain(state[name])
        super().__setstate__(state)
