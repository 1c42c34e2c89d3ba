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


# --- Schedules, decoupled weight decay and clipping ---------------------------------------


def cosine_rate(u, eta0, T):
    """The cosine schedule without warm-up, written out."""
    return eta0 * (1 + np.cos(np.pi * min(u, T) / T)) / 2


def one_cycle_rate(u, eta0, T, W):
    start, end = eta0 / 25, eta0 / 25e4
    if u <= W:
        return start + (eta0 - start) * u / W
    return end + (eta0 - end) * (1 + np.cos(np.pi * (u - W) / (T - W))) / 2


def textbook_adam(w0, grads, etas, b1=0.9, b2=0.999, eps=1e-8, decay=0.0, n_decayed=None):
    """AdamW in its textbook form, with the folded form's epsilon (see the test above)."""
    w, m, v = w0.copy(), 0.0, 0.0
    for t, (g, eta) in enumerate(zip(grads, etas, strict=True), start=1):
        w[:n_decayed] *= 1 - eta * decay
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w -= eta * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t))
    return w


def textbook_sgd(w0, grads, etas, mu, nesterov, decay=0.0, n_decayed=None):
    w, v = w0.copy(), 0.0
    for g, eta in zip(grads, etas, strict=True):
        w[:n_decayed] *= 1 - eta * decay
        v = mu * v - eta * g
        w += mu * v - eta * g if nesterov else v
    return w


def clipped(g, c):
    return g * (c / np.linalg.norm(g))


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("n_decayed", [None, 4])
def test_sgd_weight_decay_two_steps_closed_form(nesterov, n_decayed):
    w0, g1, g2 = vectors()
    opt = SGD(w0.size, np.float64, 0.05, "constant", 0.8, nesterov, weight_decay=0.3)
    opt.n_decayed = n_decayed
    w = w0.copy()
    opt.step(w, g1)
    opt.step(w, g2)
    expected = textbook_sgd(w0, [g1, g2], [0.05, 0.05], 0.8, nesterov, 0.3, n_decayed)
    np.testing.assert_allclose(w, expected, rtol=1e-12)


@pytest.mark.parametrize("n_decayed", [None, 4])
def test_adamw_two_steps_closed_form(n_decayed):
    w0, g1, g2 = vectors()
    opt = Adam(w0.size, np.float64, 0.01, weight_decay=0.5, n_decayed=n_decayed)
    w = w0.copy()
    opt.step(w, g1)
    opt.step(w, g2)
    expected = textbook_adam(w0, [g1, g2], [0.01, 0.01], decay=0.5, n_decayed=n_decayed)
    np.testing.assert_allclose(w, expected, rtol=1e-12)
    # learning_rate stays Adam's bias-corrected step; the decay used the base rate
    assert opt.learning_rate == pytest.approx(0.01 * np.sqrt(1 - 0.999**2) / (1 - 0.9**2))


@pytest.mark.parametrize(
    "make",
    [
        lambda n: SGD(n, np.float64, 0.1, momentum=0.0, weight_decay=0.2, n_decayed=4),
        lambda n: Adam(n, np.float64, 0.1, weight_decay=0.2, n_decayed=4),
    ],
)
def test_weight_decay_leaves_the_intercepts_alone(make):
    w0, _, _ = vectors()
    w = w0.copy()
    make(w.size).step(w, np.zeros_like(w))  # no gradient: only the decay moves anything
    np.testing.assert_allclose(w[:4], 0.98 * w0[:4], rtol=1e-14)
    np.testing.assert_array_equal(w[4:], w0[4:])


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_clips_a_long_gradient_and_leaves_a_short_one(nesterov):
    w0, g1, g2 = vectors()
    c = 1.5 * np.linalg.norm(g2)
    g1 = g1 * (3 * c / np.linalg.norm(g1))  # above the threshold: clipped to norm c
    opt = SGD(w0.size, np.float64, 0.05, "constant", 0.8, nesterov, max_grad_norm=c)
    w = w0.copy()
    opt.step(w, g1)
    opt.step(w, g2)
    expected = textbook_sgd(w0, [clipped(g1, c), g2], [0.05, 0.05], 0.8, nesterov)
    np.testing.assert_allclose(w, expected, rtol=1e-12)


def test_adam_clips_a_long_gradient_and_leaves_a_short_one():
    w0, g1, g2 = vectors()
    c = 1.5 * np.linalg.norm(g2)
    g1 = g1 * (3 * c / np.linalg.norm(g1))
    opt = Adam(w0.size, np.float64, 0.01, max_grad_norm=c)
    w = w0.copy()
    opt.step(w, g1)
    opt.step(w, g2)
    expected = textbook_adam(w0, [clipped(g1, c), g2], [0.01, 0.01])
    np.testing.assert_allclose(w, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "make",
    [lambda n, **kw: SGD(n, np.float64, 0.1, **kw), lambda n, **kw: Adam(n, np.float64, **kw)],
)
def test_a_gradient_under_the_threshold_is_used_as_it_is(make):
    w0, g1, g2 = vectors()
    free, capped = w0.copy(), w0.copy()
    unclipped, clipping = make(w0.size), make(w0.size, max_grad_norm=100.0)
    for g in (g1, g2):
        unclipped.step(free, g)
        clipping.step(capped, g)
    np.testing.assert_array_equal(capped, free)


