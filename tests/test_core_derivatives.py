"""Every derivative in the core's activations and losses, each checked more than one way.

Hidden activations: ``backward`` against central finite differences of
``forward`` (in (-3, 3), and at and around 0), against autograd's derivative
of a textbook reference written here, at their kinks, and for large ``|z|``;
``forward`` against that reference and the same in predict and training mode.
Losses: ``delta`` against central finite differences of the summed errors, for
every loss and parameter value, hard and soft targets; and the errors against
their textbook forms.
"""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import scipy.special
from autograd.extend import defvjp, primitive

from skbp._core import activations, losses
from skbp._core.activations import HIDDEN, OUTPUT

try:
    from autograd.scipy.special import erf as autograd_erf
except ImportError:  # an autograd without erf: d erf(x) / dx = 2 / sqrt(pi) exp(-x**2)
    autograd_erf = primitive(scipy.special.erf)
    defvjp(autograd_erf, lambda ans, x: lambda g: g * 2 / np.sqrt(np.pi) * anp.exp(-(x**2)))

# Klambauer et al. (2017), "Self-normalizing neural networks".
SELU_SCALE = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772


def textbook(xp, erf):
    """Each hidden activation as usually written, in the array module ``xp``."""
    return {
        "identity": lambda z: z,
        "logistic": lambda z: 1 / (1 + xp.exp(-z)),
        "tanh": lambda z: xp.sinh(z) / xp.cosh(z),
        "relu": lambda z: xp.where(z > 0, z, 0.0),
        "leaky_relu": lambda z: xp.where(z > 0, z, 0.01 * z),
        "elu": lambda z: xp.where(z > 0, z, xp.expm1(z)),
        "selu": lambda z: SELU_SCALE * xp.where(z > 0, z, SELU_ALPHA * xp.expm1(z)),
        "gelu": lambda z: z * 0.5 * (1 + erf(z / np.sqrt(2))),  # z Phi(z)
        "silu": lambda z: z / (1 + xp.exp(-z)),
        "softplus": lambda z: xp.log1p(xp.exp(z)),
        "mish": lambda z: z * xp.tanh(xp.log1p(xp.exp(z))),
    }


REFERENCE = textbook(np, scipy.special.erf)
AUTOGRAD_REFERENCE = textbook(anp, autograd_erf)

# Where the derivative jumps at 0, backward takes the left derivative there.
KINKED = {"relu": 0.0, "leaky_relu": 0.01, "selu": SELU_SCALE * SELU_ALPHA}
SMOOTH = sorted(set(HIDDEN) - set(KINKED))

# f(z) = m z + c for z -> +inf and for z -> -inf: ((m+, c+), (m-, c-)).
ASYMPTOTES = {
    "identity": ((1.0, 0.0), (1.0, 0.0)),
    "logistic": ((0.0, 1.0), (0.0, 0.0)),
    "tanh": ((0.0, 1.0), (0.0, -1.0)),
    "relu": ((1.0, 0.0), (0.0, 0.0)),
    "leaky_relu": ((1.0, 0.0), (0.01, 0.0)),
    "elu": ((1.0, 0.0), (0.0, -1.0)),
    "selu": ((SELU_SCALE, 0.0), (0.0, -SELU_SCALE * SELU_ALPHA)),
    "gelu": ((1.0, 0.0), (0.0, 0.0)),
    "silu": ((1.0, 0.0), (0.0, 0.0)),
    "softplus": ((1.0, 0.0), (0.0, 0.0)),
    "mish": ((1.0, 0.0), (0.0, 0.0)),
}

NEAR_ZERO = np.array([-1e-1, -1e-3, 1e-3, 1e-1])
LARGE = np.array([20.0, 50.0, 1e3, 1e10, 1e300])
LARGE = np.concatenate([LARGE, -LARGE])


def test_every_activation_has_its_reference():
    assert set(REFERENCE) == set(HIDDEN) == set(ASYMPTOTES)


