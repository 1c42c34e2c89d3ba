"""A feed-forward network as a sequence of layers: forward pass, loss, backward pass.

Notation (dense layer k = 1..L, a_0 = x, one row per sample)::

    z_k = a_{k-1} W_k + b_k           pre-activation
    a_k = f_k(z_k)  (k < L)           hidden activation (f_k may differ per layer)
    y_hat = g(z_L)                    output activation, the loss's inverse link

With sample weights s_i (all ones when none are given) and S = sum_i s_i, the
loss of a batch is::

    E = (1/S) sum_i s_i error(y_i, z_L,i)  +  alpha / (2 S) sum_k ||W_k||^2

and backpropagation gives its gradient for every weight and bias::

    delta_L = (s / S) * d error / d z_L             error at the output's z (the loss's delta)
    grad_W_k = a_{k-1}^T delta_k  (+ alpha / S W_k)
    grad_b_k = sum over rows of delta_k
    delta_{k-1} = (delta_k W_k^T) * f'(z_{k-1})     error sent one layer back

Dropout after a hidden layer multiplies ``a_k`` by a random mask forward and
the error by the same mask backward (:mod:`skbp._core.layers`).

All parameters live in one flat vector, ``[W_1, ..., W_L, b_1, ..., b_L]``,
with ``coefs``/``intercepts`` as reshaped views into it. Optimizers and L-BFGS
then work on whole vectors, and the penalty, which covers weights only, is one
slice. Views and layers do not survive pickling, so they are rebuilt on
unpickling.
"""

from itertools import pairwise

import numpy as np

from .layers import Dense, Dropout
from .losses import make_loss

# Rows per block of a forward pass outside training: enough for matrix
# products at full speed, few enough that a (rows, width) temporary of a
# 256-unit layer stays near 4 MiB.
PREDICT_ROWS = 4096


def per_hidden_layer(value, n_hidden):
    """One value per hidden layer from a single value or a sequence of them."""
    if isinstance(value, str) or np.ndim(value) == 0:
        return (value,) * n_hidden
    return tuple(value)


