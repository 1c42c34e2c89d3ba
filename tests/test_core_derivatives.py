"""Every derivative in the core against central finite differences."""

import numpy as np
import pytest

from skbp._core import activations, losses

RNG = np.random.RandomState(0)


def central_difference(f, x, h=1e-6):
    """Element-wise derivative of an element-wise function f at x."""
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("name", sorted(activations.HIDDEN))
def test_hidden_activation_derivative(name):
    forward, backward = activations.HIDDEN[name]
    # Keep clear of relu's kink at 0, where the derivative is undefined.
    z = RNG.uniform(-3, 3, size=(7, 5))
    z[np.abs(z) < 1e-2] = 0.5
    cache = np.empty_like(z)
    a = forward(z.copy(), cache)
    delta = RNG.normal(size=z.shape)
    got = backward(a, delta.copy(), cache)
    expected = delta * central_difference(lambda t: forward(t.copy()), z)
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("identity", lambda z: z),
        ("logistic", lambda z: 1 / (1 + np.exp(-z))),
        ("tanh", np.tanh),
        ("relu", lambda z: np.where(z > 0, z, 0.0)),
    ],
)
def test_hidden_activation_values(name, reference):
    z = RNG.uniform(-4, 4, size=(6, 3))
    np.testing.assert_allclose(activations.HIDDEN[name][0](z.copy()), reference(z), rtol=1e-12)


def test_forward_overwrites_its_argument_in_place():
    z = RNG.normal(size=(3, 4))
    assert activations.relu(z) is z
    assert (z >= 0).all()


def test_softmax_rows_are_distributions_and_stable():
    z = np.array([[1000.0, 1001.0, 999.0], [-5.0, 0.0, 5.0]])
    p = activations.softmax(z, np.empty_like(z))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    expected = np.exp([[0.0, 1.0, -1.0]]) / np.exp([[0.0, 1.0, -1.0]]).sum()
    np.testing.assert_allclose(p[0], expected[0])


def _targets(loss, shape):
    if loss == "squared_error":
        return RNG.normal(size=shape)
    if loss == "poisson":
        return RNG.poisson(2.0, size=shape).astype(float)
    if loss == "binary_log_loss":
        return RNG.randint(0, 2, size=shape).astype(float)
    return np.eye(shape[1])[RNG.randint(0, shape[1], size=shape[0])]


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
def test_output_delta_is_the_loss_derivative(loss):
    """d error / d z = y_hat - y for each loss with its canonical link."""
    out_name, error = losses.LOSSES[loss]
    link = activations.OUTPUT[out_name]
    z = RNG.normal(size=(6, 3))
    y = _targets(loss, z.shape)

    def total_error(z):
        return error(y, z, link(z, np.empty_like(z))).sum()

    h = 1e-6
    numeric = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[idx] = h
        numeric[idx] = (total_error(z + step) - total_error(z - step)) / (2 * h)
    delta = losses.output_delta(y, link(z, np.empty_like(z)), np.empty_like(z))
    np.testing.assert_allclose(delta, numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_perfect_prediction_costs_nothing(loss):
    error = losses.LOSSES[loss][1]
    y = RNG.uniform(0.5, 3.0, size=(4, 2))
    z = y if loss == "squared_error" else np.log(y)
    np.testing.assert_allclose(error(y, z, y), 0.0, atol=1e-12)


def test_log_losses_match_their_textbook_form():
    z = RNG.normal(size=(5, 3))
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    p = activations.softmax(z, np.empty_like(z))
    np.testing.assert_allclose(losses.log_loss(y, z, p), -(y * np.log(p)).sum(axis=1), rtol=1e-12)
    yb = RNG.randint(0, 2, size=(5, 3)).astype(float)
    q = 1 / (1 + np.exp(-z))
    textbook = -(yb * np.log(q) + (1 - yb) * np.log(1 - q)).sum(axis=1)
    np.testing.assert_allclose(losses.binary_log_loss(yb, z, q), textbook, rtol=1e-12)


def test_log_loss_stays_finite_for_confident_wrong_predictions():
    z = np.array([[800.0, -800.0]])
    y = np.array([[0.0, 1.0]])
    value = losses.log_loss(y, z, activations.softmax(z, np.empty_like(z)))
    np.testing.assert_allclose(value, [1600.0])
    value = losses.binary_log_loss(np.array([[0.0]]), np.array([[800.0]]), None)
    np.testing.assert_allclose(value, [800.0])


@pytest.mark.parametrize("name", sorted(activations.OUTPUT))
def test_output_activations_leave_z_alone_and_may_work_in_place(name):
    z = RNG.normal(size=(4, 3))
    kept = z.copy()
    out = activations.OUTPUT[name](z, np.empty_like(z))
    np.testing.assert_array_equal(z, kept)
    np.testing.assert_allclose(activations.OUTPUT[name](z, z), out)
