"""A fully connected feed-forward network: forward pass, loss, backward pass.

Notation (layer k = 1..L, a_0 = x, one row per sample)::

    z_k = a_{k-1} W_k + b_k           pre-activation
    a_k = f(z_k)  (k < L)             hidden activation
    y_hat = g(z_L)                    output activation, the loss's inverse link

With sample weights s_i (all ones when none are given) and S = sum_i s_i, the
loss of a batch is::

    E = (1/S) sum_i s_i error(y_i, z_L,i)  +  alpha / (2 S) sum_k ||W_k||^2

and backpropagation gives its gradient for every weight and bias::

    delta_L = (s / S) * (y_hat - y)                 error at the output's z
    grad_W_k = a_{k-1}^T delta_k  (+ alpha / S W_k)
    grad_b_k = sum over rows of delta_k
    delta_{k-1} = (delta_k W_k^T) * f'(z_{k-1})     error sent one layer back

All parameters live in one flat vector, ``[W_1, ..., W_L, b_1, ..., b_L]``,
with ``coefs``/``intercepts`` as reshaped views into it. Optimizers and L-BFGS
then work on whole vectors, and the penalty, which covers weights only, is one
slice. Views do not survive pickling, so they are rebuilt on unpickling.
"""

from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from .activations import HIDDEN, OUTPUT
from .losses import LOSSES, output_delta


def _matmul_into(a, b, out):
    if sp.issparse(a):
        out[...] = a @ b
    else:
        np.matmul(a, b, out=out)
    return out


