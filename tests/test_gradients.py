"""The whole network's gradient, against finite differences and an independent autograd.

The matrix is every hidden activation (11) x every loss (8, as output kind;
grouped_log_loss with groups (2, 1, 2)) x alpha {0, 0.3} x {unweighted,
sample-weighted} x {no dropout, dropout 0.4 with a fixed mask}: 704 cases, plus
4 with one activation (and dropout rate) per hidden layer, 708 in all.

* autograd checks all 708: gradient and loss value of the forward pass
  written again below in autograd.numpy from ``net.unflatten(params)``.
* Central finite differences, 2 loss evaluations per parameter (~90
  parameters), check all 708 as well (about 8 s together).

Evaluation points keep clear of kinks: hidden pre-activations of relu-like
units at least 1e-4 from 0, and residuals of absolute error, huber and
quantile at least 0.1 from 0 and from ``huber_delta``, so that both checks are
exact up to rounding.
"""

import itertools
from typing import NamedTuple

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.special
from autograd.extend import defvjp, primitive
from autograd.scipy.special import logsumexp

from skbp._core import Network, Workspace
from skbp._core.activations import HIDDEN
from skbp._core.layers import Dropout
from skbp._core.losses import LOSSES as CORE_LOSSES

try:
    from autograd.scipy.special import erf
except ImportError:  # an autograd without erf: d erf(x) / dx = 2 / sqrt(pi) exp(-x**2)
    erf = primitive(scipy.special.erf)
    defvjp(erf, lambda ans, x: lambda g: g * 2 / np.sqrt(np.pi) * anp.exp(-(x**2)))

SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772  # Klambauer et al.

# The hidden activations as usually written (independently of skbp's).
REFERENCE = {
    "identity": lambda z: z,
    "logistic": lambda z: 1 / (1 + anp.exp(-z)),
    "tanh": anp.tanh,
    "relu": lambda z: anp.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z),
    "elu": lambda z: anp.where(z > 0, z, anp.expm1(z)),
    "selu": lambda z: SELU_SCALE * anp.where(z > 0, z, SELU_ALPHA * anp.expm1(z)),
    "gelu": lambda z: z * 0.5 * (1 + erf(z / np.sqrt(2))),
    "silu": lambda z: z / (1 + anp.exp(-z)),
    "softplus": lambda z: anp.logaddexp(0.0, z),
    "mish": lambda z: z * anp.tanh(anp.logaddexp(0.0, z)),
}
PIECEWISE = {"relu", "leaky_relu", "elu", "selu"}  # defined by cases either side of 0

HUBER_DELTA, QUANTILE, GROUPS = 0.5, 0.3, (2, 1, 2)
LOSS_PARAMS = {
    "squared_error": {},
    "poisson": {},
    "binary_log_loss": {},
    "log_loss": {},
    "grouped_log_loss": {"groups": GROUPS},
    "absolute_error": {},
    "huber": {"huber_delta": HUBER_DELTA},
    "quantile": {"quantile": QUANTILE},
}


def log_softmax(z):
    return z - logsumexp(z, axis=1, keepdims=True)


def log_sigmoid(z):
    return -anp.logaddexp(0.0, -z)


def grouped_log_softmax(z):
    bounds = np.cumsum((0, *GROUPS))
    return anp.concatenate(
        [log_softmax(z[:, lo:hi]) for lo, hi in itertools.pairwise(bounds)], axis=1
    )


def huber(r):
    size = anp.abs(r)
    return anp.where(size <= HUBER_DELTA, size**2 / 2, HUBER_DELTA * (size - HUBER_DELTA / 2))


def pinball(under):
    return anp.maximum(QUANTILE * under, (QUANTILE - 1) * under)


