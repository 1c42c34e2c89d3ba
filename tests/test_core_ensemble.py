"""Temperature scaling and ensembles of networks (skbp._core.calibration, skbp._core.ensemble).

The temperature's derivative is checked against central finite differences
and against autograd's derivative of the textbook log-losses written here;
the fitted T against a grid search. An ensemble's predictions are checked
against the mean of its members' own, its logits against the link's inverse.
"""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from skbp._core import Network
from skbp._core.calibration import LOG_T_BOUND, error_and_derivative, fit_temperature
from skbp._core.ensemble import Ensemble
from skbp._core.losses import make_loss

N_ROWS = 40


def _binary_textbook(Y, z, log_t):
    # -[y log p + (1 - y) log(1 - p)] with p = 1 / (1 + e^-s), written so it cannot round off
    s = z / anp.exp(log_t)
    return anp.mean(anp.sum(anp.logaddexp(0.0, s) - Y * s, axis=1))


def _softmax_textbook(Y, z, log_t):
    s = z / anp.exp(log_t)
    log_p = s - anp.log(anp.sum(anp.exp(s), axis=1, keepdims=True))
    return -anp.mean(anp.sum(Y * log_p, axis=1))


def _grouped_textbook(Y, z, log_t):
    return _softmax_textbook(Y[:, :2], z[:, :2], log_t) + _softmax_textbook(
        Y[:, 2:], z[:, 2:], log_t
    )


# (loss name, its parameters, output width, textbook mean error in autograd.numpy)
CASES = {
    "binary": ("binary_log_loss", {}, 1, _binary_textbook),
    "multilabel": ("binary_log_loss", {}, 3, _binary_textbook),
    "multiclass": ("log_loss", {}, 4, _softmax_textbook),
    "grouped": ("grouped_log_loss", {"groups": (2, 3)}, 5, _grouped_textbook),
}


def logits_and_targets(case, seed=0):
    name, params, width, _ = CASES[case]
    rng = np.random.RandomState(seed)
    z = rng.randn(N_ROWS, width) * 3
    if name == "binary_log_loss":
        Y = (rng.rand(N_ROWS, width) < 1 / (1 + np.exp(-z / 2))).astype(float)
    else:
        # each group's label drawn from softmax(z / 2): the logits are twice too sharp
        Y, lo = [], 0
        for g in params.get("groups", (width,)):
            p = np.exp(z[:, lo : lo + g] / 2)
            p /= p.sum(axis=1, keepdims=True)
            Y.append(np.eye(g)[[rng.choice(g, p=row) for row in p]])
            lo += g
        Y = np.hstack(Y)
    return make_loss(name, **params), Y, z


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("log_t", [-1.2, 0.0, 0.7])
def test_temperature_derivative_against_finite_differences_and_autograd(case, log_t):
    loss, Y, z = logits_and_targets(case)
    error, derivative = error_and_derivative(loss, Y, z, log_t)
    textbook = CASES[case][3]
    assert error == pytest.approx(textbook(Y, z, log_t), rel=1e-12)
    assert derivative == pytest.approx(autograd.grad(textbook, 2)(Y, z, log_t), rel=1e-9)
    h = 1e-6
    up, _ = error_and_derivative(loss, Y, z, log_t + h)
    down, _ = error_and_derivative(loss, Y, z, log_t - h)
    assert derivative == pytest.approx((up - down) / (2 * h), rel=1e-7, abs=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_weighted_derivative_is_the_weighted_mean_of_the_rows(case):
    loss, Y, z = logits_and_targets(case)
    weights = np.random.RandomState(2).randint(0, 4, N_ROWS).astype(float)
    error, derivative = error_and_derivative(loss, Y, z, 0.3, weights)
    repeats = np.arange(N_ROWS).repeat(weights.astype(int))
    by_rows = error_and_derivative(loss, Y[repeats], z[repeats], 0.3)
    assert (error, derivative) == pytest.approx(by_rows, rel=1e-12)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("true_t", [0.4, 1.0, 3.0])
def test_fitted_temperature_minimises_the_log_loss(case, true_t):
    loss, Y, z = logits_and_targets(case, seed=1)
    # Overconfident logits (true_t < 1 makes them underconfident): T should undo the scale.
    t = fit_temperature(loss, Y, z * true_t)
    grid = np.linspace(-3, 3, 6001)
    errors = [error_and_derivative(loss, Y, z * true_t, u)[0] for u in grid]
    assert np.log(t) == pytest.approx(grid[np.argmin(errors)], abs=2e-3)
    assert error_and_derivative(loss, Y, z * true_t, np.log(t))[1] == pytest.approx(0, abs=1e-6)


def test_temperature_stays_within_its_bounds_on_separable_rows():
    loss = make_loss("binary_log_loss")
    z = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    Y = (z > 0).astype(float)  # every row right: sharper is always better
    assert fit_temperature(loss, Y, z) == pytest.approx(np.exp(-LOG_T_BOUND))


# -- ensembles ---------------------------------------------------------------------------------


def fitted_networks(loss, n_members, width=3, loss_params=None, dtype=np.float64):
    members = []
    for seed in range(n_members):
        net = Network([5, 7, width], "tanh", loss, dtype, loss_params=loss_params)
        net.initialize(np.random.RandomState(seed))
        members.append(net)
    return members


X = np.random.RandomState(5).randn(30, 5)


@pytest.mark.parametrize(
    ("loss", "width", "params"),
    [
        ("squared_error", 2, None),
        ("poisson", 1, None),
        ("binary_log_loss", 3, None),
        ("log_loss", 3, None),
        ("grouped_log_loss", 5, {"groups": (2, 3)}),
    ],
)
@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_ensemble_predicts_the_mean_of_its_members(loss, width, params, temperature):
    members = fitted_networks(loss, 3, width, params)
    ensemble = Ensemble(members, temperature)
    expected = []
    for net in members:
        z = net.logits(X) / temperature
        expected.append(net._loss.link(z, out=z.copy()))
    np.testing.assert_allclose(ensemble.predict(X), np.mean(expected, axis=0), rtol=1e-12)
    # Its logits are those the link turns into its predictions.
    z = ensemble.logits(X)
    link = members[0]._loss.link
    np.testing.assert_allclose(link(z, out=z.copy()), ensemble.predict(X), rtol=1e-10)


@pytest.mark.parametrize("temperature", [1.0, 2.5])
def test_one_member_is_the_network_with_its_logits_divided(temperature):
    (net,) = fitted_networks("log_loss", 1)
    ensemble = Ensemble([net], temperature)
    np.testing.assert_array_equal(ensemble.logits(X), net.logits(X) / temperature)
    if temperature == 1.0:
        np.testing.assert_allclose(ensemble.predict(X), net.predict(X), rtol=1e-15)
    assert ensemble.coefs is net.coefs
    assert ensemble.intercepts is net.intercepts


def test_an_ensemble_names_where_its_weights_are():
    ensemble = Ensemble(fitted_networks("log_loss", 2))
    with pytest.raises(AttributeError, match=r"2 networks.*networks_\[i\]\.coefs_"):
        ensemble.coefs  # noqa: B018


def test_float32_members_predict_float32():
    ensemble = Ensemble(fitted_networks("log_loss", 2, dtype=np.float32), 1.3)
    assert ensemble.dtype == np.float32
    assert ensemble.predict(X.astype(np.float32)).dtype == np.float32
    assert ensemble.logits(X.astype(np.float32)).dtype == np.float32
