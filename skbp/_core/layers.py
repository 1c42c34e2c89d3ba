"""The layer kinds a network is a sequence of, each forward beside its backward.

A layer takes the activations ``a_in`` of the layer below (or the input X)
and returns its own, ``a_out``; backward, it takes the error ``delta`` at its
output, adds its parameters' gradient to the workspace and returns the error
at its input (None for the first layer, whose input error nothing needs).

Every layer works in buffers of its own, ``views``, made from
``buffer_names`` by :class:`~skbp._core.network.Workspace` and handed out
for each batch size, so a training step allocates no batch-by-width array.
"""

import numpy as np
import scipy.sparse as sp

from .activations import HIDDEN


def _sparse_matmul(a, b, out):
    out[...] = a @ b
    return out


class Dense:
    """``z = a_in W + b``, then ``a_out = f(z)``.

    Backward, with ``delta`` the error at ``a_out``::

        delta_z  = delta * f'(z)
        grad_W   = a_in^T delta_z
        grad_b   = sum over rows of delta_z
        delta_in = delta_z W^T

    ``index`` is the layer's place among the dense layers, which is where its
    ``W`` and ``b`` (and their gradients) sit in the flat parameter vector.
    The output layer has ``activation=None``: its output activation belongs
    to the loss, whose ``delta`` is already the error at ``z``.
    """

    def __init__(self, index, fan_in, fan_out, activation, first):
        self.index, self.fan_in, self.width = index, fan_in, fan_out
        self.activation, self.first = activation, first
        rule = HIDDEN[activation] if activation is not None else None
        self._f = rule.forward if rule else None
        self._f_backward = rule.backward if rule else None
        self._scratch = rule is not None and rule.scratch
        self.W = self.b = None  # views into the parameter vector, set by the network

    def buffer_names(self):
        names = ["out"] if self.first else ["out", "delta_in"]
        if self._f is not None:
            names.append("cache")
        if self._scratch:
            names.append("scratch")
        return names

    def buffer_width(self, name):
        return self.fan_in if name == "delta_in" else self.width

    def forward(self, a_in, views, rng):
        z = views["out"]
        if self.first and sp.issparse(a_in):
            _sparse_matmul(a_in, self.W, z)
        else:
            np.matmul(a_in, self.W, out=z)
        z += self.b
        if self._f is None:
            return z
        return self._f(z, views["cache"], views.get("scratch"))

    def backward(self, a_in, delta, views, ws):
        if self._f_backward is not None:
            delta = self._f_backward(views["out"], delta, views["cache"], views.get("scratch"))
        grad_W = ws.grad_W[self.index]
        if self.first and sp.issparse(a_in):
            _sparse_matmul(a_in.T, delta, grad_W)
        else:
            np.matmul(a_in.T, delta, out=grad_W)
        np.matmul(views["ones"], delta, out=ws.grad_b[self.index])  # column sums, one BLAS call
        if self.first:
            return None  # the input layer needs no error of its own
        return np.matmul(delta, self.W.T, out=views["delta_in"])

    def predict(self, a_in):
        """Forward pass outside training: no buffers, no kept derivatives."""
        z = a_in @ self.W
        z += self.b
        return z if self._f is None else self._f(z)


class Dropout:
    """Inverted dropout: units kept with probability ``1 - rate``, scaled by ``1 / (1 - rate)``.

    With the mask ``m`` (entries 0 or ``1 / (1 - rate)``), ``a_out = a_in * m``
    and ``delta_in = delta * m``; the expected output equals the input, so
    predicting needs no rescaling and skips the layer. A new mask is drawn for
    every batch from ``rng``; with ``rng=None`` the last one is used again
    (new buffers start as all-ones masks), which is what gradient checks need.
    """

    def __init__(self, rate, width):
        self.rate, self.width = rate, width

    def buffer_names(self):
        return ["out", "mask"]

    def buffer_width(self, name):
        return self.width

    def new_buffers(self, name, buffer):
        if name == "mask":
            buffer.fill(1.0)

    def forward(self, a_in, views, rng):
        mask = views["mask"]
        if rng is not None:
            rng.random(out=mask, dtype=mask.dtype)
            np.greater_equal(mask, self.rate, out=mask)
            mask *= 1.0 / (1.0 - self.rate)
        return np.multiply(a_in, mask, out=views["out"])

    def backward(self, a_in, delta, views, ws):
        delta *= views["mask"]
        return delta

    def predict(self, a_in):
        return a_in