# The error per output unit, of output pre-activations z: textbook forms with every constant.
ERRORS = {
    "squared_error": lambda z, Y: (z - Y) ** 2 / 2,
    # half the Poisson deviance, y log(y / y_hat) - y + y_hat with log(y_hat) = z
    "poisson": lambda z, Y: scipy.special.xlogy(Y, Y) - Y * z - Y + anp.exp(z),
    "binary_log_loss": lambda z, Y: -(Y * log_sigmoid(z) + (1 - Y) * log_sigmoid(-z)),
    "log_loss": lambda z, Y: -Y * log_softmax(z),
    "grouped_log_loss": lambda z, Y: -Y * grouped_log_softmax(z),
    "absolute_error": lambda z, Y: anp.abs(z - Y),
    "huber": lambda z, Y: huber(z - Y),
    "quantile": lambda z, Y: pinball(Y - z),
}


class Case(NamedTuple):
    activation: str | tuple  # a name, or one per hidden layer
    loss: str
    alpha: float
    weighted: bool
    dropout: float | tuple  # a rate, or one per hidden layer


SETTINGS = list(itertools.product([0.0, 0.3], [False, True], [0.0, 0.4]))
ACTIVATIONS, LOSSES = sorted(HIDDEN), list(LOSS_PARAMS)
MATRIX = [Case(act, loss, *s) for act, loss, s in itertools.product(ACTIVATIONS, LOSSES, SETTINGS)]
PER_LAYER = [
    Case(("tanh", "gelu"), "log_loss", 0.3, True, 0.4),
    Case(("tanh", "gelu"), "huber", 0.0, False, (0.3, 0.0)),
    Case(("relu", "mish"), "quantile", 0.3, False, (0.0, 0.5)),
    Case(("selu", "softplus"), "grouped_log_loss", 0.0, True, 0.0),
]


def case_id(case):
    act = "+".join(case.activation) if isinstance(case.activation, tuple) else case.activation
    drop = "/".join(map(str, case.dropout)) if isinstance(case.dropout, tuple) else case.dropout
    weights = "weighted" if case.weighted else "unweighted"
    return f"{act}-{case.loss}-alpha{case.alpha}-{weights}-dropout{drop}"


def per_layer(value, n_hidden):
    return value if isinstance(value, tuple) else (value,) * n_hidden


class Problem(NamedTuple):
    net: Network
    ws: Workspace
    X: np.ndarray
    Y: np.ndarray
    sw: np.ndarray | None
    alpha: float
    activations: tuple
    masks: list  # per hidden layer, its fixed dropout mask or None


def fixed_masks(net, ws, n, rates):
    """Draw one dropout mask per dropout layer, then keep it: read back per hidden layer."""
    dropouts = [(i, layer) for i, layer in enumerate(net.layers) if isinstance(layer, Dropout)]
    assert [layer.rate for _, layer in dropouts] == [r for r in rates if r > 0]
    found = iter(ws.rows(n).layers[i]["mask"].copy() for i, _ in dropouts)
    masks = [next(found) if rate > 0 else None for rate in rates]
    for mask, rate in zip(masks, rates, strict=True):
        if mask is not None:  # inverted dropout: 0 or 1 / (1 - rate), both present
            assert set(np.unique(mask)) == {0.0, 1 / (1 - rate)}
    return masks


