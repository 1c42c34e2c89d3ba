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
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .activations import HIDDEN, OUTPUT
from .losses import LOSSES, output_delta


def _sparse_matmul(a, b, out):
    out[...] = a @ b
    return out


def _input_matmul(X):
    """The product to use with the input batch X: BLAS for dense, scipy for sparse."""
    return _sparse_matmul if sp.issparse(X) else np.matmul


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
        self.shapes = list(pairwise(self.layer_sizes))
        self.n_weights = sum(fan_in * fan_out for fan_in, fan_out in self.shapes)
        self.n_params = self.n_weights + sum(self.layer_sizes[1:])
        self.output_activation = LOSSES[loss][0]
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self._bind_views()

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
        # The training loop's functions, looked up once rather than per batch.
        self._hidden, self._hidden_backward = HIDDEN[self.activation]
        self._output = OUTPUT[self.output_activation]
        self._errors = LOSSES[self.loss][1]

    # Rebuilt by _bind_views, so never pickled.
    _TRANSIENT = frozenset(
        ("coefs", "intercepts", "_workspace", "_hidden", "_hidden_backward", "_output", "_errors")
    )

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}

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

    def logits(self, X):
        """Forward pass without buffers, up to the output pre-activation ``z_L``."""
        last = len(self.coefs) - 1
        a = X
        for k, (W, b) in enumerate(zip(self.coefs, self.intercepts, strict=True)):
            z = a @ W
            z += b
            a = self._hidden(z) if k < last else z
        return a

    def predict(self, X):
        """The output ``y_hat = g(z_L)`` for every row of X."""
        z = self.logits(X)
        return self._output(z, z)

    def workspace(self, n_rows):
        """Buffers for batches of up to ``n_rows`` rows, kept between calls."""
        if self._workspace is None or self._workspace.n_rows < n_rows:
            self._workspace = Workspace(self, n_rows)
        return self._workspace

    def release_workspace(self):
        """Drop the buffers; the next ``workspace()`` call makes new ones."""
        self._workspace = None

    def forward(self, X, ws):
        """Forward pass into ``ws``: keeps every ``a_k`` and ``z_L``; returns ``y_hat``."""
        rows = ws.rows(X.shape[0])
        last = len(self.coefs) - 1
        a = X
        for k, (W, b, z) in enumerate(
            zip(self.coefs, self.intercepts, rows.activations, strict=True)
        ):
            (_input_matmul(X) if k == 0 else np.matmul)(a, W, out=z)
            z += b
            a = self._hidden(z, rows.cache[k]) if k < last else z
        return self._output(a, rows.y_hat)

    def backward(self, X, ws):
        """Propagate the output error ``ws.rows(n).deltas[-1]`` back into ``ws.grad``."""
        rows = ws.rows(X.shape[0])
        delta = rows.deltas[-1]
        for k in range(len(self.coefs) - 1, -1, -1):
            a_prev = X if k == 0 else rows.activations[k - 1]
            (_input_matmul(X) if k == 0 else np.matmul)(a_prev.T, delta, out=ws.grad_W[k])
            np.matmul(rows.ones, delta, out=ws.grad_b[k])  # column sums, as one BLAS call
            if k > 0:  # the input layer needs no error of its own
                delta_prev = np.matmul(delta, self.coefs[k].T, out=rows.deltas[k - 1])
                delta = self._hidden_backward(a_prev, delta_prev, rows.cache[k - 1])
        return ws.grad

    def loss_and_gradient(self, X, Y, sample_weight, alpha, ws, weight=None):
        """Loss ``E`` of the batch; its gradient is left in ``ws.grad``.

        ``weight`` is ``S``, the batch's total sample weight, if the caller has it.
        """
        n = X.shape[0]
        rows = ws.rows(n)
        y_hat = self.forward(X, ws)
        errors = self._errors(Y, rows.activations[-1], y_hat)
        delta = output_delta(Y, y_hat, rows.deltas[-1])
        if sample_weight is None:
            total = n
            loss = float(errors.sum()) / n
            delta *= 1.0 / n
        else:
            total = float(sample_weight.sum()) if weight is None else weight
            loss = float(np.dot(sample_weight, errors)) / total
            delta *= (sample_weight / total)[:, np.newaxis]
        self.backward(X, ws)
        return loss + self._add_l2_penalty(alpha / total, ws)

    def batch_loss(self, X, Y, sample_weight, alpha):
        """Loss ``E`` of a batch, without its gradient or the training buffers."""
        z = self.logits(X)
        errors = self._errors(Y, z, self._output(z, np.empty_like(z)))
        if sample_weight is None:
            total, mean = X.shape[0], float(errors.sum()) / X.shape[0]
        else:
            total = float(sample_weight.sum())
            mean = float(np.dot(sample_weight, errors)) / total
        weights = self.params[: self.n_weights]
        return mean + 0.5 * alpha / total * float(np.dot(weights, weights))

    def _add_l2_penalty(self, scale, ws):
        """Add ``scale * W`` to the weights' gradient; return ``scale/2 ||W||^2``."""
        if scale == 0:
            return 0.0
        weights = self.params[: self.n_weights]
        np.multiply(weights, scale, out=ws.penalty)
        ws.grad[: self.n_weights] += ws.penalty
        return 0.5 * scale * float(np.dot(weights, weights))


class Workspace:
    """Buffers for batches of up to ``n_rows`` rows: training allocates no layer-sized arrays.

    ``rows(n)`` hands out views of the first ``n`` rows of every per-sample
    buffer; they are cached, since an epoch's batches come in at most two sizes.
    """

    def __init__(self, net, n_rows):
        self.n_rows = n_rows
        self.widths = net.layer_sizes[1:]
        self.activations = [np.empty((n_rows, w), net.dtype) for w in self.widths]
        self.deltas = [np.empty((n_rows, w), net.dtype) for w in self.widths]
        self.y_hat = np.empty((n_rows, self.widths[-1]), net.dtype)
        self.cache = [np.empty((n_rows, w), net.dtype) for w in self.widths[:-1]]
        self.grad = np.zeros(net.n_params, net.dtype)
        self.grad_W, self.grad_b = net.unflatten(self.grad)
        self.penalty = np.empty(net.n_weights, net.dtype)
        self.ones = np.ones(n_rows, net.dtype)
        self._rows = {}

    def rows(self, n):
        views = self._rows.get(n)
        if views is None:
            if len(self._rows) > 8:
                self._rows.clear()
            views = self._rows[n] = RowViews(
                activations=[a[:n] for a in self.activations],
                deltas=[d[:n] for d in self.deltas],
                y_hat=self.y_hat[:n],
                cache=[c[:n] for c in self.cache],
                ones=self.ones[:n],
            )
        return views


class RowViews(NamedTuple):
    activations: list
    deltas: list
    y_hat: np.ndarray
    cache: list  # per hidden layer: what its backward pass needs, or scratch
    ones: np.ndarray