def train_forward(name, z):
    """Training-mode forward of a copy of ``z``: ``(a, cache, scratch)``.

    The buffers start as NaN, as a workspace's start as garbage: a forward
    that read them before writing would show.
    """
    rule = HIDDEN[name]
    cache = np.full_like(z, np.nan)
    scratch = np.full_like(z, np.nan) if rule.scratch else None
    z = z.copy()
    a = rule.forward(z, cache, scratch)
    assert a is z  # forward works in place
    return a, cache, scratch


def train_backward(name, z, delta):
    """``delta * f'(z)`` through a training-mode forward and backward."""
    a, cache, scratch = train_forward(name, z)
    delta = delta.copy()
    got = HIDDEN[name].backward(a, delta, cache, scratch)
    assert got is delta  # backward works in place
    return got


def derivative(name, z):
    return train_backward(name, z, np.ones_like(z))


def predict(name, z):
    return HIDDEN[name].forward(z.copy())


def central_difference(name, z, h):
    return (predict(name, z + h) - predict(name, z - h)) / (2 * h)


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_backward_matches_finite_differences(name):
    rng = np.random.default_rng(0)
    z = rng.uniform(-3, 3, size=(7, 5))
    if name in KINKED:
        z[np.abs(z) < 1e-2] = 0.5  # the difference quotient must not straddle the kink
    delta = rng.normal(size=z.shape)
    expected = delta * central_difference(name, z, 1e-6)
    np.testing.assert_allclose(train_backward(name, z, delta), expected, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_backward_around_zero(name):
    # h well below |z|, so the points either side of 0 stay on their side of it.
    z = NEAR_ZERO if name in KINKED else np.append(NEAR_ZERO, 0.0)
    z = z[np.newaxis, :]
    np.testing.assert_allclose(derivative(name, z), central_difference(name, z, 1e-8), rtol=1e-7)


@pytest.mark.parametrize("name", sorted(KINKED))
def test_kinked_activations_take_the_left_derivative_at_zero(name):
    z = np.zeros((1, 3))
    np.testing.assert_array_equal(predict(name, z), 0.0)
    np.testing.assert_array_equal(derivative(name, z), KINKED[name])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_large_inputs_stay_finite_without_warnings(name, dtype):
    top = np.finfo(dtype).max / 10  # 1e300 in float64, 3e37 in float32
    z = np.sort(np.concatenate([LARGE[np.abs(LARGE) < top], [top, -top]]))[np.newaxis, :]
    z = z.astype(dtype)
    # Underflow (to 0, e.g. exp(-1e10)) is harmless; overflow, 0/0 or inf - inf are not.
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        a = predict(name, z)
        a_train, _, _ = train_forward(name, z)
        slope = derivative(name, z)
    for values in (a, a_train, slope):
        assert values.dtype == dtype
        assert np.isfinite(values).all()
    # Far out, f is on its asymptote m z + c, with slope m.
    rtol = 10 * np.finfo(dtype).eps
    for sign, (m, c) in zip((1, -1), ASYMPTOTES[name], strict=True):
        far = sign * z > 1e9
        np.testing.assert_allclose(a[far], m * z[far] + c, rtol=rtol)
        np.testing.assert_allclose(slope[far], m, rtol=rtol)


def sample_points(rng):
    return np.concatenate([rng.uniform(-3, 3, size=40), NEAR_ZERO, [0.0]])[np.newaxis, :]


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_forward_matches_textbook(name):
    z = sample_points(np.random.default_rng(1))
    np.testing.assert_allclose(predict(name, z), REFERENCE[name](z), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_derivative_matches_autograd(name):
    z = sample_points(np.random.default_rng(2))
    expected = autograd.elementwise_grad(AUTOGRAD_REFERENCE[name])(z)
    # atol: gelu's derivative crosses 0 near z = -0.75
    np.testing.assert_allclose(derivative(name, z), expected, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_predict_mode_equals_training_mode(name):
    z = np.concatenate([sample_points(np.random.default_rng(3)), LARGE[np.newaxis, :]], axis=1)
    np.testing.assert_array_equal(predict(name, z), train_forward(name, z)[0])


def test_softmax_rows_are_distributions_and_stable():
    z = np.array([[1000.0, 1001.0, 999.0], [-5.0, 0.0, 5.0]])
    p = activations.softmax(z, np.empty_like(z))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    expected = np.exp([[0.0, 1.0, -1.0]]) / np.exp([[0.0, 1.0, -1.0]]).sum()
    np.testing.assert_allclose(p[0], expected[0])


@pytest.mark.parametrize("name", sorted(OUTPUT))
def test_output_activations_leave_z_alone_and_may_work_in_place(name):
    z = np.random.default_rng(4).normal(size=(4, 3))
    kept = z.copy()
    out = OUTPUT[name](z, np.empty_like(z))
    np.testing.assert_array_equal(z, kept)
    np.testing.assert_allclose(OUTPUT[name](z, z), out)


# Losses ---------------------------------------------------------------------------------------

LOSS_CASES = [
    ("squared_error", {}),
    ("poisson", {}),
    ("binary_log_loss", {}),
    ("log_loss", {}),
    ("grouped_log_loss", {"groups": (3, 2)}),
    ("grouped_log_loss", {"groups": (2, 2, 1)}),
    ("absolute_error", {}),
    ("huber", {"huber_delta": 0.5}),
    ("huber", {"huber_delta": 2.0}),
    ("quantile", {"quantile": 0.1}),
    ("quantile", {"quantile": 0.5}),
    ("quantile", {"quantile": 0.9}),
]
REGRESSION_CASES = [(name, params) for name, params in LOSS_CASES if "log_loss" not in name]
SOFT_CASES = [
    ("binary_log_loss", {}),
    ("log_loss", {}),
    ("grouped_log_loss", {"groups": (3, 2)}),
    ("grouped_log_loss", {"groups": (2, 2, 1)}),
]
SMOOTHING = 0.1
N_ROWS = 6


def test_every_loss_is_checked():
    assert {name for name, _ in LOSS_CASES} == set(losses.LOSSES)


def loss_id(case):
    name, params = case
    return "-".join([name, *map(str, params.values())])


def residuals(shape, rng, scale):
    """``y_hat - y`` of both signs, in units of ``scale`` either in [0.2, 0.8] or in [1.25, 3].

    That keeps every residual away from the kink at 0 and, for huber with
    ``scale = huber_delta``, from the one at ``+-huber_delta``, with some on each side.
    """
    index = np.arange(np.prod(shape)).reshape(shape)
    small = index % 2 == 0
    sign = np.where(index // 2 % 2 == 0, 1.0, -1.0)
    size = np.where(small, rng.uniform(0.2, 0.8, shape), rng.uniform(1.25, 3.0, shape))
    return scale * sign * size


def one_hot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, size=n)]


def smooth(y, k):
    """Label smoothing: ``(1 - eps) y + eps / K`` still sums to 1 over a group of K."""
    return (1 - SMOOTHING) * y + SMOOTHING / k


def targets(name, params, z, rng, soft=False):
    """Targets for predictions ``g(z)``; none sits at an identity-link loss's kink."""
    n, n_outputs = z.shape
    if name == "poisson":
        return rng.poisson(2.0, size=z.shape).astype(float)
    if name == "binary_log_loss":
        y = rng.integers(0, 2, size=z.shape).astype(float)
        return smooth(y, 2) if soft else y
    if name in ("log_loss", "grouped_log_loss"):
        hard = [one_hot(rng, n, k) for k in params.get("groups", (n_outputs,))]
        return np.hstack([smooth(y, y.shape[1]) if soft else y for y in hard])
    return z - residuals(z.shape, rng, params.get("huber_delta", 0.5))


def width(params):
    return sum(params.get("groups", (3,)))


@pytest.mark.parametrize(
    ("case", "soft"),
    [(case, False) for case in LOSS_CASES] + [(case, True) for case in SOFT_CASES],
    ids=[loss_id(c) for c in LOSS_CASES] + [loss_id(c) + "-soft" for c in SOFT_CASES],
)
def test_delta_is_the_derivative_of_the_errors(case, soft):
    name, params = case
    loss = losses.make_loss(name, **params)
    rng = np.random.default_rng(5)
    z = rng.normal(size=(N_ROWS, width(params)))
    y = targets(name, params, z, rng, soft)

    def total_error(z):
        return loss.errors(y, z, loss.link(z, np.empty_like(z))).sum()

    h = 1e-5
    numeric = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[idx] = h
        numeric[idx] = (total_error(z + step) - total_error(z - step)) / (2 * h)
    y_hat = loss.link(z, np.empty_like(z))
    kept = y.copy(), z.copy(), y_hat.copy()
    out = np.empty_like(z)
    loss.errors(y, z, y_hat)
    delta = loss.delta(y, z, y_hat, out)
    assert delta is out
    for before, after in zip(kept, (y, z, y_hat), strict=True):
        np.testing.assert_array_equal(before, after)  # errors and delta write only to out
    np.testing.assert_allclose(delta, numeric, rtol=1e-7, atol=1e-9)


def test_huber_targets_put_residuals_on_both_sides_of_delta():
    for d in (0.5, 2.0):
        r = np.abs(residuals((N_ROWS, 3), np.random.default_rng(0), d))
        assert (r < 0.8 * d).any()
        assert (r > 1.25 * d).any()
        assert r.min() >= 0.2 * d


@pytest.mark.parametrize("groups", [(3, 2), (2, 2, 1)])
def test_grouped_link_is_a_softmax_per_group(groups):
    loss = losses.make_loss("grouped_log_loss", groups=groups)
    z = 3 * np.random.default_rng(6).normal(size=(5, sum(groups)))
    p = loss.link(z, np.empty_like(z))
    start = 0
    for k in groups:
        part = z[:, start : start + k]
        np.testing.assert_allclose(p[:, start : start + k].sum(axis=1), 1.0, rtol=1e-14)
        textbook_softmax = np.exp(part) / np.exp(part).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(p[:, start : start + k], textbook_softmax, rtol=1e-13)
        start += k
    np.testing.assert_array_equal(loss.link(z, z), p)  # also in place


def pinball(y, y_hat, q):
    under = y - y_hat
    return np.where(under >= 0, q * under, (q - 1) * under).sum(axis=1)


def huber(y, y_hat, d):
    r = np.abs(y - y_hat)
    return np.where(r <= d, r**2 / 2, d * r - d**2 / 2).sum(axis=1)


@pytest.mark.parametrize(
    ("name", "params", "reference"),
    [
        ("squared_error", {}, lambda y, p: 0.5 * ((y - p) ** 2).sum(axis=1)),
        ("absolute_error", {}, lambda y, p: np.abs(y - p).sum(axis=1)),
        ("huber", {"huber_delta": 0.5}, lambda y, p: huber(y, p, 0.5)),
        ("huber", {"huber_delta": 2.0}, lambda y, p: huber(y, p, 2.0)),
        ("quantile", {"quantile": 0.1}, lambda y, p: pinball(y, p, 0.1)),
        ("quantile", {"quantile": 0.5}, lambda y, p: pinball(y, p, 0.5)),
        ("quantile", {"quantile": 0.9}, lambda y, p: pinball(y, p, 0.9)),
    ],
)
def test_regression_losses_match_their_textbook_form(name, params, reference):
    loss = losses.make_loss(name, **params)
    rng = np.random.default_rng(7)
    y_hat = rng.normal(size=(N_ROWS, 3))
    y = y_hat - residuals(y_hat.shape, rng, params.get("huber_delta", 0.5))
    np.testing.assert_allclose(loss.errors(y, y_hat, y_hat), reference(y, y_hat), rtol=1e-13)


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("squared_error", {}, 0.0),
        ("absolute_error", {}, 0.0),
        ("huber", {"huber_delta": 0.5}, 0.0),
        ("quantile", {"quantile": 0.1}, -0.1),
        ("quantile", {"quantile": 0.9}, -0.9),
    ],
)
def test_delta_at_zero_residual(name, params, expected):
    # Absolute error takes the subgradient 0 at its kink, quantile the
    # derivative on the side of under-prediction, -q.
    loss = losses.make_loss(name, **params)
    y = np.random.default_rng(8).normal(size=(3, 2))
    np.testing.assert_array_equal(loss.delta(y, y, y, np.empty_like(y)), expected)