def residuals(shape, rng):
    """``y_hat - y`` of both signs and size in [0.1, 0.4] or [0.625, 1.5]: clear of huber's
    kinks at 0 and +-0.5, with some residuals on each side of 0.5."""
    index = np.arange(np.prod(shape)).reshape(shape)
    sign = np.where(index // 2 % 2 == 0, 1.0, -1.0)
    size = np.where(index % 2 == 0, rng.uniform(0.2, 0.8, shape), rng.uniform(1.25, 3.0, shape))
    return HUBER_DELTA * sign * size


def targets(loss, y_hat, rng):
    n, n_out = y_hat.shape
    if loss == "squared_error":
        return rng.normal(size=y_hat.shape)
    if loss == "poisson":
        return rng.poisson(1.5, size=y_hat.shape).astype(float)
    if loss == "binary_log_loss":
        return rng.integers(0, 2, size=y_hat.shape).astype(float)
    if loss in ("log_loss", "grouped_log_loss"):
        groups = GROUPS if loss == "grouped_log_loss" else (n_out,)
        return np.hstack([np.eye(k)[rng.integers(0, k, size=n)] for k in groups])
    return y_hat - residuals(y_hat.shape, rng)  # around the network's own output


def make_problem(case, seed=0, n_samples=8, sizes=(4, 6, 5)):
    rng = np.random.default_rng(seed)
    n_out = sum(GROUPS) if case.loss == "grouped_log_loss" else 3
    layer_sizes = (*sizes, n_out)
    n_hidden = len(layer_sizes) - 2
    net = Network(
        layer_sizes,
        case.activation,
        case.loss,
        dropout=case.dropout,
        loss_params=LOSS_PARAMS[case.loss],
    ).initialize(rng)
    X = rng.normal(size=(n_samples, sizes[0]))
    ws = net.workspace(n_samples)
    # One forward pass draws the masks; with no generator, every later pass reuses them.
    ws.dropout_rng = np.random.default_rng(0)
    y_hat = net.forward(X, ws).copy()
    ws.dropout_rng = None
    masks = fixed_masks(net, ws, n_samples, per_layer(case.dropout, n_hidden))
    Y = targets(case.loss, y_hat, rng)
    sw = rng.uniform(0.1, 3.0, size=n_samples) if case.weighted else None
    activations = per_layer(case.activation, n_hidden)
    return Problem(net, ws, X, Y, sw, case.alpha, activations, masks)


def loss_and_gradient(problem, params):
    problem.net.params[:] = params
    loss = problem.net.loss_and_gradient(
        problem.X, problem.Y, problem.sw, problem.alpha, problem.ws
    )
    return loss, problem.ws.grad.copy()


def reference_forward(params, problem):
    """Output pre-activations and the hidden ones, written out directly."""
    coefs, intercepts = problem.net.unflatten(params)
    a, hidden = problem.X, []
    for k, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        z = anp.dot(a, W) + b
        if k == len(coefs) - 1:
            return z, hidden
        hidden.append(z)
        a = REFERENCE[problem.activations[k]](z)
        if problem.masks[k] is not None:
            a = a * problem.masks[k]


def reference_loss(params, problem):
    """(1/S) sum_i s_i error_i + alpha / (2 S) sum_k ||W_k||^2, differentiable by autograd."""
    z, _ = reference_forward(params, problem)
    errors = anp.sum(ERRORS[problem.net.loss](z, problem.Y), axis=1)
    s = np.ones(len(problem.X)) if problem.sw is None else problem.sw
    penalty = sum(anp.sum(W**2) for W in problem.net.unflatten(params)[0])
    return anp.dot(s, errors) / s.sum() + problem.alpha / (2 * s.sum()) * penalty


def assert_clear_of_kinks(problem):
    _, hidden = reference_forward(problem.net.params, problem)
    for name, z in zip(problem.activations, hidden, strict=True):
        if name in PIECEWISE:
            assert np.abs(z).min() > 1e-4


def relative_error(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


def test_the_matrix_covers_every_activation_and_loss():
    assert set(REFERENCE) == set(HIDDEN)
    assert set(LOSS_PARAMS) == set(CORE_LOSSES)
    assert len(MATRIX) == 704


@pytest.mark.parametrize("case", MATRIX + PER_LAYER, ids=case_id)
def test_gradient_and_loss_match_autograd(case):
    problem = make_problem(case, seed=1)
    assert_clear_of_kinks(problem)
    params = problem.net.params.copy()
    value, grad = loss_and_gradient(problem, params)
    expected = autograd.grad(reference_loss)(params, problem)
    assert relative_error(grad, expected) < 1e-10
    np.testing.assert_allclose(value, reference_loss(params, problem), rtol=1e-12)


@pytest.mark.parametrize("case", MATRIX + PER_LAYER, ids=case_id)
def test_gradient_matches_finite_differences(case):
    problem = make_problem(case)
    assert_clear_of_kinks(problem)
    params = problem.net.params.copy()
    _, grad = loss_and_gradient(problem, params)
    h = 1e-6
    numeric = np.empty_like(params)
    for i in range(params.size):
        step = np.zeros_like(params)
        step[i] = h
        up = loss_and_gradient(problem, params + step)[0]
        down = loss_and_gradient(problem, params - step)[0]
        numeric[i] = (up - down) / (2 * h)
    assert relative_error(grad, numeric) < 1e-7


def test_gradient_with_sparse_input_equals_dense():
    problem = make_problem(Case("tanh", "log_loss", 0.1, True, 0.0), seed=2)
    X = problem.X
    X[np.abs(X) < 0.8] = 0.0
    params = problem.net.params.copy()
    dense = loss_and_gradient(problem, params)
    sparse = loss_and_gradient(problem._replace(X=sp.csr_matrix(X)), params)
    np.testing.assert_allclose(sparse[0], dense[0], rtol=1e-12)
    np.testing.assert_allclose(sparse[1], dense[1], rtol=1e-10, atol=1e-14)


def test_network_without_hidden_layer_is_a_linear_model():
    problem = make_problem(Case("relu", "squared_error", 0.0, False, 0.0), sizes=(4,))
    X, Y = problem.X, problem.Y
    _, grad = loss_and_gradient(problem, problem.net.params.copy())
    W, b = problem.net.coefs[0], problem.net.intercepts[0]
    residual = (X @ W + b - Y) / X.shape[0]
    np.testing.assert_allclose(grad[: W.size], (X.T @ residual).ravel())
    np.testing.assert_allclose(grad[W.size :], residual.sum(axis=0))


def test_float32_network_computes_in_float32():
    problem = make_problem(Case("relu", "log_loss", 0.1, True, 0.0))
    net, X, Y, weights = problem.net, problem.X, problem.Y, problem.sw
    net32 = Network(net.layer_sizes, "relu", "log_loss", np.float32)
    net32.params[:] = net.params
    ws = net32.workspace(X.shape[0])
    loss32 = net32.loss_and_gradient(
        X.astype(np.float32), Y.astype(np.float32), weights.astype(np.float32), 0.1, ws
    )
    assert ws.grad.dtype == np.float32
    loss64, grad64 = loss_and_gradient(problem, net.params.copy())
    np.testing.assert_allclose(loss32, loss64, rtol=1e-5)
    np.testing.assert_allclose(ws.grad, grad64, rtol=1e-3, atol=1e-5)


# -- one quantile per output unit ---------------------------------------------------------
# The quantile loss with a vector of quantiles (one per output column, as
# BackpropRegressor uses for several quantiles of one target), through the
# same two checks: LOSS_PARAMS and the reference pinball switched to it.

VECTOR_QUANTILES = np.array([0.2, 0.5, 0.85])  # make_problem's 3 output units
VECTOR_CASES = [Case(act, "quantile", *s) for act, s in itertools.product(ACTIVATIONS, SETTINGS)]


@pytest.fixture
def vector_quantiles(monkeypatch):
    monkeypatch.setitem(LOSS_PARAMS, "quantile", {"quantile": VECTOR_QUANTILES})
    monkeypatch.setitem(globals(), "QUANTILE", VECTOR_QUANTILES)  # read by pinball()


@pytest.mark.usefixtures("vector_quantiles")
@pytest.mark.parametrize("case", VECTOR_CASES, ids=case_id)
def test_vector_quantile_gradient_matches_autograd_and_finite_differences(case):
    problem = make_problem(case)
    np.testing.assert_array_equal(problem.net.loss_params["quantile"], VECTOR_QUANTILES)
    under = problem.Y - problem.net.predict(problem.X)
    # the reference weighs each column by its own quantile
    np.testing.assert_allclose(pinball(under)[:, 2], np.maximum(0.85 * under, -0.15 * under)[:, 2])
    test_gradient_and_loss_match_autograd(case)
    test_gradient_matches_finite_differences(case)