class Network:
    """Multi-layer perceptron whose weights and biases are one flat vector.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input and output included.
    activation : str or sequence of str
        Hidden-layer activation (a name of ``activations.HIDDEN``), or one per
        hidden layer.
    loss : str
        Error function (a name of ``losses.LOSSES``); it fixes the output activation.
    dtype : numpy dtype
        Floating type of parameters and of every buffer.
    dropout : float or sequence of float
        Dropout rate after each hidden layer (0 for none).
    loss_params : dict, optional
        The loss's own parameters (``huber_delta``, ``quantile``, ``groups``).
    """

    def __init__(
        self, layer_sizes, activation, loss, dtype=np.float64, dropout=0.0, loss_params=None
    ):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        n_hidden = len(self.layer_sizes) - 2
        self.activation = activation
        self.activations = per_hidden_layer(activation, n_hidden)
        self.dropout = per_hidden_layer(dropout, n_hidden)
        self.loss = loss
        self.loss_params = dict(loss_params or {})
        self.dtype = np.dtype(dtype)
        self.shapes = list(pairwise(self.layer_sizes))
        self.n_weights = sum(fan_in * fan_out for fan_in, fan_out in self.shapes)
        self.n_params = self.n_weights + sum(self.layer_sizes[1:])
        self.output_activation = make_loss(loss, **self.loss_params).output
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

    def _build_layers(self):
        layers, last = [], len(self.shapes) - 1
        for k, (fan_in, fan_out) in enumerate(self.shapes):
            activation = self.activations[k] if k < last else None
            dense = Dense(k, fan_in, fan_out, activation, first=k == 0)
            dense.W, dense.b = self.coefs[k], self.intercepts[k]
            layers.append(dense)
            if k < last and self.dropout[k] > 0:
                layers.append(Dropout(self.dropout[k], fan_out))
        return layers

    def _bind_views(self):
        self.coefs, self.intercepts = self.unflatten(self.params)
        self.layers = self._build_layers()
        self._workspace = None
        self._loss = make_loss(self.loss, **self.loss_params)

    # Rebuilt by _bind_views, so never pickled.
    _TRANSIENT = frozenset(("coefs", "intercepts", "layers", "_workspace", "_loss"))

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}

    def __setstate__(self, state):
        state.setdefault("dropout", (0.0,) * (len(state["layer_sizes"]) - 2))
        state.setdefault(
            "activations", per_hidden_layer(state["activation"], len(state["dropout"]))
        )
        state.setdefault("loss_params", {})
        self.__dict__.update(state)
        self._bind_views()

    def copy(self):
        clone = Network(
            self.layer_sizes,
            self.activation,
            self.loss,
            self.dtype,
            self.dropout,
            self.loss_params,
        )
        clone.params[:] = self.params
        return clone

    def initialize(self, rng):
        """Glorot-uniform weights and biases, drawn layer by layer from ``rng``.

        Bound ``sqrt(factor / (fan_in + fan_out))`` with factor 2 for logistic
        units and 6 otherwise, drawn in the same order as scikit-learn's MLP.
        Each layer takes the factor of its own activation; the output layer
        takes that of the last hidden layer (with one activation for the whole
        network, every layer takes its factor, as in scikit-learn).
        """
        names = (*self.activations, self.activations[-1] if self.activations else self.activation)
        for W, b, name in zip(self.coefs, self.intercepts, names, strict=True):
            factor = 2.0 if name == "logistic" else 6.0
            bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
            W[...] = rng.uniform(-bound, bound, W.shape)
            b[...] = rng.uniform(-bound, bound, b.shape)
        return self

    def logits(self, X):
        """Forward pass without buffers or dropout, up to the output pre-activation ``z_L``.

        Rows go through in blocks of ``PREDICT_ROWS``, so that the hidden
        layers' temporaries take the same memory for a million rows as for a
        few thousand; each row's result does not depend on the others.
        """
        n = X.shape[0]
        if n <= PREDICT_ROWS:
            return self._block_logits(X)
        first = self._block_logits(X[:PREDICT_ROWS])
        z = np.empty((n, first.shape[1]), dtype=first.dtype)
        z[:PREDICT_ROWS] = first
        for start in range(PREDICT_ROWS, n, PREDICT_ROWS):
            z[start : start + PREDICT_ROWS] = self._block_logits(X[start : start + PREDICT_ROWS])
        return z

    def _block_logits(self, X):
        a = X
        for layer in self.layers:
            a = layer.predict(a)
        return a

    def predict(self, X):
        """The output ``y_hat = g(z_L)`` for every row of X."""
        z = self.logits(X)
        return self._loss.link(z, z)

    def workspace(self, n_rows):
        """Buffers for batches of up to ``n_rows`` rows, kept between calls."""
        if self._workspace is None or self._workspace.n_rows < n_rows:
            self._workspace = Workspace(self, n_rows)
        return self._workspace

    def release_workspace(self):
        """Drop the buffers; the next ``workspace()`` call makes new ones."""
        self._workspace = None

    def forward(self, X, ws):
        """Forward pass into ``ws``; returns ``y_hat``.

        Dropout layers draw new masks from ``ws.dropout_rng`` (None: keep the last).
        """
        rows = ws.rows(X.shape[0])
        a = X
        for layer, views in zip(self.layers, rows.layers, strict=True):
            a = layer.forward(a, views, ws.dropout_rng)
        return self._loss.link(a, rows.y_hat)

    def backward(self, X, ws):
        """Propagate the output error ``ws.rows(n).delta_out`` back into ``ws.grad``."""
        rows = ws.rows(X.shape[0])
        delta = rows.delta_out
        for i in range(len(self.layers) - 1, -1, -1):
            a_in = X if i == 0 else rows.layers[i - 1]["out"]
            delta = self.layers[i].backward(a_in, delta, rows.layers[i], ws)
        return ws.grad

    def loss_and_gradient(self, X, Y, sample_weight, alpha, ws, weight=None):
        """Loss ``E`` of the batch; its gradient is left in ``ws.grad``.

        ``weight`` is ``S``, the batch's total sample weight, if the caller has it.
        """
        n = X.shape[0]
        rows = ws.rows(n)
        y_hat = self.forward(X, ws)
        z = rows.layers[-1]["out"]
        errors = self._loss.errors(Y, z, y_hat)
        delta = self._loss.delta(Y, z, y_hat, rows.delta_out)
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
        _, mean = self.predict_and_error(X, Y, sample_weight)
        total = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        weights = self.params[: self.n_weights]
        return mean + 0.5 * alpha / total * float(np.dot(weights, weights))

    def predict_and_error(self, X, Y, sample_weight):
        """Outputs ``y_hat`` for X, and their (sample-weighted) mean error: E without penalty."""
        z = self.logits(X)
        y_hat = self._loss.link(z, np.empty_like(z))
        errors = self._loss.errors(Y, z, y_hat)
        if sample_weight is None:
            return y_hat, float(errors.sum()) / X.shape[0]
        return y_hat, float(np.dot(sample_weight, errors)) / float(sample_weight.sum())

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

    Each layer names the buffers it needs; ``rows(n)`` hands out, per layer, a
    dict of views of their first ``n`` rows. The views are cached, since an
    epoch's batches come in at most two sizes. ``dropout_rng`` is the
    generator dropout masks are drawn from (None: masks stay as they are).
    """

    def __init__(self, net, n_rows):
        self.n_rows = n_rows
        self.buffers = [self._layer_buffers(layer, n_rows, net.dtype) for layer in net.layers]
        width = net.layer_sizes[-1]
        self.y_hat = np.empty((n_rows, width), net.dtype)
        self.delta_out = np.empty((n_rows, width), net.dtype)
        self.grad = np.zeros(net.n_params, net.dtype)
        self.grad_W, self.grad_b = net.unflatten(self.grad)
        self.penalty = np.empty(net.n_weights, net.dtype)
        self.ones = np.ones(n_rows, net.dtype)
        self.dropout_rng = None
        self._rows = {}

    @staticmethod
    def _layer_buffers(layer, n_rows, dtype):
        buffers = {}
        for name in layer.buffer_names():
            buffers[name] = np.empty((n_rows, layer.buffer_width(name)), dtype)
            if hasattr(layer, "new_buffers"):
                layer.new_buffers(name, buffers[name])
        return buffers

    def rows(self, n):
        views = self._rows.get(n)
        if views is None:
            if len(self._rows) > 8:
                self._rows.clear()
            layers = [{name: b[:n] for name, b in buffers.items()} for buffers in self.buffers]
            for layer_views in layers:
                layer_views["ones"] = self.ones[:n]
            views = self._rows[n] = RowViews(layers, self.y_hat[:n], self.delta_out[:n])
        return views


class RowViews:
    """The first ``n`` rows of every buffer: per layer, then the output's."""

    __slots__ = ("delta_out", "layers", "y_hat")

    def __init__(self, layers, y_hat, delta_out):
        self.layers, self.y_hat, self.delta_out = layers, y_hat, delta_out
