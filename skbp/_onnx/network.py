"""A fitted network's forward pass as ONNX nodes.

Each hidden activation is written beside the rule of
:mod:`skbp._core.activations` it reproduces. onnxruntime computes its own
LeakyRelu, Elu, Selu, Softplus, Mish, Gelu and Erf in float32 only, so those
are composed from elementary operators that also run in float64; only the
error function is evaluated in float32 (about 1e-7 relative) for a float64
graph.
"""

from itertools import pairwise

import numpy as np

from .._core.activations import LEAKY_SLOPE, SELU_ALPHA, SELU_SCALE
from .._core.ensemble import Ensemble


def _expm1_below_zero(g, z):
    """``exp(min(z, 0)) - 1``: the negative branch of elu and selu, which cannot overflow."""
    return g.op("Sub", g.op("Exp", g.op("Min", z, g.const(0.0))), g.const(1.0))


def leaky_relu(g, z):
    """``max(z, slope z)``."""
    return g.op("Max", z, g.op("Mul", z, g.const(LEAKY_SLOPE)))


def elu(g, z):
    """``max(z, 0) + (exp(min(z, 0)) - 1)``."""
    return g.op("Add", g.op("Relu", z), _expm1_below_zero(g, z))


def selu(g, z):
    """``scale (max(z, 0) + alpha (exp(min(z, 0)) - 1))``."""
    negative = g.op("Mul", _expm1_below_zero(g, z), g.const(SELU_ALPHA))
    return g.op("Mul", g.op("Add", g.op("Relu", z), negative), g.const(SELU_SCALE))


def softplus(g, z):
    """``log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|))``, which cannot overflow."""
    tail = g.op("Exp", g.op("Neg", g.op("Abs", z)))
    return g.op("Add", g.op("Relu", z), g.op("Log", g.op("Add", tail, g.const(1.0))))


def gelu(g, z):
    """``z Phi(z) = z (1 + erf(z / sqrt 2)) / 2``."""
    scaled = g.op("Mul", z, g.const(1.0 / np.sqrt(2.0)))
    erf = g.cast(g.op("Erf", g.cast(scaled, np.float32)), g.dtype)
    return g.op("Mul", g.op("Mul", z, g.const(0.5)), g.op("Add", erf, g.const(1.0)))


def silu(g, z):
    """``z s(z)``."""
    return g.op("Mul", z, g.op("Sigmoid", z))


def mish(g, z):
    """``z tanh(softplus(z))``."""
    return g.op("Mul", z, g.op("Tanh", softplus(g, z)))


HIDDEN = {
    "identity": lambda g, z: z,
    "logistic": lambda g, z: g.op("Sigmoid", z),
    "tanh": lambda g, z: g.op("Tanh", z),
    "relu": lambda g, z: g.op("Relu", z),
    "leaky_relu": leaky_relu,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
    "silu": silu,
    "softplus": softplus,
    "mish": mish,
}


def grouped_softmax(g, z, groups):
    """Softmax over each group of consecutive columns (one group per output)."""
    bounds = pairwise(np.cumsum([0, *groups]))
    parts = [g.op("Softmax", g.columns(z, lo, hi), axis=1) for lo, hi in bounds]
    return g.op("Concat", *parts, axis=1)


def ascending_rows(g, y, n_columns):
    """Each row of y sorted in increasing order: TopK of all its columns, smallest first.

    The monotone rearrangement of several quantiles, as ``predict`` does it.
    """
    values, _ = g.ops("TopK", [y, g.const([n_columns], np.int64)], 2, axis=1, largest=0, sorted=1)
    return values


def network_outputs(g, network, x):
    """``y_hat`` for the rows of x: one network's, or an ensemble's mean of its members'."""
    if not isinstance(network, Ensemble):
        return _member_outputs(g, network, x)
    outputs = [_member_outputs(g, m, x, network.temperature) for m in network.members]
    total = outputs[0]
    for y_hat in outputs[1:]:
        total = g.op("Add", total, y_hat)
    return total if len(outputs) == 1 else g.op("Div", total, g.const(float(len(outputs))))


def _member_outputs(g, network, x, temperature=1.0):
    """``y_hat = g(z_L / T)``: dense layers, activations, temperature, output link."""
    a, last = x, len(network.coefs) - 1
    for k, (W, b) in enumerate(zip(network.coefs, network.intercepts, strict=True)):
        z = g.op("Add", g.op("MatMul", a, g.const(W)), g.const(b))
        a = HIDDEN[network.activations[k]](g, z) if k < last else z
    if temperature != 1.0:
        a = g.op("Div", a, g.const(temperature))
    link = network.output_activation
    if link == "softmax" and "groups" in network.loss_params:
        return grouped_softmax(g, a, network.loss_params["groups"])
    return {
        "identity": lambda: a,
        "logistic": lambda: g.op("Sigmoid", a),
        "softmax": lambda: g.op("Softmax", a, axis=1),
        "exp": lambda: g.op("Exp", a),
    }[link]()
