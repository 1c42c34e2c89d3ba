"""Activation functions, each forward rule beside its derivative.

A hidden unit computes ``a = f(z)`` from its pre-activation ``z``. Backward,
the error arriving at ``a`` is turned into the error at ``z`` by the chain
rule, ``delta_z = delta_a * f'(z)``. Every derivative here is written in terms
of the *output* ``a`` (which the forward pass keeps anyway), so ``z`` need not
be stored:

=========  ======================  ==========================
name       f(z)                    f'(z) in terms of a = f(z)
=========  ======================  ==========================
identity   z                       1
logistic   1 / (1 + exp(-z))       a (1 - a)
tanh       tanh(z)                 1 - a**2
relu       max(z, 0)               1 if a > 0 else 0
=========  ======================  ==========================

Forward functions overwrite ``z`` with ``a``; backward functions overwrite
``delta``. Both get the layer's ``cache``, a buffer of ``z``'s shape that
the forward pass may fill with what its backward pass needs (relu keeps its
0/1 step there) and that the others use as scratch space, so training
allocates no layer-sized array per batch. Outside training (``cache=None``) forward
functions need no buffer.

Output activations are the inverse links of the losses in
:mod:`skbp._core.losses`. Their derivatives are never needed on their own:
paired with their canonical loss, the error at the output's pre-activation is
simply ``y_hat - y``.
"""

import numpy as np
from scipy.special import expit


def identity(z, cache=None):
    return z


def identity_backward(a, delta, cache):
    return delta


def logistic(z, cache=None):
    return expit(z, out=z)


def logistic_backward(a, delta, cache):
    np.subtract(1.0, a, out=cache)
    cache *= a
    delta *= cache
    return delta


def tanh(z, cache=None):
    return np.tanh(z, out=z)


def tanh_backward(a, delta, cache):
    np.square(a, out=cache)
    np.subtract(1.0, cache, out=cache)
    delta *= cache
    return delta


def relu(z, cache=None):
    if cache is None:
        return np.maximum(z, 0.0, out=z)
    # Keep the step f'(z) = [z > 0] (taking f'(0) = 0) as 0.0/1.0 for the
    # backward pass; z * step is then max(z, 0), and cheaper than np.maximum.
    np.greater(z, 0.0, out=cache)
    z *= cache
    return z


def relu_backward(a, delta, cache):
    delta *= cache  # the step kept by relu()
    return delta


HIDDEN = {
    "identity": (identity, identity_backward),
    "logistic": (logistic, logistic_backward),
    "tanh": (tanh, tanh_backward),
    "relu": (relu, relu_backward),
}


# Output activations write into ``out`` (which may be ``z`` itself), because
# training keeps ``z`` for the loss; the identity output simply is ``z``.


def identity_output(z, out):
    return z


def logistic_output(z, out):
    return expit(z, out=out)


def softmax(z, out):
    """Row-wise softmax, shifted by the row maximum so exp cannot overflow."""
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def exp(z, out):
    return np.exp(z, out=out)


OUTPUT = {
    "identity": identity_output,
    "logistic": logistic_output,
    "softmax": softmax,
    "exp": exp,
}
