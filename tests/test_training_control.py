"""Learning-rate schedules, decoupled weight decay and gradient clipping, through the estimators.

The closed forms themselves are unit-tested in test_core_optimizers.py and
test_core_schedules.py; here they are checked as an estimator's fit, partial_fit,
warm start and pickle drive them.
"""

import math
import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils._param_validation import InvalidParameterError

from skbp import BackpropClassifier, BackpropRegressor

no_convergence_warning = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

N, BATCH = 48, 16
BATCHES = math.ceil(N / BATCH)  # updates per epoch
# tol this large makes every epoch after the first count as no improvement: with
# n_iter_no_change=1 a fit stops after exactly 3 epochs, whatever the losses' last bits.
STALL = dict(tol=1e9, n_iter_no_change=1)


def data(n=N, seed=0, classify=False):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    if classify:
        return X, (X[:, 0] + X[:, 2] > 0).astype(int)
    return X, np.sin(X[:, 0]) + 0.5 * X[:, 1] - 0.3 * X[:, 2]


def regressor(**params):
    base = dict(hidden_layer_sizes=(5,), solver="sgd", batch_size=BATCH, random_state=0)
    base.update(learning_rate_init=0.1, shuffle=False, max_iter=10)
    return BackpropRegressor(**{**base, **params})


def flat(model):
    return np.concatenate([a.ravel() for a in model.coefs_ + model.intercepts_])


def assert_same_weights(a, b):
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_array_equal(u, v)


def annealed(u, total, warmup, eta0, start=0.0, end=0.0):
    """The rate of update u of a schedule warming up over ``warmup`` of ``total`` updates."""
    u = min(u, total)
    if warmup > 0 and u <= warmup:
        return start + (eta0 - start) * u / warmup
    return end + (eta0 - end) * (1 + math.cos(math.pi * (u - warmup) / (total - warmup))) / 2


def one_cycle(u, total, warmup, eta0):
    return annealed(u, total, warmup, eta0, start=eta0 / 25, end=eta0 / 25e4)


# -- one step, in closed form ------------------------------------------------------


def known_state(change=None, **params):
    """A model that has taken one full-batch step, then given known weights: two calls
    give two models in the same state. ``change`` is set after the step."""
    X, y = data()
    model = regressor(batch_size=N, momentum=0.0, **params)
    model.partial_fit(X, y)  # one step: the optimizer state of every such model is the same
    rng = np.random.RandomState(42)
    model.coefs_ = [0.5 * rng.normal(size=W.shape) for W in model.coefs_]
    model.intercepts_ = [0.5 * rng.normal(size=b.shape) for b in model.intercepts_]
    return model.set_params(**(change or {}))


