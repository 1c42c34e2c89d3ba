"""Each optimizer's step against its closed form, and its schedules and state."""

import numpy as np
import pytest

from skbp._core import SGD, Adam

RNG = np.random.RandomState(0)


def vectors(n=7):
    return RNG.normal(size=n), RNG.normal(size=n), RNG.normal(size=n)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_two_steps_closed_form(nesterov):
    w0, g1, g2 = vectors()
    eta, mu = 0.05, 0.8
    opt = SGD(w0.size, np.float64, eta, "constant", mu, nesterov)
    w = w0.copy()
    opt.step(w, g1)
    opt.step(w, g2)
    v1 = -eta * g1
    v2 = mu * v1 - eta * g2
    if nesterov:
        expected = w0 + (mu * v1 - eta * g1) + (mu * v2 - eta * g2)
    else:
        expected = w0 + v1 + v2
    np.testing.assert_allclose(w, expected, rtol=1e-14)
    np.testing.assert_allclose(opt.velocity, v2, rtol=1e-14)


def test_sgd_without_momentum_is_plain_gradient_descent():
    w0, g, _ = vectors()
    w = w0.copy()
    SGD(w.size, np.float64, 0.1, momentum=0.0).step(w, g)
    np.testing.assert_allclose(w, w0 - 0.1 * g)


def test_adam_two_steps_closed_form():
    w0, g1, g2 = vectors()
    eta, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = Adam(w0.size, np.float64, eta, b1, b2, eps)
    w = w0.copy()
    opt.step(w, g1)
    opt.step(w, g2)
    expected = w0.copy()
    m = v = 0.0
    for t, g in enumerate([g1, g2], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        # eps scaled as in the folded form: eta_t m / (sqrt(v) + eps)
        expected -= eta * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t))
    np.testing.assert_allclose(w, expected, rtol=1e-12)
    assert opt.t == 2


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    w0, g, _ = vectors()
    g = np.sign(g) * (0.5 + np.abs(g))  # well above epsilon, which shortens tiny steps
    w = w0.copy()
    Adam(w.size, np.float64, 0.01).step(w, g)
    np.testing.assert_allclose(w - w0, -0.01 * np.sign(g), rtol=1e-5)


def test_invscaling_schedule():
    opt = SGD(3, np.float64, 0.1, "invscaling", power_t=0.5)
    opt.end_epoch(99)
    assert opt.learning_rate == pytest.approx(0.1 / 10)


def test_adaptive_schedule_divides_by_five_then_stops():
    opt = SGD(3, np.float64, 1e-5, "adaptive")
    assert opt.on_plateau() is False
    assert opt.learning_rate == pytest.approx(2e-6)
    assert opt.on_plateau() is False
    assert opt.on_plateau() is True


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_non_adaptive_sgd_and_adam_stop_on_plateau(schedule):
    assert SGD(3, np.float64, 0.1, schedule).on_plateau() is True
    assert Adam(3, np.float64).on_plateau() is True


def test_resume_carries_state():
    w, g, _ = vectors()
    adam = Adam(w.size, np.float64, 0.01)
    adam.step(w.copy(), g)
    resumed = Adam(w.size, np.float64, 0.01).resume(adam)
    assert resumed.t == 1
    np.testing.assert_array_equal(resumed.m, adam.m)
    assert resumed.m is not adam.m

    sgd = SGD(w.size, np.float64, 0.1, "adaptive")
    sgd.step(w.copy(), g)
    sgd.on_plateau()
    same_rate = SGD(w.size, np.float64, 0.1, "adaptive").resume(sgd)
    assert same_rate.learning_rate == pytest.approx(0.02)
    np.testing.assert_array_equal(same_rate.velocity, sgd.velocity)
    new_rate = SGD(w.size, np.float64, 0.5, "adaptive").resume(sgd)
    assert new_rate.learning_rate == 0.5


@pytest.mark.parametrize(
    "make", [lambda n: SGD(n, np.float32, 0.1), lambda n: Adam(n, np.float32)]
)
def test_steps_keep_float32(make):
    w = np.ones(4, np.float32)
    make(4).step(w, np.full(4, 0.5, np.float32))
    assert w.dtype == np.float32


def test_adam_resumed_with_other_betas_continues_the_textbook_moments():
    w0, g1, g2 = vectors()
    first = Adam(w0.size, np.float64, 0.1, beta_1=0.9, beta_2=0.999)
    w = w0.copy()
    first.step(w, g1)
    second = Adam(w0.size, np.float64, 0.1, beta_1=0.5, beta_2=0.99).resume(first)
    second.step(w, g2)
    m = 0.5 * (0.1 * g1) + 0.5 * g2  # textbook moments, carried over
    v = 0.99 * (0.001 * g1**2) + 0.01 * g2**2
    lr = 0.1 * np.sqrt(1 - 0.99**2) / (1 - 0.5**2)
    w_first = w0 - 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9) * (0.1 * g1) / (
        np.sqrt(0.001 * g1**2) + 1e-8
    )
    np.testing.assert_allclose(w, w_first - lr * m / (np.sqrt(v) + 1e-8), rtol=1e-10)