class Network:
    """Multi-layer perceptron whose weights and biases are one flat vector.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input and output included.
    activation : {'identity', 'logistic', 'tanh', 'relu'}
        Hidden-layer activation.
    loss : {'squared_error', 'poisson', 'binary_log_loss', 'log_loss'}
        Error function; it fixes the output activation.
    dtype : numpy dtype
        Floating type of parameters and of every buffer.
    """

    def __init__(self, layer_sizes, activation, loss, dtype=np.float64):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.activation = activation
        self.loss = loss
        self.dtype = np.dtype(dtype)
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self._bind_views()

    @property
    def shapes(self):
        return list(pairwise(self.layer_sizes))

    @property
    def n_weights(self):
        return sum(fan_in * fan_out for fan_in, fan_out in self.shapes)

    @property
    def n_params(self):
        return self.n_weights + sum(self.layer_sizes[1:])

    @property
    def output_activation(self):
        return LOSSES[self.loss][0]

    def unflatten(self, flat):
        """Per-layer views ``(W_list, b_list)`` into a flat parameter-shaped vector."""
        coefs, intercepts = [], []
        start = 0
        for shape in self.shapes:
            stop = start + shape[0] * shape[1]
            coefs.append(flat[start:stop].reshape(shape))
            start = stop
        for _, fan_out in self.shapes:
            intercepts.append(flat[start : start + fan_out])
            start += fan_out
        return coefs, intercepts

    def _bind_views(self):
        self.coefs, self.intercepts = self.unflatten(self.params)
        self._workspace = None

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in ("coefs", "intercepts", "_workspace"):
            del state[name]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._bind_views()

    def copy(self):
        clone = Network(self.layer_sizes, self.activation, self.loss, self.dtype)
        clone.params[:] = self.params
        return clone

    def initialize(self, rng):
        """Glorot-uniform weights and biases, drawn layer by layer from ``rng``.

        Bound ``sqrt(factor / (fan_in + fan_out))`` with factor 2 for logistic
        units and 6 otherwise, drawn in the same order as scikit-learn's MLP.
        """
        factor = 2.0 if self.activation == "logistic" else 6.0
        for W, b in zip(self.coefs, self.intercepts, strict=True):
            bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
            W[...] = rng.uniform(-bound, bound, W.shape)
            b[...] = rng.uniform(-bound, bound, b.shape)
        return self

    def predict(self, X):
        """Forward pass without buffers: the output ``y_hat`` for every row of X."""
        hidden = HIDDEN[self.activation][0]
        a = X
        for k, (W, b) in enumerate(zip(self.coefs, self.intercepts, strict=True)):
            z = a @ W
            z += b
            a = hidden(z) if k < len(self.coefs) - 1 else z
        return OUTPUT[self.output_activation](a)

    def workspace(self, n_rows):
        """Buffers for batches of up to ``n_rows`` rows, kept between calls."""
        if self._workspace is None or self._workspace.n_rows < n_rows:
            self._workspace = Workspace(self, n_rows)
        return self._workspace

    def forward(self, X, ws):
        """Forward pass into ``ws``: keeps every ``a_k`` and ``z_L``; returns ``y_hat``."""
        hidden = HIDDEN[self.activation][0]
        n = X.shape[0]
        a = X
        for k, (W, b) in enumerate(zip(self.coefs, self.intercepts, strict=True)):
            z = _matmul_into(a, W, ws.activations[k][:n])
            z += b
            a = hidden(z) if k < len(self.coefs) - 1 else z
        y_hat = ws.y_hat[:n]
        np.copyto(y_hat, a)
        return OUTPUT[self.output_activation](y_hat)

    def backward(self, X, ws):
        """Propagate ``ws.deltas[-1]`` back through the layers into ``ws.grad``."""
        hidden_backward = HIDDEN[self.activation][1]
        n = X.shape[0]
        delta = ws.deltas[-1][:n]
        for k in range(len(self.coefs) - 1, -1, -1):
            a_prev = X if k == 0 else ws.activations[k - 1][:n]
            _matmul_into(a_prev.T, delta, ws.grad_W[k])
            np.sum(delta, axis=0, out=ws.grad_b[k])
            if k > 0:
                delta_prev = np.matmul(delta, self.coefs[k].T, out=ws.deltas[k - 1][:n])
                scratch = ws.scratch[: delta_prev.size].reshape(delta_prev.shape)
                delta = hidden_backward(a_prev, delta_prev, scratch)
        return ws.grad

    def loss_and_gradient(self, X, Y, sample_weight, alpha, ws):
        """Loss ``E`` of the batch; its gradient is left in ``ws.grad``."""
        n = X.shape[0]
        y_hat = self.forward(X, ws)
        errors = LOSSES[self.loss][1](Y, ws.activations[-1][:n], y_hat)
        delta = output_delta(Y, y_hat, ws.deltas[-1][:n])
        if sample_weight is None:
            total = n
            loss = float(errors.mean())
            delta *= 1.0 / n
        else:
            total = float(sample_weight.sum())
            loss = float(np.dot(sample_weight, errors)) / total
            delta *= (sample_weight / total)[:, np.newaxis]
        self.backward(X, ws)
        return loss + self._add_l2_penalty(alpha / total, ws)

    def _add_l2_penalty(self, scale, ws):
        """Add ``scale * W`` to the weights' gradient; return ``scale/2 ||W||^2``."""
        if scale == 0:
            return 0.0
        weights = self.params[: self.n_weights]
        np.multiply(weights, scale, out=ws.penalty)
        ws.grad[: self.n_weights] += ws.penalty
        return 0.5 * scale * float(np.dot(weights, weights))


class Workspace:
    """Per-layer buffers for one batch size, so training allocates nothing per batch."""

    def __init__(self, net, n_rows):
        self.n_rows = n_rows
        widths = net.layer_sizes[1:]
        self.activations = [np.empty((n_rows, w), net.dtype) for w in widths]
        self.deltas = [np.empty((n_rows, w), net.dtype) for w in widths]
        self.y_hat = np.empty((n_rows, widths[-1]), net.dtype)
        self.scratch = np.empty(n_rows * max(widths), net.dtype)
        self.grad = np.zeros(net.n_params, net.dtype)
        self.grad_W, self.grad_b = net.unflatten(self.grad)
        self.penalty = np.empty(net.n_weights, net.dtype)