@pytest.mark.parametrize(
    "make",
    [
        lambda n: SGD(n, np.float64, 0.1, max_grad_norm=0.1),
        lambda n: Adam(n, np.float64, max_grad_norm=0.1),
    ],
)
def test_clipping_leaves_the_callers_gradient_alone(make):
    w, g, _ = vectors()
    before = g.copy()
    opt = make(w.size)
    opt.step(w, g)
    opt.step(w, g)
    np.testing.assert_array_equal(g, before)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_follows_the_cosine_and_one_cycle_rates(nesterov):
    w0, g1, g2 = vectors()
    for name, etas in [
        ("cosine", [cosine_rate(1, 0.1, 4), cosine_rate(2, 0.1, 4)]),
        ("one_cycle", [one_cycle_rate(1, 0.1, 4, 1), one_cycle_rate(2, 0.1, 4, 1)]),
    ]:
        opt = SGD(w0.size, np.float64, 0.1, name, 0.8, nesterov, total_steps=4)
        w = w0.copy()
        opt.step(w, g1)
        opt.step(w, g2)
        np.testing.assert_allclose(w, textbook_sgd(w0, [g1, g2], etas, 0.8, nesterov), rtol=1e-12)
        assert opt.learning_rate == pytest.approx(etas[1], rel=1e-12)


def test_adam_follows_the_cosine_and_one_cycle_rates():
    w0, g1, g2 = vectors()
    for name, etas in [
        ("cosine", [cosine_rate(1, 0.1, 4), cosine_rate(2, 0.1, 4)]),
        ("one_cycle", [one_cycle_rate(1, 0.1, 4, 1), one_cycle_rate(2, 0.1, 4, 1)]),
    ]:
        opt = Adam(w0.size, np.float64, 0.1, schedule=name, total_steps=4)
        w = w0.copy()
        opt.step(w, g1)
        opt.step(w, g2)
        np.testing.assert_allclose(w, textbook_adam(w0, [g1, g2], etas), rtol=1e-12)
        eta_t = etas[1] * np.sqrt(1 - 0.999**2) / (1 - 0.9**2)
        assert opt.learning_rate == pytest.approx(eta_t, rel=1e-12)


def test_everything_at_once_closed_form():
    w0, g1, g2 = vectors()
    c = np.linalg.norm(g2) / 2  # both gradients clipped
    etas = [one_cycle_rate(u, 0.1, 5, 2) for u in (1, 2)]
    grads = [clipped(g1, c), clipped(g2, c)]
    kw = dict(total_steps=5, warmup_fraction=0.4, weight_decay=0.1, max_grad_norm=c, n_decayed=5)
    sgd = SGD(w0.size, np.float64, 0.1, "one_cycle", 0.8, True, **kw)
    adam = Adam(w0.size, np.float64, 0.1, schedule="one_cycle", **kw)
    for opt, expected in [
        (sgd, textbook_sgd(w0, grads, etas, 0.8, True, 0.1, 5)),
        (adam, textbook_adam(w0, grads, etas, decay=0.1, n_decayed=5)),
    ]:
        w = w0.copy()
        opt.step(w, g1)
        opt.step(w, g2)
        np.testing.assert_allclose(w, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda n, name: SGD(n, np.float64, 0.1, name, total_steps=10, weight_decay=0.01),
        lambda n, name: Adam(n, np.float64, 0.1, schedule=name, total_steps=10, weight_decay=0.01),
    ],
)
def test_a_resumed_optimizer_continues_its_schedule(make):
    w0 = vectors()[0]
    grads = [RNG.normal(size=w0.size) for _ in range(12)]
    straight, w_straight = make(w0.size, "one_cycle"), w0.copy()
    first, w_split = make(w0.size, "one_cycle"), w0.copy()
    for g in grads[:5]:
        straight.step(w_straight, g)
        first.step(w_split, g)
    second = make(w0.size, "one_cycle").resume(first)
    assert second.lr_schedule.steps == 5
    for g in grads[5:]:
        straight.step(w_straight, g)
        second.step(w_split, g)
        assert second.learning_rate == straight.learning_rate
    np.testing.assert_array_equal(w_split, w_straight)  # the same operations in the same order

    other = make(w0.size, "cosine").resume(first)  # another schedule kind starts afresh
    assert other.lr_schedule.steps == 0
    assert other.lr_schedule.next_rate() == pytest.approx(cosine_rate(1, 0.1, 10), rel=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda n, schedule, **kw: SGD(n, np.float32, 0.1, schedule, **kw),
        lambda n, schedule, **kw: Adam(n, np.float32, 0.1, schedule=schedule, **kw),
    ],
)
@pytest.mark.parametrize(
    "options",
    [
        dict(schedule="cosine", total_steps=3),
        dict(schedule="one_cycle", total_steps=3),
        dict(schedule="constant", weight_decay=0.1, n_decayed=2),
        dict(schedule="constant", max_grad_norm=0.1),
    ],
)
def test_new_options_keep_float32(make, options):
    w = np.ones(4, np.float32)
    opt = make(4, **options)
    for _ in range(2):
        opt.step(w, np.full(4, 0.5, np.float32))
    assert w.dtype == np.float32
    assert all(a.dtype == np.float32 for a in vars(opt).values() if isinstance(a, np.ndarray))


