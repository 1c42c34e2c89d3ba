"""The whole network's gradient, against finite differences and an independent autograd.

Every hidden activation x every loss (output kind) x {alpha 0, > 0} x
{unweighted, sample-weighted}, through the core's public functions.
"""

import itertools

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import scipy.sparse as sp
from autograd.scipy.special import logsumexp

from skbp._core import Network

ACTIVATIONS = ["identity", "logistic", "tanh", "relu"]
LOSSES = ["squared_error", "poisson", "binary_log_loss", "log_loss"]
CASES = list(itertools.product(ACTIVATIONS, LOSSES, [0.0, 0.3], [False, True]))


def make_problem(activation, loss, seed=0, n_samples=9, sizes=(4, 6, 5, 3)):
    rng = np.random.RandomState(seed)
    net = Network(sizes, activation, loss).initialize(rng)
    X = rng.normal(size=(n_samples, sizes[0]))
    n_out = sizes[-1]
    if loss == "squared_error":
        Y = rng.normal(size=(n_samples, n_out))
    elif loss == "poisson":
        Y = rng.poisson(1.5, size=(n_samples, n_out)).astype(float)
    elif loss == "binary_log_loss":
        Y = rng.randint(0, 2, size=(n_samples, n_out)).astype(float)
    else:
        Y = np.eye(n_out)[rng.randint(0, n_out, size=n_samples)]
    weights = rng.uniform(0.1, 3.0, size=n_samples)
    return net, X, Y, weights


def loss_and_gradient(net, X, Y, sw, alpha, params):
    net.params[:] = params
    ws = net.workspace(X.shape[0])
    loss = net.loss_and_gradient(X, Y, sw, alpha, ws)
    return loss, ws.grad.copy()


def reference_loss(params, net, X, Y, sw, alpha):
    """The loss written out directly, differentiable by autograd."""
    coefs, intercepts = net.unflatten(params)
    hidden = {
        "identity": lambda z: z,
        "logistic": lambda z: 1 / (1 + anp.exp(-z)),
        "tanh": anp.tanh,
        "relu": lambda z: anp.maximum(z, 0.0),
    }[net.activation]
    a = X
    for k, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        z = anp.dot(a, W) + b
        a = hidden(z) if k < len(coefs) - 1 else z
    if net.loss == "squared_error":
        errors = 0.5 * anp.sum((z - Y) ** 2, axis=1)
    elif net.loss == "poisson":
        errors = anp.sum(anp.exp(z) - Y * z, axis=1)  # constant terms dropped
    elif net.loss == "binary_log_loss":
        errors = anp.sum(anp.logaddexp(0.0, z) - Y * z, axis=1)
    else:
        errors = logsumexp(z, axis=1) - anp.sum(Y * z, axis=1)
    s = np.ones(X.shape[0]) if sw is None else sw
    penalty = sum(anp.sum(W**2) for W in coefs)
    return anp.dot(s, errors) / s.sum() + alpha / (2 * s.sum()) * penalty


def relative_error(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.mark.parametrize(("activation", "loss", "alpha", "weighted"), CASES)
def test_gradient_matches_finite_differences(activation, loss, alpha, weighted):
    net, X, Y, weights = make_problem(activation, loss)
    sw = weights if weighted else None
    params = net.params.copy()
    _, grad = loss_and_gradient(net, X, Y, sw, alpha, params)
    h = 1e-6
    numeric = np.empty_like(params)
    for i in range(params.size):
        step = np.zeros_like(params)
        step[i] = h
        up = loss_and_gradient(net, X, Y, sw, alpha, params + step)[0]
        down = loss_and_gradient(net, X, Y, sw, alpha, params - step)[0]
        numeric[i] = (up - down) / (2 * h)
    assert relative_error(grad, numeric) < 1e-7


@pytest.mark.parametrize(("activation", "loss", "alpha", "weighted"), CASES)
def test_gradient_and_loss_match_autograd(activation, loss, alpha, weighted):
    net, X, Y, weights = make_problem(activation, loss, seed=1)
    sw = weights if weighted else None
    params = net.params.copy()
    value, grad = loss_and_gradient(net, X, Y, sw, alpha, params)
    expected = autograd.grad(reference_loss)(params, net, X, Y, sw, alpha)
    assert relative_error(grad, expected) < 1e-10
    if loss != "poisson":  # the reference drops the Poisson loss's constant terms
        np.testing.assert_allclose(value, reference_loss(params, net, X, Y, sw, alpha))


def test_gradient_with_sparse_input_equals_dense():
    net, X, Y, weights = make_problem("tanh", "log_loss", seed=2)
    X[np.abs(X) < 0.8] = 0.0
    params = net.params.copy()
    dense = loss_and_gradient(net, X, Y, weights, 0.1, params)
    sparse = loss_and_gradient(net, sp.csr_matrix(X), Y, weights, 0.1, params)
    np.testing.assert_allclose(sparse[0], dense[0], rtol=1e-12)
    np.testing.assert_allclose(sparse[1], dense[1], rtol=1e-10, atol=1e-14)


def test_network_without_hidden_layer_is_a_linear_model():
    net, X, Y, _ = make_problem("relu", "squared_error", sizes=(4, 3))
    params = net.params.copy()
    _, grad = loss_and_gradient(net, X, Y, None, 0.0, params)
    W, b = net.coefs[0], net.intercepts[0]
    residual = (X @ W + b - Y) / X.shape[0]
    np.testing.assert_allclose(grad[: W.size], (X.T @ residual).ravel())
    np.testing.assert_allclose(grad[W.size :], residual.sum(axis=0))


def test_float32_network_computes_in_float32():
    net, X, Y, weights = make_problem("relu", "log_loss")
    net32 = Network(net.layer_sizes, "relu", "log_loss", np.float32)
    net32.params[:] = net.params
    ws = net32.workspace(X.shape[0])
    loss32 = net32.loss_and_gradient(
        X.astype(np.float32), Y.astype(np.float32), weights.astype(np.float32), 0.1, ws
    )
    assert ws.grad.dtype == np.float32
    loss64, grad64 = loss_and_gradient(net, X, Y, weights, 0.1, net.params.copy())
    np.testing.assert_allclose(loss32, loss64, rtol=1e-5)
    np.testing.assert_allclose(ws.grad, grad64, rtol=1e-3, atol=1e-5)