@pytest.mark.parametrize("schedule", ["constant", "cosine"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_weight_decay_adds_minus_eta_lambda_w_to_the_weights_only(solver, schedule):
    X, y = data()
    lam = 0.3
    plain = known_state(solver=solver, learning_rate=schedule)
    decayed = known_state(dict(weight_decay=lam), solver=solver, learning_rate=schedule)
    W0 = [W.copy() for W in plain.coefs_]
    plain.partial_fit(X, y)
    decayed.partial_fit(X, y)
    eta = decayed._optimizer.lr_schedule.rate  # the scheduled rate of the step just taken
    assert eta == plain._optimizer.lr_schedule.rate
    if schedule == "constant":
        assert eta == 0.1
    else:  # the second of max_iter * 1 = 10 updates
        assert eta == pytest.approx(annealed(2, 10, 0, 0.1), rel=1e-12)
    for W, W_plain, W_decayed in zip(W0, plain.coefs_, decayed.coefs_, strict=True):
        assert not np.array_equal(W_decayed, W_plain)
        np.testing.assert_allclose(W_decayed, W_plain - eta * lam * W, rtol=1e-10, atol=1e-13)
    for b_plain, b_decayed in zip(plain.intercepts_, decayed.intercepts_, strict=True):
        np.testing.assert_array_equal(b_decayed, b_plain)  # intercepts are never decayed


def test_clipped_sgd_step_is_minus_eta_c_g_over_norm_g():
    X, y = data()
    eta = 0.1
    plain = known_state(learning_rate_init=eta)
    theta0 = flat(plain)
    plain.partial_fit(X, y)
    g = -(flat(plain) - theta0) / eta  # the gradient (weights and intercepts) at theta0
    norm = np.linalg.norm(g)
    c = 0.25 * norm
    clipped = known_state(dict(max_grad_norm=c), learning_rate_init=eta)
    np.testing.assert_array_equal(flat(clipped), theta0)
    clipped.partial_fit(X, y)
    step = flat(clipped) - theta0
    np.testing.assert_allclose(step, -eta * c * g / norm, rtol=1e-8, atol=1e-14)
    assert np.linalg.norm(step) == pytest.approx(eta * c, rel=1e-9)


# -- schedules, as the estimators run them -----------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_cosine_rate_reaches_zero_when_all_epochs_run(solver):
    X, y = data()
    model = regressor(solver=solver, learning_rate="cosine", max_iter=5, n_iter_no_change=np.inf)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # the planned end, not a failure
        model.fit(X, y)
    schedule = model._optimizer.lr_schedule
    assert model.n_iter_ == 5
    assert schedule.total_steps == schedule.steps == 5 * BATCHES
    assert abs(schedule.rate) < 1e-12
    assert abs(model._optimizer.learning_rate) < 1e-12


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_one_cycle_rate_rises_then_falls_over_partial_fit_calls(solver):
    X, y = data()
    model = regressor(solver=solver, learning_rate="one_cycle", max_iter=10)
    rates = []
    for _ in range(10):
        model.partial_fit(X, y)
        rates.append(model._optimizer.lr_schedule.rate)
    total, warmup = 10 * BATCHES, round(0.3 * 10 * BATCHES)  # 30 updates, 9 warming up
    assert warmup == 3 * BATCHES
    np.testing.assert_allclose(rates[:3], [0.1 / 25 + (0.1 - 0.1 / 25) * k / 3 for k in (1, 2, 3)])
    assert np.all(np.diff(rates[:3]) > 0)
    assert np.all(np.diff(rates[2:]) < 0)
    assert rates[2] == pytest.approx(0.1, rel=1e-12)
    assert rates[-1] == pytest.approx(0.1 / 25e4, rel=1e-9)
    expected = [one_cycle(BATCHES * k, total, warmup, 0.1) for k in range(1, 11)]
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    model.partial_fit(X, y)  # past the horizon the rate stays where it ended
    assert model._optimizer.lr_schedule.steps == 11 * BATCHES
    assert model._optimizer.lr_schedule.rate == pytest.approx(0.1 / 25e4, rel=1e-9)


@pytest.mark.parametrize(
    ("learning_rate", "warmup_fraction", "peak_epoch"),
    [("cosine", 0.2, 2), ("cosine", 0.5, 5), ("one_cycle", 0.4, 4), ("cosine", None, 0)],
)
def test_warmup_fraction_sets_the_warm_up_length(learning_rate, warmup_fraction, peak_epoch):
    X, y = data()
    model = regressor(learning_rate=learning_rate, warmup_fraction=warmup_fraction)
    rates = []
    for _ in range(10):
        model.partial_fit(X, y)
        rates.append(model._optimizer.lr_schedule.rate)
    if peak_epoch == 0:  # no warm-up: the rate falls from the first update on
        assert np.all(np.diff(rates) < 0)
        assert rates[0] == pytest.approx(annealed(BATCHES, 30, 0, 0.1), rel=1e-12)
        return
    assert int(np.argmax(rates)) + 1 == peak_epoch
    assert rates[peak_epoch - 1] == pytest.approx(0.1, rel=1e-12)
    start = 0.0 if learning_rate == "cosine" else 0.1 / 25
    assert rates[0] == pytest.approx(start + (0.1 - start) / peak_epoch, rel=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_schedule_steps_once_per_batch_in_a_fit_that_stops_early(solver):
    X, y = data()
    model = regressor(solver=solver, learning_rate="cosine", **STALL).fit(X, y)
    schedule = model._optimizer.lr_schedule
    assert model.n_iter_ < model.max_iter
    assert schedule.steps == model.n_iter_ * BATCHES
    assert schedule.total_steps == model.max_iter * BATCHES
    expected = annealed(schedule.steps, schedule.total_steps, 0, 0.1)
    assert schedule.rate == pytest.approx(expected, rel=1e-12)
    assert 0 < schedule.rate < 0.1


def test_early_stopping_horizon_counts_the_training_split_only():
    X, y = data(n=64)  # a quarter held out: 48 training samples, 3 batches of 16 per epoch
    model = regressor(
        learning_rate="cosine", early_stopping=True, validation_fraction=0.25, **STALL
    ).fit(X, y)
    schedule = model._optimizer.lr_schedule
    assert schedule.total_steps == model.max_iter * BATCHES
    assert schedule.steps == model.n_iter_ * BATCHES


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("learning_rate", ["cosine", "one_cycle"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_a_planned_schedule_run_to_its_end_does_not_warn(Estimator, learning_rate, solver):
    X, y = data(classify=Estimator is BackpropClassifier)
    params = dict(hidden_layer_sizes=(5,), solver=solver, batch_size=BATCH, random_state=0)
    params.update(learning_rate=learning_rate, max_iter=3, n_iter_no_change=np.inf)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = Estimator(**params).fit(X, y)
    assert model.n_iter_ == 3  # max_iter epochs ran: the schedule's horizon
    assert model._optimizer.lr_schedule.finished


@pytest.mark.parametrize("learning_rate", ["constant", "invscaling", "adaptive"])
def test_an_open_ended_schedule_still_warns_at_max_iter(learning_rate):
    X, y = data()
    model = regressor(learning_rate=learning_rate, max_iter=3, n_iter_no_change=np.inf)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        model.fit(X, y)


@no_convergence_warning
def test_a_warm_start_with_a_new_horizon_runs_it_without_warning():
    """A warm start with another max_iter plans a new schedule, and runs it to its end."""
    X, y = data()
    model = regressor(learning_rate="cosine", max_iter=4, n_iter_no_change=np.inf, warm_start=True)
    model.fit(X, y)
    model.set_params(max_iter=2)  # a new horizon of 2 epochs: run to its end
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    assert model._optimizer.lr_schedule.total_steps == 2 * BATCHES


# -- resuming ----------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_partial_fit_calls_run_one_schedule(Estimator, solver):
    X, y = data(classify=Estimator is BackpropClassifier)
    params = dict(hidden_layer_sizes=(5,), solver=solver, batch_size=BATCH, random_state=0)
    params.update(learning_rate="cosine", learning_rate_init=0.05, shuffle=False, max_iter=4)
    params.update(n_iter_no_change=np.inf)
    straight = Estimator(**params).fit(X, y)  # runs its schedule to the end: no warning
    online = Estimator(**params)
    extra = dict(classes=[0, 1]) if Estimator is BackpropClassifier else {}
    for k in range(1, 5):
        online.partial_fit(X, y, **extra)
        schedule = online._optimizer.lr_schedule
        assert schedule.steps == k * BATCHES
        expected = annealed(k * BATCHES, 4 * BATCHES, 0, 0.05)
        assert schedule.rate == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert_same_weights(online, straight)
    assert online._optimizer.lr_schedule.steps == straight._optimizer.lr_schedule.steps


def test_partial_fit_on_a_smaller_chunk_continues_the_schedule():
    """A stream's chunks need not all have the same size: a short one continues the schedule."""
    X, y = data()
    model = regressor(learning_rate="cosine")
    rates = []
    for rows in (N, N, 20):  # 3, 3 and then 2 batches of 16
        model.partial_fit(X[:rows], y[:rows])
        rates.append(model._optimizer.lr_schedule.rate)
    assert model._optimizer.lr_schedule.steps == 3 + 3 + 2
    assert rates[2] < rates[1] < rates[0]  # no warm-up: the rate only falls


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues_the_schedule(solver):
    X, y = data()
    params = dict(solver=solver, learning_rate="one_cycle", **STALL)
    model = regressor(warm_start=True, **params).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    epochs = first + model.n_iter_
    schedule = model._optimizer.lr_schedule
    assert schedule.steps == epochs * BATCHES
    assert schedule.total_steps == 10 * BATCHES
    expected = one_cycle(epochs * BATCHES, 10 * BATCHES, round(0.3 * 10 * BATCHES), 0.1)
    assert schedule.rate == pytest.approx(expected, rel=1e-12)
    online = regressor(**params)
    for _ in range(epochs):
        online.partial_fit(X, y)
    assert_same_weights(model, online)  # the same updates at the same rates


@no_convergence_warning
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_warm_fit_after_a_finished_schedule_runs_a_new_one(solver):
    """Rather than train at the final rate (0 for cosine): the optimizer's state carries."""
    X, y = data()
    params = dict(solver=solver, learning_rate="cosine", max_iter=3, n_iter_no_change=np.inf)
    model = regressor(warm_start=True, **params).fit(X, y)
    assert model._optimizer.lr_schedule.finished
    before = flat(model)
    model.fit(X, y)
    schedule = model._optimizer.lr_schedule
    assert schedule.steps == 3 * BATCHES  # counted from the restart
    assert not np.array_equal(flat(model), before)  # it trained
    if solver == "adam":
        assert model._optimizer.t == 6 * BATCHES  # Adam's moments and step count went on


@pytest.mark.parametrize(
    "change",
    [
        dict(learning_rate="one_cycle"),
        dict(learning_rate="constant"),
        dict(learning_rate_init=0.05),
        dict(warmup_fraction=0.2),
    ],
)
def test_changed_schedule_settings_start_a_new_schedule_on_a_warm_fit(change):
    X, y = data()
    model = regressor(learning_rate="cosine", warm_start=True, **STALL).fit(X, y)
    assert model._optimizer.lr_schedule.steps == model.n_iter_ * BATCHES
    model.set_params(**change).fit(X, y)
    schedule = model._optimizer.lr_schedule
    assert schedule.steps == model.n_iter_ * BATCHES  # counted from 0 again
    eta0 = change.get("learning_rate_init", 0.1)
    name = change.get("learning_rate", "cosine")
    if name == "constant":
        assert schedule.rate == eta0
    elif name == "one_cycle":
        warmup = round(0.3 * 10 * BATCHES)
        assert schedule.rate == pytest.approx(one_cycle(schedule.steps, 30, warmup, eta0))
    else:
        warmup = round(change.get("warmup_fraction", 0.0) * 10 * BATCHES)
        assert schedule.rate == pytest.approx(annealed(schedule.steps, 30, warmup, eta0))


# -- scikit-learn's settings keep scikit-learn's behaviour ---------------------------


@pytest.mark.parametrize("learning_rate", ["invscaling", "adaptive"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_adam_ignores_the_sgd_schedules(Estimator, learning_rate):
    X, y = data(classify=Estimator is BackpropClassifier)
    params = dict(hidden_layer_sizes=(5, 4), batch_size=10, random_state=1)
    params.update(learning_rate_init=0.05, max_iter=8, **STALL)
    constant = Estimator(**params).fit(X, y)
    other = Estimator(learning_rate=learning_rate, **params).fit(X, y)
    assert_same_weights(other, constant)
    assert other.loss_curve_ == constant.loss_curve_
    assert other._optimizer.learning_rate == constant._optimizer.learning_rate


@no_convergence_warning
@pytest.mark.parametrize(
    ("solver", "learning_rate"),
    [
        ("adam", "constant"),
        ("adam", "invscaling"),
        ("adam", "adaptive"),
        ("sgd", "invscaling"),
        ("sgd", "adaptive"),
    ],
)
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_sklearn_schedules_match_scikit_learn(Estimator, solver, learning_rate):
    """Same run as scikit-learn's MLP, rate changes and stops included.

    Not bit for bit: the weights differ from scikit-learn's in the last bits (about 1e-16).
    """
    classify = Estimator is BackpropClassifier
    X, y = data(classify=classify)
    Reference = MLPClassifier if classify else MLPRegressor
    params = dict(hidden_layer_sizes=(5, 4), solver=solver, learning_rate=learning_rate)
    params.update(batch_size=10, max_iter=8, random_state=1, learning_rate_init=0.05, **STALL)
    ours = Estimator(**params).fit(X, y)
    theirs = Reference(**params).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    if solver == "sgd" and learning_rate == "adaptive":
        assert ours.n_iter_ == 8  # the rate was divided on each plateau instead of stopping
        assert theirs._optimizer.learning_rate < 0.05 / 25
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    assert ours._optimizer.learning_rate == pytest.approx(theirs._optimizer.learning_rate)


# -- the options, when off, change nothing -------------------------------------------


@no_convergence_warning
@pytest.mark.parametrize(
    ("base", "off"),
    [
        ({}, dict(weight_decay=0.0)),
        ({}, dict(max_grad_norm=None)),
        ({}, dict(max_grad_norm=1e12)),
        (dict(learning_rate="cosine"), dict(warmup_fraction=0.0)),
        (dict(learning_rate="one_cycle"), dict(warmup_fraction=0.3)),
        (dict(learning_rate="cosine", weight_decay=0.01), dict(max_grad_norm=1e12)),
    ],
)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_options_that_are_off_give_bit_identical_weights(Estimator, solver, base, off):
    X, y = data(classify=Estimator is BackpropClassifier)
    params = dict(hidden_layer_sizes=(6,), solver=solver, batch_size=10, max_iter=5)
    params.update(random_state=0, learning_rate_init=0.05, **base)
    default = Estimator(**params).fit(X, y)
    explicit = Estimator(**params, **off).fit(X, y)
    assert_same_weights(explicit, default)
    assert explicit.loss_curve_ == default.loss_curve_


# -- end to end --------------------------------------------------------------------


@no_convergence_warning
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_weight_decay_shrinks_the_weights(solver):
    X, y = data()
    params = dict(hidden_layer_sizes=(16,), solver=solver, batch_size=BATCH, max_iter=40)
    params.update(random_state=0, learning_rate_init=0.01, n_iter_no_change=np.inf)
    norms = {}
    for lam in (0.0, 0.1, 1.0):
        model = BackpropRegressor(weight_decay=lam, **params).fit(X, y)
        assert model.n_iter_ == 40
        norms[lam] = sum((W**2).sum() for W in model.coefs_)
        assert model.score(X, y) > 0.9
    assert norms[1.0] < norms[0.1] < norms[0.0]
    assert norms[1.0] < 0.7 * norms[0.0]


def test_clipped_sgd_moves_at_most_eta_c_per_step():
    X, y = data()
    eta, c = 0.1, 1e-3
    model = regressor(batch_size=8, momentum=0.0, learning_rate_init=eta, max_grad_norm=c)
    model.partial_fit(X[:8], y[:8])
    steps = []
    for start in range(8, N, 8):  # one batch per call
        before = flat(model)
        model.partial_fit(X[start : start + 8], y[start : start + 8])
        steps.append(np.linalg.norm(flat(model) - before))
    assert max(steps) <= eta * c * (1 + 1e-9)
    np.testing.assert_allclose(steps, eta * c, rtol=1e-6)  # every gradient here exceeds c


@no_convergence_warning
@pytest.mark.parametrize(
    "options",
    [
        dict(learning_rate="cosine"),
        dict(learning_rate="one_cycle"),
        dict(learning_rate="cosine", warmup_fraction=0.1),
        dict(weight_decay=0.01),
        dict(max_grad_norm=1.0),
        dict(learning_rate="one_cycle", weight_decay=1e-3, max_grad_norm=5.0),
    ],
)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_training_with_the_options_fits_a_sine(solver, options):
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(200, 1))
    y = np.sin(X).ravel()
    model = BackpropRegressor(
        hidden_layer_sizes=(32,),
        activation="tanh",
        solver=solver,
        batch_size=20,
        max_iter=60,
        random_state=0,
        learning_rate_init=0.05 if solver == "sgd" else 0.01,
        **options,
    )
    assert model.fit(X, y).score(X, y) > 0.95


@no_convergence_warning
def test_classifier_trains_with_the_options():
    X, y = data(n=120, classify=True)
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,),
        learning_rate="one_cycle",
        learning_rate_init=0.05,
        weight_decay=1e-3,
        max_grad_norm=2.0,
        max_iter=40,
        random_state=0,
    )
    assert clf.fit(X, y).score(X, y) > 0.9
    assert clf._optimizer.lr_schedule.steps == clf.n_iter_ * 1  # batch_size 'auto': all 120


# -- validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        dict(warmup_fraction=1.0),
        dict(warmup_fraction=-0.1),
        dict(weight_decay=-1),
        dict(max_grad_norm=0),
        dict(max_grad_norm=-1.0),
        dict(learning_rate="linear"),
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_invalid_settings_are_refused(Estimator, method, bad):
    classify = Estimator is BackpropClassifier
    X, y = data(classify=classify)
    model = Estimator(hidden_layer_sizes=(4,), solver="sgd", **bad)
    extra = dict(classes=[0, 1]) if classify and method == "partial_fit" else {}
    name = next(iter(bad))
    with pytest.raises(InvalidParameterError, match=name):
        getattr(model, method)(X, y, **extra)
    assert "_network" not in vars(model)


@pytest.mark.parametrize("option", [dict(weight_decay=0.1), dict(max_grad_norm=1.0)])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_lbfgs_refuses_the_stochastic_options(Estimator, option):
    X, y = data(classify=Estimator is BackpropClassifier)
    model = Estimator(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0, max_iter=500)
    model.fit(X, y)  # the defaults (weight_decay=0, max_grad_norm=None) are accepted
    before = [W.copy() for W in model.coefs_]
    name = next(iter(option))
    with pytest.raises(ValueError, match=name):
        model.set_params(warm_start=True, **option).fit(X, y)
    for W, W0 in zip(model.coefs_, before, strict=True):
        np.testing.assert_array_equal(W, W0)  # the refused fit left the model as it was
    with pytest.raises(ValueError, match=name):
        Estimator(hidden_layer_sizes=(4,), solver="lbfgs", **option).fit(X, y)


# -- float32 ---------------------------------------------------------------------


@no_convergence_warning
@pytest.mark.parametrize(
    "options",
    [
        dict(weight_decay=0.1),
        dict(max_grad_norm=0.5),
        dict(learning_rate="cosine"),
        dict(learning_rate="one_cycle", warmup_fraction=0.2),
        dict(learning_rate="cosine", weight_decay=0.01, max_grad_norm=0.1),
    ],
)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_float32_training_stays_float32(Estimator, solver, options):
    classify = Estimator is BackpropClassifier
    X, y = data(classify=classify)
    X = X.astype(np.float32)
    model = Estimator(
        hidden_layer_sizes=(6,), solver=solver, batch_size=BATCH, max_iter=3, random_state=0,
        learning_rate_init=0.05, **options,
    )  # fmt: skip
    model.fit(X, y)
    model.partial_fit(X, y)
    assert all(a.dtype == np.float32 for a in model.coefs_ + model.intercepts_)
    state = [model._optimizer.velocity] if solver == "sgd" else [model._optimizer.m]
    assert all(s.dtype == np.float32 for s in state)
    out = model.predict_proba(X) if classify else model.predict(X)
    assert out.dtype == np.float32
    assert np.isfinite(out).all()


# -- pickling mid-schedule ---------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_pickle_mid_schedule_carries_the_schedule(solver):
    X, y = data()
    params = dict(solver=solver, learning_rate="one_cycle", weight_decay=0.01, max_grad_norm=1.0)
    model = regressor(shuffle=True, **params)
    straight = regressor(shuffle=True, **params)
    for _ in range(2):
        model.partial_fit(X, y)
        straight.partial_fit(X, y)
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded._optimizer.lr_schedule.steps == 2 * BATCHES
    assert loaded._optimizer.lr_schedule.rate == model._optimizer.lr_schedule.rate
    for _ in range(2):
        for m in (model, loaded, straight):
            m.partial_fit(X, y)
    assert loaded._optimizer.lr_schedule.steps == 4 * BATCHES
    assert_same_weights(loaded, model)
    assert_same_weights(loaded, straight)