# --- The defaults are today's arithmetic, to the last bit ---------------------------------


class TodaysSGD:
    """SGD's update and schedules before schedules became objects, copied verbatim."""

    def __init__(self, n, dtype, learning_rate_init, schedule, momentum, nesterov, power_t):
        self.learning_rate_init, self.schedule = learning_rate_init, schedule
        self.momentum, self.nesterov, self.power_t = momentum, nesterov, power_t
        self.learning_rate = float(learning_rate_init)
        self.velocity = np.zeros(n, dtype=dtype)
        self._scratch = np.empty(n, dtype=dtype)

    def step(self, params, grad):
        scaled_grad = np.multiply(grad, self.learning_rate, out=self._scratch)
        self.velocity *= self.momentum
        self.velocity -= scaled_grad
        if self.nesterov:
            params -= scaled_grad
            params += np.multiply(self.velocity, self.momentum, out=self._scratch)
        else:
            params += self.velocity

    def end_epoch(self, n_samples_seen):
        if self.schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (n_samples_seen + 1) ** self.power_t

    def on_plateau(self):
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False


class TodaysAdam:
    """Adam's folded update before schedules, copied verbatim."""

    def __init__(self, n, dtype, learning_rate_init, beta_1, beta_2, epsilon):
        self.learning_rate_init, self.beta_1, self.beta_2 = learning_rate_init, beta_1, beta_2
        self.epsilon, self.t = epsilon, 0
        self.m, self.v = np.zeros(n, dtype=dtype), np.zeros(n, dtype=dtype)
        self._scratch = np.empty(n, dtype=dtype)

    def step(self, params, grad):
        self.t += 1
        s = self._scratch
        self.m *= self.beta_1
        self.m += grad
        self.v *= self.beta_2
        self.v += np.square(grad, out=s)
        self.learning_rate = (
            self.learning_rate_init
            * np.sqrt(1.0 - self.beta_2**self.t)
            / (1.0 - self.beta_1**self.t)
        )
        root = np.sqrt(1.0 - self.beta_2)
        np.sqrt(self.v, out=s)
        s += self.epsilon / root
        np.divide(self.m, s, out=s)
        s *= self.learning_rate * (1.0 - self.beta_1) / root
        params -= s

    def end_epoch(self, n_samples_seen):
        pass

    def on_plateau(self):
        return True


def run_epochs(opt, w, grads):
    """Three 'epochs' of two steps, with the schedule's epoch and plateau calls between."""
    for epoch in range(3):
        for g in grads[2 * epoch : 2 * epoch + 2]:
            opt.step(w, g)
        opt.end_epoch(10 * (epoch + 1))
        opt.on_plateau()
    return w


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_default_sgd_is_todays_arithmetic(schedule, nesterov, dtype):
    w0 = RNG.normal(size=9).astype(dtype)
    grads = [RNG.normal(size=9).astype(dtype) for _ in range(6)]
    settings = (0.03, schedule, 0.85, nesterov, 0.4)
    ours = run_epochs(SGD(9, dtype, *settings), w0.copy(), grads)
    today = run_epochs(TodaysSGD(9, dtype, *settings), w0.copy(), grads)
    np.testing.assert_array_equal(ours, today)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_default_adam_is_todays_arithmetic(dtype):
    w0 = RNG.normal(size=9).astype(dtype)
    grads = [RNG.normal(size=9).astype(dtype) for _ in range(6)]
    settings = (0.003, 0.8, 0.99, 1e-7)
    ours_opt, today_opt = Adam(9, dtype, *settings), TodaysAdam(9, dtype, *settings)
    ours = run_epochs(ours_opt, w0.copy(), grads)
    today = run_epochs(today_opt, w0.copy(), grads)
    np.testing.assert_array_equal(ours, today)
    assert ours_opt.learning_rate == today_opt.learning_rate
