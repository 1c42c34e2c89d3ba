"""Activation functions, each forward rule beside its derivative.

A hidden unit computes ``a = f(z)`` from its pre-activation ``z``. Backward,
the error arriving at ``a`` is turned into the error at ``z`` by the chain
rule, ``delta_z = delta_a * f'(z)``.

=============  ==============================  =================================
name           f(z)                            f'(z)
=============  ==============================  =================================
identity       z                               1
logistic       s(z) = 1 / (1 + exp(-z))        a (1 - a)
tanh           tanh(z)                         1 - a**2
relu           max(z, 0)                       1 if z > 0 else 0
leaky_relu     z if z > 0 else 0.01 z          1 if z > 0 else 0.01
elu            z if z > 0 else exp(z) - 1      1 if z > 0 else exp(z)
selu           l z if z > 0 else l c (e^z-1)   l if z > 0 else l c exp(z)
gelu           z Phi(z)                        Phi(z) + z phi(z)
silu           z s(z)                          s(z) (1 + z (1 - s(z)))
softplus       log(1 + exp(z))                 s(z)
mish           z tanh(softplus(z))             t + z s(z) (1 - t**2), t = tanh(softplus(z))
=============  ==============================  =================================

(``Phi`` and ``phi`` are the standard normal distribution and density; selu's
``l`` and ``c`` are Klambauer et al.'s constants.) The first three
derivatives are written in terms of the output ``a``, which the forward pass
keeps anyway; relu keeps its 0/1 step, and every other activation keeps its
derivative ``f'(z)`` itself, computed in the forward pass while ``z`` is at
hand, so that backward is one multiplication.

Forward functions overwrite ``z`` with ``a``; backward functions overwrite
``delta``. Both get the layer's ``cache``, a buffer of ``z``'s shape that
the forward pass fills with what its backward pass needs (or uses as scratch
space), so training allocates no layer-sized array per batch. Outside
training (``cache=None``) they allocate what they need themselves. Every
function is written so that large ``|z|`` neither overflows nor produces NaN.

Output activations are the inverse links of the losses in
:mod:`skbp._core.losses`; their derivatives enter through the losses, as the
error at the output's pre-activation.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit, ndtr


def identity(z, cache=None, scratch=None):
    return z


def identity_backward(a, delta, cache, scratch):
    return delta


def logistic(z, cache=None, scratch=None):
    return expit(z, out=z)


def logistic_backward(a, delta, cache, scratch):
    np.subtract(1.0, a, out=cache)
    cache *= a
    delta *= cache
    return delta


def tanh(z, cache=None, scratch=None):
    return np.tanh(z, out=z)


def tanh_backward(a, delta, cache, scratch):
    np.square(a, out=cache)
    np.subtract(1.0, cache, out=cache)
    delta *= cache
    return delta


def relu(z, cache=None, scratch=None):
    if cache is None:
        return np.maximum(z, 0.0, out=z)
    # Keep the step f'(z) = [z > 0] (taking f'(0) = 0) as 0.0/1.0 for the
    # backward pass; z * step is then max(z, 0), and cheaper than np.maximum.
    np.greater(z, 0.0, out=cache)
    z *= cache
    return z


def relu_backward(a, delta, cache, scratch):
    delta *= cache  # the step kept by relu()
    return delta


# The activations below keep f'(z) in ``cache`` (allocated here when called
# outside training), so one backward rule serves them all.


def times_kept_derivative(a, delta, cache, scratch):
    delta *= cache
    return delta


LEAKY_SLOPE = 0.01


def leaky_relu(z, cache=None, scratch=None):
    cache = np.empty_like(z) if cache is None else cache
    np.greater(z, 0.0, out=cache)  # f'(z) = slope + (1 - slope) [z > 0]
    cache *= 1.0 - LEAKY_SLOPE
    cache += LEAKY_SLOPE
    z *= cache
    return z


def _exp_minus_one(x):
    """exp(x) - 1 in place, for x <= 0.

    Not np.expm1: numpy has no vectorised expm1, and in float32 it runs at
    about 15 ns an element against exp's 1.4. The subtraction loses
    expm1's relative accuracy for tiny |x|, but not its absolute accuracy
    (the error stays at the unit roundoff of 1, below that of the
    pre-activation x itself), and it is exact at x = 0.
    """
    np.exp(x, out=x)
    x -= 1.0
    return x


def elu(z, cache=None, scratch=None):
    cache = np.empty_like(z) if cache is None else cache
    # exp only of min(z, 0), so no overflow for large z; exp(z) - 1 = a below 0
    np.minimum(z, 0.0, out=cache)
    _exp_minus_one(cache)
    np.maximum(z, 0.0, out=z)
    z += cache
    cache += 1.0  # f' = exp(min(z, 0)): 1 above 0, exp(z) = a + 1 below
    return z


SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def selu(z, cache=None, scratch=None):
    cache = np.empty_like(z) if cache is None else cache
    scratch = np.empty_like(z) if scratch is None else scratch
    np.greater(z, 0.0, out=scratch)
    np.minimum(z, 0.0, out=cache)
    _exp_minus_one(cache)
    cache *= SELU_ALPHA  # alpha (exp(z) - 1) below 0, and 0 above
    np.maximum(z, 0.0, out=z)
    z += cache
    z *= SELU_SCALE
    # f' / scale is 1 above 0 and alpha exp(z) below: (cache + alpha) + [z > 0] (1 - alpha)
    cache += SELU_ALPHA
    scratch *= 1.0 - SELU_ALPHA
    cache += scratch
    cache *= SELU_SCALE
    return z


INV_SQRT_2PI = 0.3989422804014327


def gelu(z, cache=None, scratch=None):
    cache = np.empty_like(z) if cache is None else cache
    scratch = np.empty_like(z) if scratch is None else scratch
    ndtr(z, out=cache)  # Phi(z)
    np.clip(z, -40.0, 40.0, out=scratch)  # beyond that phi(z) is 0: no overflow of z**2
    np.square(scratch, out=scratch)
    scratch *= -0.5
    np.exp(scratch, out=scratch)
    scratch *= INV_SQRT_2PI  # phi(z)
    scratch *= z
    z *= cache
    cache += scratch  # Phi(z) + z phi(z)
    return z


def silu(z, cache=None, scratch=None):
    cache = np.empty_like(z) if cache is None else cache
    scratch = np.empty_like(z) if scratch is None else scratch
    expit(z, out=cache)  # s(z)
    np.negative(z, out=scratch)
    expit(scratch, out=scratch)  # 1 - s(z), without cancellation
    scratch *= z
    scratch *= cache
    z *= cache
    cache += scratch  # s + z s (1 - s)
    return z


def softplus(z, cache=None, scratch=None):
    # log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): the exponential never
    # overflows, and these ufuncs together run about twice as fast as
    # np.logaddexp in float32.
    cache = np.empty_like(z) if cache is None else cache
    scratch = np.empty_like(z) if scratch is None else scratch
    expit(z, out=cache)  # the derivative, s(z)
    np.abs(z, out=scratch)
    np.negative(scratch, out=scratch)
    np.exp(scratch, out=scratch)
    np.log1p(scratch, out=scratch)
    np.maximum(z, 0.0, out=z)
    z += scratch
    return z


# Beyond this z, tanh(softplus(z)) is 1 in float64, and e^(2z) would overflow float32.
MISH_SATURATES = 20.0


def mish(z, cache=None, scratch=None):
    # t = tanh(softplus(z)) in closed form: with e = e^z,
    # tanh(log(1 + e)) = ((1 + e)^2 - 1) / ((1 + e)^2 + 1) = n / (n + 2), n = e (e + 2),
    # without cancellation at either end. Keeps z s(z) in cache and t in
    # scratch: the derivative t + z s (1 - t**2) is then formed in backward
    # without a third buffer.
    cache = np.empty_like(z) if cache is None else cache
    scratch = np.empty_like(z) if scratch is None else scratch
    np.minimum(z, MISH_SATURATES, out=scratch)
    np.exp(scratch, out=scratch)  # e
    np.add(scratch, 2.0, out=cache)
    scratch *= cache  # n
    np.add(scratch, 2.0, out=cache)
    scratch /= cache  # t
    expit(z, out=cache)
    cache *= z
    z *= scratch
    return z


def mish_backward(a, delta, cache, scratch):
    cache *= delta  # delta z s
    delta *= scratch  # delta t
    np.square(scratch, out=scratch)
    np.subtract(1.0, scratch, out=scratch)
    cache *= scratch
    delta += cache
    return delta


class Activation(NamedTuple):
    forward: Callable
    backward: Callable
    scratch: bool = False  # whether training needs a second buffer besides cache


HIDDEN = {
    "identity": Activation(identity, identity_backward),
    "logistic": Activation(logistic, logistic_backward),
    "tanh": Activation(tanh, tanh_backward),
    "relu": Activation(relu, relu_backward),
    "leaky_relu": Activation(leaky_relu, times_kept_derivative),
    "elu": Activation(elu, times_kept_derivative),
    "selu": Activation(selu, times_kept_derivative, scratch=True),
    "gelu": Activation(gelu, times_kept_derivative, scratch=True),
    "silu": Activation(silu, times_kept_derivative, scratch=True),
    "softplus": Activation(softplus, times_kept_derivative, scratch=True),
    "mish": Activation(mish, mish_backward, scratch=True),
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
