"""Fits that go wrong: divergence ends in a clear error, Ctrl-C in a usable model.

pytest turns every warning into an error (pyproject.toml), so each test here
also asserts that no stray RuntimeWarning from numpy escapes on the way.
BLAS runs on one thread (conftest.py).
"""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from skbp import BackpropClassifier, BackpropRegressor
from skbp._core import Network
from skbp._core.training import DIVERGENCE_GROWTH, Diverged, LossGuard


def unscaled_diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X * 1000 + 500, y


def test_loss_guard_takes_the_first_loss_as_reference():
    guard = LossGuard()
    guard.check(2.0)
    assert guard.start == 2.0
    assert guard.limit == DIVERGENCE_GROWTH * 2.0
    with pytest.raises(Diverged):
        guard.check(DIVERGENCE_GROWTH * 2.0 * 1.01)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_loss_guard_rejects_a_non_finite_loss_even_first(bad):
    with pytest.raises(Diverged):
        LossGuard().check(bad)
    with pytest.raises(Diverged):
        LossGuard(start=1.0).check(bad)


def test_loss_guard_keeps_the_larger_reference_of_a_resumed_run():
    # A warm start from a well-trained model begins at a tiny loss; ordinary
    # noise above that must not count as a blow-up.
    guard = LossGuard(start=5.0)
    guard.check(1e-6)
    assert guard.start == 5.0


@pytest.mark.parametrize("seed", range(3))
def test_diverging_sgd_raises_naming_the_causes(seed):
    X, y = unscaled_diabetes()
    reg = BackpropRegressor(learning_rate_init=10, solver="sgd", max_iter=50, random_state=seed)
    with pytest.raises(ValueError, match="diverged") as info:
        reg.fit(X, y)
    message = str(info.value)
    assert "StandardScaler" in message
    assert "learning_rate_init (10)" in message
    with pytest.raises(NotFittedError):
        check_is_fitted(reg)


def test_diverging_partial_fit_leaves_the_fitted_model_unchanged():
    X, y = unscaled_diabetes()
    X_scaled = (X - X.mean(axis=0)) / X.std(axis=0)
    reg = BackpropRegressor(solver="sgd", random_state=0).partial_fit(X_scaled, y)
    before = reg.predict(X_scaled), reg.n_iter_, reg.t_, list(reg.loss_curve_)
    reg.set_params(learning_rate_init=10)
    with pytest.raises(ValueError, match="diverged"):
        reg.partial_fit(X, y)
    np.testing.assert_array_equal(reg.predict(X_scaled), before[0])
    assert (reg.n_iter_, reg.t_, reg.loss_curve_) == before[1:]


@pytest.mark.parametrize(
    ("Estimator", "solver"),
    [
        (BackpropRegressor, "lbfgs"),
        (BackpropRegressor, "sgd"),
        (BackpropRegressor, "adam"),
        (BackpropClassifier, "lbfgs"),
        (BackpropClassifier, "sgd"),
    ],
)
def test_absurd_inputs_raise_instead_of_fitting_nonsense(Estimator, solver):
    X = np.full((20, 3), 1e300) * np.arange(1, 21)[:, np.newaxis]
    y = np.arange(20) % 2
    est = Estimator(hidden_layer_sizes=(5,), solver=solver, max_iter=5, random_state=0)
    with pytest.raises(ValueError, match="not scaled") as info:
        est.fit(X, y)
    assert "largest |X| is 2e+301" in str(info.value)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


def interrupt_after(monkeypatch, n_calls):
    """Make the n-th gradient evaluation from now raise KeyboardInterrupt (Ctrl-C)."""
    original = Network.loss_and_gradient
    calls = []

    def loss_and_gradient(self, *args, **kwargs):
        calls.append(None)
        if len(calls) == n_calls:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "loss_and_gradient", loss_and_gradient)


def sine_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(200, 1))
    return X, np.sin(X).ravel()