@pytest.mark.parametrize(("name", "params"), REGRESSION_CASES)
def test_perfect_prediction_costs_nothing(name, params):
    loss = losses.make_loss(name, **params)
    y = np.random.default_rng(9).uniform(0.5, 3.0, size=(4, 2))
    z = np.log(y) if name == "poisson" else y
    np.testing.assert_allclose(loss.errors(y, z, loss.link(z, np.empty_like(z))), 0.0, atol=1e-12)


def test_log_losses_match_their_textbook_form():
    rng = np.random.default_rng(10)
    z = rng.normal(size=(5, 5))
    y = np.eye(5)[[0, 2, 1, 4, 0]]
    p = activations.softmax(z, np.empty_like(z))
    log_loss = losses.make_loss("log_loss")
    np.testing.assert_allclose(log_loss.errors(y, z, p), -(y * np.log(p)).sum(axis=1), rtol=1e-12)

    groups = (3, 2)
    yg = np.hstack([one_hot(rng, 5, 3), smooth(one_hot(rng, 5, 2), 2)])
    grouped = losses.make_loss("grouped_log_loss", groups=groups)
    pg = grouped.link(z, np.empty_like(z))
    textbook_grouped = -(yg * np.log(pg)).sum(axis=1)
    np.testing.assert_allclose(grouped.errors(yg, z, pg), textbook_grouped, rtol=1e-12)

    yb = rng.integers(0, 2, size=(5, 5)).astype(float)
    q = 1 / (1 + np.exp(-z))
    textbook_binary = -(yb * np.log(q) + (1 - yb) * np.log(1 - q)).sum(axis=1)
    binary = losses.make_loss("binary_log_loss")
    np.testing.assert_allclose(binary.errors(yb, z, q), textbook_binary, rtol=1e-12)


