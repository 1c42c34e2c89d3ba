"""One call to fit: its data as given and as trained on, and where it reports.

A network fitted on its own reports to its own callbacks and scores itself;
a network fitted inside another estimator (the Tabular ones, around their
preprocessing) reports to that estimator's callbacks, and its scorers score
that estimator, on the data as the user gave it.
"""

import copy
from dataclasses import dataclass

import numpy as np


@dataclass
class Run:
    """One call to fit or partial_fit: its data as given and as trained on, and its state."""

    given: tuple  # (X, y, sample_weight) as the user passed them
    incremental: bool
    first_pass: bool = True
    data: tuple | None = None  # (X, Y, sample_weight) as the network trains on them
    y: object = None  # the validated targets
    user_weight: np.ndarray | None = None  # the user's validated weights, which scores use
    validation: object = None  # a ValidationSet for X_val, y_val
    rng: np.random.RandomState | None = None
    net: object = None
    progress: object = None
    estimator: object = None
    outer: object = None  # an Outer, when the network trains inside another estimator

    def for_callbacks(self):
        """What callbacks are handed: the data as the user passed it to fit."""
        X, y, sample_weight = self.given if self.outer is None else self.outer.given
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        return {"X": X, "y": y, "metadata": metadata}

    def model_with(self, net):
        """A fitted copy of the estimator whose network is ``net``: what scorers score."""
        model = self.estimator._model_with(net, self.progress)
        return model if self.outer is None else self.outer.model_with(model)

    def snapshot(self, net, progress):
        """What callbacks' fitted copy is rebuilt from: the estimator as it stands now."""
        attributes = self.estimator._snapshot(net, progress)
        if self.outer is None:
            return attributes
        model = copy.copy(self.estimator)
        vars(model).update(attributes)
        return self.outer.attributes(model)


@dataclass
class Outer:
    """The estimator that a network trains inside (a Tabular one, around its preprocessing).

    Its callbacks see each epoch, with the data as the user passed it to the
    outer ``fit`` (``given``: X, y, sample_weight); its scorers score a copy
    of it holding the network trained so far, on the validation data as the
    user passed it (``validation``: X_val, y_val), so that they see the raw
    table and the target in its own units. ``attributes(model)`` gives the
    outer estimator's fitted attributes around a fitted network ``model``.
    """

    estimator: object
    ctx: object
    given: tuple
    validation: tuple | None
    attributes: object

    def model_with(self, model):
        outer = copy.copy(self.estimator)
        vars(outer).update(self.attributes(model))
        return outer