@pytest.mark.parametrize("n_calls", [1, 30])
def test_interrupted_lbfgs_keeps_its_last_accepted_iterate(monkeypatch, n_calls):
    X, y = sine_data()
    reg = BackpropRegressor(
        hidden_layer_sizes=(10,), solver="lbfgs", max_iter=1000, random_state=0
    )
    interrupt_after(monkeypatch, n_calls)
    with pytest.warns(UserWarning, match="interrupted") as record:
        reg.fit(X, y)
    assert record[0].filename == __file__  # points at the caller, not into skbp
    assert np.isfinite(reg.predict(X)).all()
    assert reg.n_iter_ == len(reg.loss_curve_)
    if n_calls == 1:  # stopped before the first evaluation: the initial weights, no loss yet
        assert reg.n_iter_ == 0
        assert reg.loss_ is None
        return
    assert reg.n_iter_ > 0
    assert reg.loss_ == reg.loss_curve_[-1]
    monkeypatch.undo()
    # The weights kept are those of the loss reported: evaluating them agrees.
    net = reg._network
    ws = net.workspace(len(X))
    loss = net.loss_and_gradient(X, y[:, np.newaxis], None, reg.alpha, ws)
    np.testing.assert_allclose(loss, reg.loss_, rtol=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_interrupted_stochastic_fit_warns_at_the_caller(monkeypatch, solver):
    X, y = sine_data()
    reg = BackpropRegressor(hidden_layer_sizes=(10,), solver=solver, batch_size=20, random_state=0)
    interrupt_after(monkeypatch, 25)  # in the third epoch
    with pytest.warns(UserWarning, match="interrupted") as record:
        reg.fit(X, y)
    assert record[0].filename == __file__
    assert reg.n_iter_ == 2
    assert np.isfinite(reg.predict(X)).all()


def test_a_blow_up_in_the_last_step_is_caught():
    # Batch losses are taken before each step; the state after the last step
    # is checked too.
    reg = BackpropRegressor(
        loss="poisson", hidden_layer_sizes=(3,), solver="sgd", max_iter=1,
        learning_rate_init=0.1, shuffle=False, random_state=0,
    )  # fmt: skip
    with pytest.raises(ValueError, match="diverged"):
        reg.fit([[1.76405235]], [400.15720837])


def test_a_slow_blow_up_over_many_partial_fits_is_caught():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20, 2)) * 30, rng.normal(size=20)
    reg = BackpropRegressor(
        solver="sgd", learning_rate_init=0.01, hidden_layer_sizes=(), random_state=0
    )

    def train_online():
        for _ in range(30):  # the loss grows about tenfold per call
            reg.partial_fit(X, y)

    with pytest.raises(ValueError, match="diverged"):
        train_online()
    assert np.all(np.array(reg.loss_curve_) < DIVERGENCE_GROWTH * reg.loss_curve_[0])


def test_values_beyond_a_float32_model_are_refused_without_runtime_warnings():
    X, y = sine_data()
    reg = BackpropRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X.astype(np.float32), y)
    with pytest.raises(ValueError, match="too large for dtype"):
        reg.partial_fit(X * 1e300, y)
    with pytest.raises(ValueError, match="too large for dtype"):
        reg.predict(X * 1e300)


def test_early_stopping_split_with_only_zero_weights_says_so():
    clf = BackpropClassifier(
        early_stopping=True, validation_fraction=0.25, max_iter=3, random_state=5
    )
    with pytest.raises(ValueError, match=r"set is too small: .* zero weight"):
        clf.fit(np.arange(8.0)[:, None], [0, 1] * 4, sample_weight=[1.0] * 6 + [0.0] * 2)


def test_predicting_far_outside_the_training_scale():
    X, y = sine_data()
    reg = BackpropRegressor(
        hidden_layer_sizes=(4,), activation="logistic", solver="lbfgs", random_state=0
    ).fit(X.astype(np.float32), y)
    # Saturated hidden units, finite outputs: no warning (pytest makes any an error).
    assert np.isfinite(reg.predict(np.full((3, 1), 1e37, np.float32))).all()
    counts = BackpropRegressor(loss="poisson", hidden_layer_sizes=(), solver="lbfgs")
    counts.fit(X, np.exp(y))
    counts.coefs_ = [np.ones((1, 1))]  # log-rate = x + b: exp overflows for large x
    with pytest.warns(RuntimeWarning, match="not finite") as record:
        counts.predict(np.full((3, 1), 1e300))
    assert record[0].filename == __file__