def test_log_losses_stay_finite_for_confident_wrong_predictions():
    z = np.array([[800.0, -800.0, -800.0, 800.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0]])
    log_loss = losses.make_loss("log_loss")
    np.testing.assert_allclose(log_loss.errors(y[:, :2], z[:, :2], None), [1600.0])
    grouped = losses.make_loss("grouped_log_loss", groups=(2, 2))
    np.testing.assert_allclose(grouped.errors(y, z, grouped.link(z, np.empty_like(z))), [3200.0])
    binary = losses.make_loss("binary_log_loss")
    np.testing.assert_allclose(binary.errors(y[:, :1], z[:, :1], None), [800.0])


# One quantile per output column (several quantiles of one target) ----------------------

VECTOR_QUANTILE = ("quantile", {"quantile": (0.1, 0.5, 0.9)})  # width() is 3 columns


def test_vector_quantile_delta_is_the_derivative_of_the_errors():
    test_delta_is_the_derivative_of_the_errors(VECTOR_QUANTILE, False)


def test_vector_quantile_is_a_pinball_loss_per_column():
    name, params = VECTOR_QUANTILE
    loss = losses.make_loss(name, **params)
    rng = np.random.default_rng(11)
    y_hat = rng.normal(size=(N_ROWS, 3))
    y = y_hat - residuals(y_hat.shape, rng, 0.5)
    expected = sum(pinball(y[:, [j]], y_hat[:, [j]], q) for j, q in enumerate(params["quantile"]))
    np.testing.assert_allclose(loss.errors(y, y_hat, y_hat), expected, rtol=1e-13)
    # at a zero residual, each column takes its own left derivative, -q_j
    delta = loss.delta(y, y, y, np.empty_like(y))
    np.testing.assert_array_equal(delta, np.broadcast_to([-0.1, -0.5, -0.9], y.shape))


def test_vector_quantile_delta_keeps_a_float32_output():
    loss = losses.make_loss("quantile", quantile=np.array([0.25, 0.75]))
    y = np.array([[0.0, 0.0], [1.0, -1.0]], dtype=np.float32)
    y_hat = np.array([[1.0, -1.0], [0.0, 0.0]], dtype=np.float32)
    out = np.empty_like(y)
    assert loss.delta(y, y_hat, y_hat, out) is out
    # over-predicted: 1 - q; under-predicted: -q
    np.testing.assert_array_equal(out, np.array([[0.75, -0.75], [-0.25, 0.25]], np.float32))
