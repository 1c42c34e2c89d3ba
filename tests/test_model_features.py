"""Estimator-level tests of the model features beyond scikit-learn's MLP.

Per-layer activations, dropout, the robust regression losses, class weights,
label smoothing and multiclass-multioutput targets. Exact comparisons are
made only between identical sequences of operations (the same fit twice, a
pickled copy, class weights against the sample weights they stand for);
results of different code paths are compared with tolerances.
"""

import pickle
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import make_scorer, mean_pinball_loss, recall_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.multioutput import MultiOutputClassifier
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight

from skbp import BackpropClassifier, BackpropRegressor
from skbp._labels import class_sample_weight

no_convergence_warning = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

ACTIVATIONS = [
    "identity",
    "logistic",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "softplus",
    "mish",
]
LOSSES = ["squared_error", "poisson", "absolute_error", "huber", "quantile"]


# -- data -------------------------------------------------------------------


def blobs(n=120, n_classes=3, spread=0.4, seed=0):
    """Well separated Gaussian blobs on a grid; labels 0..n_classes-1."""
    rng = np.random.RandomState(seed)
    centers = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])[:n_classes]
    y = np.arange(n) % n_classes
    return centers[y] + spread * rng.normal(size=(n, 2)), y


def smooth_regression(n=200, n_outputs=1, seed=0):
    """A smooth target (or several) of three features, of unit scale."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 3))
    Y = np.c_[np.sin(2 * X[:, 0]) + X[:, 1], X[:, 1] * X[:, 2] - 0.5 * X[:, 0]]
    return X, (Y[:, 0] if n_outputs == 1 else Y[:, :n_outputs])


def skewed_noise(n=2000, seed=0):
    """y = 2x + (0.5 + x) * Exponential(1): skewed, heteroscedastic noise.

    Returns X, y and the conditional median and mean of y given x.
    """
    rng = np.random.RandomState(seed)
    X = rng.uniform(0, 1, size=(n, 1))
    scale = 0.5 + X[:, 0]
    y = 2 * X[:, 0] + scale * rng.exponential(size=n)
    return X, y, 2 * X[:, 0] + np.log(2) * scale, 2 * X[:, 0] + scale


def mcmo_data(n=180, seed=0, mixed=True):
    """Two outputs from six blobs: the blob's column (10/20/30) and row ("lo"/"hi").

    With ``mixed=False`` the second output is 7/8 instead of strings.
    """
    rng = np.random.RandomState(seed)
    col, row = np.arange(n) % 3, (np.arange(n) // 3) % 2
    X = np.c_[col, row] + 0.15 * rng.normal(size=(n, 2))
    Y = np.empty((n, 2), dtype=object if mixed else np.int64)
    Y[:, 0] = np.array([10, 20, 30])[col]
    Y[:, 1] = np.array(["lo", "hi"])[row] if mixed else np.array([7, 8])[row]
    return X, Y


def imbalanced(n=1000, rare=0.05, seed=0):
    """Class 1 is rare and overlaps class 0."""
    rng = np.random.RandomState(seed)
    y = (rng.uniform(size=n) < rare).astype(int)
    return rng.normal(size=(n, 2)) + 1.5 * y[:, np.newaxis], y


# -- helpers ----------------------------------------------------------------


def weights(est):
    """A copy of the fitted network's flat parameter vector."""
    return est._network.params.copy()


def assert_same_weights(a, b):
    np.testing.assert_array_equal(a._network.params, b._network.params)


def assert_different_weights(a, b):
    assert not np.array_equal(a._network.params, b._network.params)


def small_clf(**params):
    defaults = dict(hidden_layer_sizes=(8, 6), max_iter=15, random_state=0)
    return BackpropClassifier(**{**defaults, **params})


def mcmo_clf(**params):
    """A classifier that learns mcmo_data well in a few dozen quick epochs."""
    defaults = dict(
        hidden_layer_sizes=(16,),
        batch_size=30,
        learning_rate_init=0.02,
        max_iter=30,
        random_state=0,
    )
    return BackpropClassifier(**{**defaults, **params})


def small_reg(**params):
    defaults = dict(hidden_layer_sizes=(8, 6), max_iter=15, random_state=0)
    return BackpropRegressor(**{**defaults, **params})


def skewed_reg(**params):
    """A regressor that learns the skewed_noise problem's conditional statistics."""
    defaults = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=60, random_state=0)
    return BackpropRegressor(**{**defaults, **params})


@contextmanager
def quietly():
    """For fits whose stopping short of convergence is not the point."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def fit_quietly(est, *args, **kwargs):
    with quietly():
        return est.fit(*args, **kwargs)


def manual_forward(est, X, hidden):
    """The network's output pre-activation from coefs_ / intercepts_, no dropout."""
    a = X
    for k, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
        a = a @ W + b
        if k < len(est.coefs_) - 1:
            a = hidden[k](a)
    return a


# == per-layer activations ==================================================


@no_convergence_warning
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activation_can_sit_in_any_layer(name):
    X, y = smooth_regression(n=150)
    reg = BackpropRegressor(
        hidden_layer_sizes=(12, 12),
        activation=(name, "tanh"),
        solver="lbfgs",
        max_iter=300,
        random_state=0,
    )
    assert reg.fit(X, y).score(X, y) > 0.9
    assert reg._network.activations == (name, "tanh")
    assert reg.activation == (name, "tanh")  # the parameter is left as given


@no_convergence_warning
def test_per_layer_activations_classify():
    X, y = blobs()
    clf = BackpropClassifier(
        (10, 8, 6), activation=["relu", "tanh", "gelu"], solver="lbfgs", random_state=0
    )
    assert clf.fit(X, y).score(X, y) == 1.0
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert clf._network.activations == ("relu", "tanh", "gelu")


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("name", ["logistic", "relu", "mish"])
def test_a_repeated_name_is_the_single_name(name, solver):
    X, y = blobs()
    with quietly():
        single = small_clf(activation=name, solver=solver).fit(X, y)
    with quietly():
        listed = small_clf(activation=[name, name], solver=solver).fit(X, y)
    assert_same_weights(single, listed)


@no_convergence_warning
def test_activation_grid_search_with_a_tuple():
    X, y = blobs(n=90)
    grid = {"activation": [("relu", "tanh"), "gelu", ["logistic", "silu"]]}
    base = BackpropClassifier((6, 6), solver="lbfgs", max_iter=200, random_state=0)
    search = GridSearchCV(base, grid, cv=3).fit(X, y)
    assert list(search.cv_results_["param_activation"]) == grid["activation"]
    assert search.best_score_ > 0.9
    best = search.best_params_["activation"]
    expected = (best,) * 2 if isinstance(best, str) else tuple(best)
    assert search.best_estimator_._network.activations == expected
    assert clone(base.set_params(activation=("relu", "tanh"))).activation == ("relu", "tanh")


@pytest.mark.parametrize(
    ("activation", "bad"),
    [
        (("relu", "tanh", "gelu"), "3 entries"),
        (["relu"], "1 entries"),
        (("relu", "swish"), "swish"),
        ("swish", "swish"),
        (["relu", "Tanh"], "Tanh"),
    ],
)
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_bad_activations_are_refused_by_name(Estimator, activation, bad):
    X, y = blobs(n=30)
    est = Estimator(hidden_layer_sizes=(4, 4), activation=activation, max_iter=2)
    with pytest.raises(ValueError, match=bad):
        est.fit(X, y)
    assert not hasattr(est, "_network")


def test_warm_start_refuses_a_changed_activation():
    X, y = blobs()
    clf = fit_quietly(small_clf(activation=("relu", "tanh"), warm_start=True), X, y)
    before = weights(clf)
    clf.set_params(activation=("tanh", "relu"))
    with pytest.raises(ValueError, match="warm_start=False"):
        clf.fit(X, y)
    np.testing.assert_array_equal(clf._network.params, before)  # left as it was
    clf.set_params(activation="tanh", warm_start=False)
    fit_quietly(clf, X, y)  # a fresh network may have any activation
    assert clf._network.activations == ("tanh", "tanh")


def test_warm_start_accepts_the_same_activations_spelled_differently():
    X, y = blobs()
    clf = fit_quietly(small_clf(activation="relu", warm_start=True, max_iter=5), X, y)
    clf.set_params(activation=["relu", "relu"])
    fit_quietly(clf, X, y)
    assert len(clf.loss_curve_) == 10


# == dropout ================================================================


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_dropout_is_reproducible_from_the_seed(Estimator, solver):
    X, y = blobs()
    est = Estimator(hidden_layer_sizes=(8, 6), max_iter=15, solver=solver, dropout=0.3)
    first = fit_quietly(clone(est).set_params(random_state=0), X, y)
    again = fit_quietly(clone(est).set_params(random_state=0), X, y)
    other = fit_quietly(clone(est).set_params(random_state=1), X, y)
    plain = fit_quietly(clone(est).set_params(random_state=0, dropout=0.0), X, y)
    assert_same_weights(first, again)
    assert first.loss_curve_ == again.loss_curve_
    assert_different_weights(first, other)
    assert_different_weights(first, plain)  # the masks changed training


def test_dropout_with_a_random_state_instance_is_reproducible():
    X, y = blobs()
    a = fit_quietly(small_clf(dropout=0.3, random_state=np.random.RandomState(4)), X, y)
    b = fit_quietly(small_clf(dropout=0.3, random_state=np.random.RandomState(4)), X, y)
    assert_same_weights(a, b)


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_zero_dropout_is_the_default_bit_for_bit(Estimator):
    X, y = blobs()
    params = dict(hidden_layer_sizes=(8, 6), max_iter=15, random_state=0)
    default = fit_quietly(Estimator(**params), X, y)
    for dropout in (0.0, 0, [0.0, 0.0], (0, 0.0), np.zeros(2)):
        zero = fit_quietly(Estimator(dropout=dropout, **params), X, y)
        assert_same_weights(default, zero)
        assert zero.loss_curve_ == default.loss_curve_


@no_convergence_warning
def test_dropout_leaves_prediction_deterministic_and_unmasked():
    X, y = smooth_regression()
    reg = small_reg(dropout=(0.5, 0.2), activation=("tanh", "relu")).fit(X, y)
    first = reg.predict(X)
    np.testing.assert_array_equal(reg.predict(X), first)
    # the same weights in a network without dropout predict the same
    plain = small_reg(activation=("tanh", "relu"), max_iter=1).fit(X, y)
    plain.coefs_ = reg.coefs_
    plain.intercepts_ = reg.intercepts_
    np.testing.assert_array_equal(plain.predict(X), first)
    # and so does the forward pass written out, without any rescaling
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    expected = manual_forward(reg, X, [np.tanh, relu]).ravel()
    np.testing.assert_allclose(first, expected, rtol=1e-10, atol=1e-12)


@no_convergence_warning
def test_dropout_classifier_predictions_are_deterministic():
    X, y = blobs()
    clf = small_clf(dropout=0.4, batch_size=20, max_iter=40, learning_rate_init=0.01).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(clf.predict(X), clf.predict(X))
    assert clf.score(X, y) > 0.9  # dropout does not stop it from learning


@no_convergence_warning
def test_per_layer_dropout_rates():
    X, y = blobs()
    fits = {
        rate: small_clf(dropout=rate).fit(X, y)
        for rate in [(0.3, 0.0), (0.0, 0.3), (0.3, 0.3), 0.3, 0.0]
    }
    assert_same_weights(fits[(0.3, 0.3)], fits[0.3])  # a repeated rate is the single rate
    keys = [(0.3, 0.0), (0.0, 0.3), 0.3, 0.0]
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            assert_different_weights(fits[a], fits[b])
    assert fits[(0.3, 0.0)]._network.dropout == (0.3, 0.0)


@pytest.mark.parametrize("dropout", [0.2, (0.2, 0.0)])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_lbfgs_refuses_dropout(Estimator, dropout):
    X, y = blobs(n=30)
    est = Estimator(hidden_layer_sizes=(4, 4), solver="lbfgs", dropout=dropout)
    with pytest.raises(ValueError, match="dropout"):
        est.fit(X, y)


@no_convergence_warning
def test_lbfgs_accepts_zero_dropout():
    X, y = blobs(n=60)
    a = BackpropClassifier((4, 4), solver="lbfgs", random_state=0, max_iter=500).fit(X, y)
    b = BackpropClassifier((4, 4), solver="lbfgs", random_state=0, max_iter=500)
    assert_same_weights(a, b.set_params(dropout=[0.0, 0.0]).fit(X, y))


@pytest.mark.parametrize(
    ("dropout", "match"),
    [
        (1.0, "dropout"),
        (-0.1, "dropout"),
        (1.5, "dropout"),
        ([0.1, 1.0], r"\[0, 1\)"),
        ([0.1, -0.2], r"\[0, 1\)"),
        ([0.1, 0.2, 0.3], "3 entries"),
        ([0.1], "1 entries"),
        ("high", "dropout"),
    ],
)
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_bad_dropout_is_refused(Estimator, dropout, match):
    X, y = blobs(n=30)
    est = Estimator(hidden_layer_sizes=(4, 4), dropout=dropout, max_iter=2)
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)


def test_dropout_with_partial_fit():
    X, y = blobs(n=200)
    batches = np.array_split(np.arange(len(X)), 5)

    def online(dropout):
        clf = small_clf(dropout=dropout, batch_size=20, learning_rate_init=0.01)
        for _ in range(15):
            for b in batches:
                clf.partial_fit(X[b], y[b], classes=[0, 1, 2])
        return clf

    a, b, plain = online(0.3), online(0.3), online(0.0)
    assert_same_weights(a, b)
    assert_different_weights(a, plain)
    assert a.score(X, y) > 0.8
    np.testing.assert_array_equal(a.predict_proba(X), a.predict_proba(X))


def test_successive_partial_fits_draw_new_dropout_masks():
    # An int random_state re-seeds the shuffling on every call, as in
    # scikit-learn; the masks must go on with their stream instead.
    X, y = blobs(n=64)
    clf = small_clf(dropout=0.5, batch_size=64)
    masks = []
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1, 2])
        masks.append(clf._network._workspace.buffers[1]["mask"].copy())
    assert not np.array_equal(masks[1], masks[2])
    assert not np.array_equal(masks[0], masks[1])


@no_convergence_warning
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_dropout_keeps_float32(Estimator):
    X, y = blobs()
    est = Estimator(hidden_layer_sizes=(8, 6), dropout=(0.2, 0.4), max_iter=5, random_state=0)
    est.fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in est.coefs_ + est.intercepts_)
    out = est.predict_proba(X) if Estimator is BackpropClassifier else est.predict(X)
    assert out.dtype == np.float32
    assert np.isfinite(out).all()


# == regression losses ======================================================


@no_convergence_warning
def test_absolute_error_predicts_the_conditional_median():
    X, y, median, mean = skewed_noise()
    reg = skewed_reg(loss="absolute_error").fit(X, y)
    pred = reg.predict(X)
    assert abs(np.mean(y < pred) - 0.5) < 0.1
    gap = np.mean(np.abs(mean - median))  # about 0.3
    assert np.mean(np.abs(pred - median)) < 0.4 * gap
    squared = skewed_reg().fit(X, y)
    assert np.mean(np.abs(squared.predict(X) - mean)) < 0.4 * gap  # it finds the mean


@no_convergence_warning
@pytest.mark.parametrize("q", [0.1, 0.25, 0.75, 0.9])
def test_quantile_loss_leaves_that_fraction_below(q):
    X, y, _, _ = skewed_noise()
    reg = skewed_reg(loss="quantile", quantile=q).fit(X, y)
    pred = reg.predict(X)
    assert abs(np.mean(y < pred) - q) < 0.1
    # the fraction holds across x, not only on average (heteroscedastic noise)
    for part in (X[:, 0] < 0.5, X[:, 0] >= 0.5):
        assert abs(np.mean(y[part] < pred[part]) - q) < 0.15


@no_convergence_warning
def test_quantile_loss_on_several_outputs():
    X, y, _, _ = skewed_noise()
    Y = np.c_[y, -3 * y]  # the second output's noise is skewed the other way
    reg = skewed_reg(loss="quantile", quantile=0.8).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == Y.shape
    for j in range(2):
        assert abs(np.mean(Y[:, j] < pred[:, j]) - 0.8) < 0.1


@no_convergence_warning
def test_huber_is_robust_to_outliers():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(400, 1))
    y = 3 * X[:, 0] + 0.1 * rng.normal(size=400)
    y[:20] += 50.0  # 5% of the targets far off
    X_test = np.linspace(-1, 1, 50)[:, np.newaxis]

    def clean_error(**params):
        reg = BackpropRegressor(
            hidden_layer_sizes=(8,),
            learning_rate_init=0.02,
            max_iter=150,
            random_state=0,
            **params,
        ).fit(X, y)
        return np.mean(np.abs(reg.predict(X_test) - 3 * X_test[:, 0]))

    squared, huber = clean_error(), clean_error(loss="huber", huber_delta=0.5)
    assert squared > 1.0  # pulled up by about 50 * 5% = 2.5
    assert huber < 0.3
    assert huber < 0.2 * squared


@no_convergence_warning
@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_fits_several_outputs(loss):
    X, Y = smooth_regression(n=300, n_outputs=2)
    if loss == "poisson":
        Y = np.exp(Y)  # positive rates
    reg = BackpropRegressor(
        loss=loss,
        hidden_layer_sizes=(16,),
        activation="tanh",
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=80,
        random_state=0,
    ).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == Y.shape
    assert reg.n_outputs_ == 2
    assert reg.out_activation_ == ("exp" if loss == "poisson" else "identity")
    for j in range(2):
        assert np.corrcoef(pred[:, j], Y[:, j])[0, 1] > 0.9
    curve = reg.loss_curve_
    assert np.mean(curve[-5:]) < 0.5 * np.mean(curve[:5])  # decreasing overall
    assert min(curve) < 0.5 * curve[0]
    # a 1-D target still predicts 1-D
    assert clone(reg).set_params(max_iter=3).fit(X, Y[:, 0]).predict(X).shape == (len(X),)


def pointwise_loss(loss, Y, P, delta=1.0, q=0.5):
    """The per-sample error summed over outputs, as the docstring defines it."""
    R = P - Y
    if loss == "squared_error":
        E = 0.5 * R**2
    elif loss == "poisson":
        E = Y * np.log(Y / P) - Y + P
    elif loss == "absolute_error":
        E = np.abs(R)
    elif loss == "huber":
        E = np.where(np.abs(R) <= delta, 0.5 * R**2, delta * (np.abs(R) - 0.5 * delta))
    else:
        E = np.maximum(q * (Y - P), (q - 1) * (Y - P))
    return E.sum(axis=1).mean()


@no_convergence_warning
@pytest.mark.parametrize("loss", LOSSES)
def test_lbfgs_reports_the_loss_it_minimises(loss):
    """L-BFGS's ``loss_`` is the loss at the final weights: check it by hand."""
    X, Y = smooth_regression(n=100, n_outputs=2)
    if loss == "poisson":
        Y = np.exp(Y)
    reg = BackpropRegressor(
        loss=loss,
        huber_delta=0.3,
        quantile=0.3,
        hidden_layer_sizes=(6,),
        solver="lbfgs",
        alpha=0.0,
        max_iter=40,
        random_state=0,
    ).fit(X, Y)
    expected = pointwise_loss(loss, Y, reg.predict(X), delta=0.3, q=0.3)
    np.testing.assert_allclose(reg.loss_, expected, rtol=1e-7)
    assert reg.loss_ < reg.loss_curve_[0] or len(reg.loss_curve_) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"huber_delta": 0.0},
        {"huber_delta": -1.0},
        {"huber_delta": "big"},
        {"quantile": 0.0},
        {"quantile": 1.0},
        {"quantile": 1.5},
        {"quantile": -0.2},
        {"loss": "pinball"},
    ],
)
def test_bad_loss_parameters_are_refused(params):
    X, y = smooth_regression(n=20)
    with pytest.raises(InvalidParameterError, match=next(iter(params))):
        BackpropRegressor(hidden_layer_sizes=(3,), **params).fit(X, y)


def test_loss_parameters_only_matter_to_their_loss():
    X, y = smooth_regression(n=60)
    a = fit_quietly(small_reg(), X, y)
    b = fit_quietly(small_reg(huber_delta=3.0, quantile=0.9), X, y)
    assert_same_weights(a, b)
    c = fit_quietly(small_reg(loss="huber", huber_delta=0.1), X, y)
    d = fit_quietly(small_reg(loss="huber", huber_delta=0.1, quantile=0.9), X, y)
    assert_same_weights(c, d)
    e = fit_quietly(small_reg(loss="huber", huber_delta=0.2), X, y)
    assert_different_weights(c, e)


@no_convergence_warning
def test_quantile_through_grid_search():
    X, y, _, _ = skewed_noise(n=600)
    base = BackpropRegressor(
        loss="quantile", hidden_layer_sizes=(8,), learning_rate_init=0.02, max_iter=40
    )
    scorer = make_scorer(mean_pinball_loss, alpha=0.8, greater_is_better=False)
    search = GridSearchCV(base.set_params(random_state=0), {"quantile": [0.2, 0.8]}, cv=3)
    search.set_params(scoring=scorer).fit(X, y)
    assert search.best_params_ == {"quantile": 0.8}


@no_convergence_warning
@pytest.mark.parametrize("loss", ["absolute_error", "huber"])
def test_robust_losses_with_dropout_through_cross_val_score(loss):
    X, y = smooth_regression(n=150)
    reg = BackpropRegressor(
        loss=loss, hidden_layer_sizes=(16,), solver="adam", learning_rate_init=0.02
    )
    reg.set_params(max_iter=100, random_state=0, dropout=0.1)
    scores = cross_val_score(reg, X, y, cv=3)
    assert scores.min() > 0.8


@no_convergence_warning
def test_warm_start_may_change_dropout_and_loss_parameters_but_not_the_loss():
    X, y = smooth_regression()
    reg = small_reg(loss="huber", dropout=0.3, warm_start=True, max_iter=5).fit(X, y)
    reg.set_params(huber_delta=0.2, dropout=(0.0, 0.1)).fit(X, y)
    assert len(reg.loss_curve_) == 10
    assert reg._network.dropout == (0.0, 0.1)
    before = weights(reg)
    for loss in ("absolute_error", "squared_error"):
        with pytest.raises(ValueError, match="warm_start=False"):
            reg.set_params(loss=loss).fit(X, y)
    np.testing.assert_array_equal(reg._network.params, before)


# == class weights ==========================================================


def per_sample(class_weight, y):
    return np.array([class_weight[label] for label in y], dtype=np.float64)


def balanced(y):
    """n / (n_classes * count(label)), as scikit-learn's 'balanced' computes it."""
    classes, index, counts = np.unique(y, return_inverse=True, return_counts=True)
    return (len(y) / (len(classes) * counts.astype(np.float64)))[index]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_class_weight_dict_is_its_sample_weight(solver, dtype):
    X, y = blobs(n=90)
    X = X.astype(dtype)
    cw = {0: 1.0, 1: 3.0, 2: 0.25}
    with quietly():
        by_class = small_clf(solver=solver, class_weight=cw).fit(X, y)
    with quietly():
        by_sample = small_clf(solver=solver).fit(X, y, sample_weight=per_sample(cw, y))
    assert_same_weights(by_class, by_sample)
    assert by_class.loss_curve_ == by_sample.loss_curve_


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_balanced_is_its_sample_weight(solver):
    X, y = blobs(n=100)
    y = np.where(y == 2, "c", np.where(y == 1, "b", "a"))  # string labels
    y[:20] = "a"  # unbalanced: 47 a, 26 b, 27 c
    with quietly():
        by_class = small_clf(solver=solver, class_weight="balanced").fit(X, y)
    with quietly():
        by_sample = small_clf(solver=solver).fit(X, y, sample_weight=balanced(y))
    assert_same_weights(by_class, by_sample)


@pytest.mark.parametrize("class_weight", [{0: 2.0, 1: 0.5, 2: 1.0}, "balanced"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_class_weight_multiplies_sample_weight(solver, class_weight):
    X, y = blobs(n=90)
    sw = np.random.RandomState(1).uniform(0.1, 2.0, size=len(y))
    if isinstance(class_weight, dict):
        cw = per_sample(class_weight, y)
    else:  # 'balanced' counts each sample by its weight: weight k = k repetitions
        classes, index = np.unique(y, return_inverse=True)
        cw = compute_class_weight("balanced", classes=classes, y=y, sample_weight=sw)[index]
    with quietly():
        both = small_clf(solver=solver, class_weight=class_weight).fit(X, y, sample_weight=sw)
    with quietly():
        product = small_clf(solver=solver).fit(X, y, sample_weight=sw * cw)
    assert_same_weights(both, product)


def test_balanced_weights_count_samples_by_their_weight():
    # A sample of weight 2 is a repeated sample; weight 0 an absent one, also
    # when that removes a class entirely.
    y = np.array([7, 7, 0, 0, 0, 1, 2, 2])
    sw = np.array([0.0, 0.0, 2.0, 1.0, 1.0, 3.0, 1.0, 2.0])
    repeated = np.repeat(np.arange(len(y)), sw.astype(int))
    weighted = class_sample_weight("balanced", y, sw)
    np.testing.assert_allclose(
        weighted[repeated], class_sample_weight("balanced", y[repeated], None), rtol=1e-15
    )
    assert np.isfinite(weighted).all()


@no_convergence_warning
def test_balanced_raises_the_recall_of_a_rare_class():
    X, y = imbalanced()
    X_test, y_test = imbalanced(n=4000, seed=1)
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=300, random_state=0)
    plain = BackpropClassifier(**params).fit(X, y)
    fair = BackpropClassifier(class_weight="balanced", **params).fit(X, y)
    plain_recall = recall_score(y_test, plain.predict(X_test))
    fair_recall = recall_score(y_test, fair.predict(X_test))
    assert fair_recall > plain_recall + 0.3
    assert fair_recall > 0.6


@no_convergence_warning
def test_balanced_through_grid_search():
    X, y = imbalanced(n=600)
    base = BackpropClassifier((4,), solver="lbfgs", max_iter=300, random_state=0)
    grid = {"class_weight": [None, "balanced"]}
    search = GridSearchCV(base, grid, scoring="recall", cv=3).fit(X, y)
    assert search.best_params_ == {"class_weight": "balanced"}


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_multilabel_class_weight_is_a_list_of_dicts(solver):
    X, _ = blobs(n=90)
    Y = np.c_[X[:, 0] > 1, X[:, 1] > 1].astype(int)
    cw = [{0: 1.0, 1: 4.0}, {0: 0.5, 1: 2.0}]
    sw = per_sample(cw[0], Y[:, 0]) * per_sample(cw[1], Y[:, 1])
    with quietly():
        by_class = small_clf(solver=solver, class_weight=cw).fit(X, Y)
    with quietly():
        by_sample = small_clf(solver=solver).fit(X, Y, sample_weight=sw)
    assert_same_weights(by_class, by_sample)
    with quietly():
        by_class = small_clf(solver=solver, class_weight="balanced").fit(X, Y)
    with quietly():
        by_sample = small_clf(solver=solver).fit(
            X, Y, sample_weight=balanced(Y[:, 0]) * balanced(Y[:, 1])
        )
    assert_same_weights(by_class, by_sample)


def test_multilabel_needs_one_class_weight_per_output():
    X, _ = blobs(n=40)
    Y = np.c_[X[:, 0] > 1, X[:, 1] > 1].astype(int)
    for cw in ({0: 1.0, 1: 2.0}, [{0: 1.0, 1: 2.0}]):
        with pytest.raises(ValueError, match="class_weight"):
            small_clf(class_weight=cw).fit(X, Y)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_multiclass_multioutput_balanced(solver):
    X, Y = mcmo_data(mixed=False)
    keep = np.r_[np.arange(0, 180, 2), np.arange(1, 180, 6)]  # unbalance both outputs
    X, Y = X[keep], Y[keep]
    sw = balanced(Y[:, 0]) * balanced(Y[:, 1])
    assert len(np.unique(sw)) > 1
    with quietly():
        by_class = small_clf(solver=solver, class_weight="balanced").fit(X, Y)
    with quietly():
        by_sample = small_clf(solver=solver).fit(X, Y, sample_weight=sw)
    assert_same_weights(by_class, by_sample)


@no_convergence_warning
def test_multiclass_multioutput_class_weight_with_string_labels():
    X, Y = mcmo_data()
    cw = [{10: 1.0, 20: 2.0, 30: 1.0}, {"lo": 3.0, "hi": 1.0}]
    sw = per_sample(cw[0], Y[:, 0]) * per_sample(cw[1], Y[:, 1])
    by_class = small_clf(class_weight=cw).fit(X, Y)
    by_sample = small_clf().fit(X, Y, sample_weight=sw)
    assert_same_weights(by_class, by_sample)
    balanced_fit = small_clf(class_weight="balanced").fit(X, Y)
    assert balanced_fit.predict(X).shape == Y.shape


def test_partial_fit_refuses_balanced_but_takes_a_dict():
    X, y = blobs(n=90)
    clf = small_clf(class_weight="balanced")
    with pytest.raises(ValueError, match="partial_fit"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert not hasattr(clf, "_network")
    cw = {0: 1.0, 1: 2.0, 2: 0.5}
    by_class, by_sample = small_clf(class_weight=cw), small_clf()
    halves = np.array_split(np.arange(len(X)), 2)
    for i, b in enumerate(halves):
        classes = [0, 1, 2] if i == 0 else None
        by_class.partial_fit(X[b], y[b], classes=classes)
        by_sample.partial_fit(X[b], y[b], classes=classes, sample_weight=per_sample(cw, y[b]))
    assert_same_weights(by_class, by_sample)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_class_weights_of_zero_everywhere_are_refused(solver):
    X, y = blobs(n=60, n_classes=2)
    clf = small_clf(solver=solver, class_weight={0: 0.0, 1: 0.0})
    with pytest.raises(ValueError, match="non-zero"):
        clf.fit(X, y)
    # zero weight on the classes the user's weights leave: all zero again
    clf.set_params(class_weight={0: 0.0, 1: 1.0})
    with pytest.raises(ValueError, match="non-zero"):
        clf.fit(X, y, sample_weight=(y == 0).astype(float))
    assert not hasattr(clf, "_network")


def test_bad_class_weight_is_refused():
    X, y = blobs(n=30)
    with pytest.raises(InvalidParameterError, match="class_weight"):
        small_clf(class_weight="auto").fit(X, y)
    with pytest.raises(ValueError, match="class_weight"):  # classes without a weight
        small_clf(class_weight={0: 1.0, 5: 2.0}).fit(X, y)


# == label smoothing ========================================================


@no_convergence_warning
@pytest.mark.parametrize("n_classes", [2, 3])
def test_label_smoothing_bounds_the_confidence(n_classes):
    X, y = blobs(n=90, n_classes=n_classes, spread=0.2)
    params = dict(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=500, random_state=0)
    sharp = BackpropClassifier(**params).fit(X, y)
    smooth = BackpropClassifier(label_smoothing=0.1, **params).fit(X, y)
    target = 0.9 + 0.1 / n_classes
    assert sharp.predict_proba(X).max(axis=1).min() > 0.99  # the check has teeth
    top = smooth.predict_proba(X).max(axis=1)
    assert top.max() < 0.99
    assert abs(top.mean() - target) < 0.03
    assert smooth.score(X, y) == 1.0


@no_convergence_warning
def test_label_smoothing_multilabel():
    X, _ = blobs(n=90, n_classes=4, spread=0.2)
    Y = np.c_[X[:, 0] > 1, X[:, 1] > 1].astype(int)
    clf = BackpropClassifier(
        (16,), solver="lbfgs", max_iter=500, random_state=0, label_smoothing=0.2
    ).fit(X, Y)
    proba = clf.predict_proba(X)
    assert proba.max() < 0.99
    assert proba.min() > 0.01
    np.testing.assert_allclose(np.where(Y == 1, proba, 1 - proba).mean(), 0.9, atol=0.03)
    np.testing.assert_array_equal(clf.predict(X), Y)


@no_convergence_warning
def test_label_smoothing_multiclass_multioutput():
    X, Y = mcmo_data()
    clf = BackpropClassifier(
        (16,), solver="lbfgs", max_iter=500, random_state=0, label_smoothing=0.3
    ).fit(X, Y)
    for proba, size in zip(clf.predict_proba(X), (3, 2), strict=True):
        top = proba.max(axis=1)
        assert top.max() < 0.99
        assert abs(top.mean() - (0.7 + 0.3 / size)) < 0.05
    assert clf.score(X, Y) == 1.0


@no_convergence_warning
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel", "multioutput"])
def test_smoothed_loss_is_the_cross_entropy_with_smoothed_targets(kind):
    eps = 0.2
    X, y = blobs(n=60, n_classes=2 if kind == "binary" else 3)
    if kind == "multilabel":
        y = np.c_[X[:, 0] > 1, X[:, 1] > 1].astype(int)
    if kind == "multioutput":
        X, y = mcmo_data(n=60)
    clf = BackpropClassifier(
        (5,), solver="lbfgs", alpha=0.0, max_iter=20, random_state=0, label_smoothing=eps
    ).fit(X, y)
    proba = clf.predict_proba(X)
    if kind == "multilabel":
        T = (1 - eps) * y + eps / 2
        expected = -(T * np.log(proba) + (1 - T) * np.log(1 - proba)).sum(axis=1).mean()
    else:
        targets = [y] if y.ndim == 1 else [y[:, j] for j in range(y.shape[1])]
        probas = proba if isinstance(proba, list) else [proba]
        expected = 0.0
        all_classes = clf.classes_ if kind == "multioutput" else [clf.classes_]
        for t, p, classes in zip(targets, probas, all_classes, strict=True):
            onehot = (np.asarray(t)[:, np.newaxis] == classes).astype(float)
            T = (1 - eps) * onehot + eps / len(classes)
            expected += -(T * np.log(p)).sum(axis=1).mean()
    np.testing.assert_allclose(clf.loss_, expected, rtol=1e-7)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_no_smoothing_is_the_default_bit_for_bit(kind, solver):
    X, y = blobs(n=60, n_classes=2 if kind == "binary" else 3)
    if kind == "multilabel":
        y = np.c_[X[:, 0] > 1, X[:, 1] > 1].astype(int)
    with quietly():
        default = small_clf(solver=solver).fit(X, y)
    with quietly():
        zero = small_clf(solver=solver, label_smoothing=0.0, class_weight=None).fit(X, y)
    assert_same_weights(default, zero)
    assert default.loss_curve_ == zero.loss_curve_


@pytest.mark.parametrize("eps", [1.0, -0.1, 2])
def test_bad_label_smoothing_is_refused(eps):
    X, y = blobs(n=30)
    with pytest.raises(InvalidParameterError, match="label_smoothing"):
        small_clf(label_smoothing=eps).fit(X, y)


def test_label_smoothing_changes_training():
    X, y = blobs(n=60)
    a = fit_quietly(small_clf(), X, y)
    b = fit_quietly(small_clf(label_smoothing=0.1), X, y)
    assert_different_weights(a, b)


# == multiclass-multioutput =================================================


@no_convergence_warning
def test_multiclass_multioutput_fit_and_predict():
    X, Y = mcmo_data()
    clf = BackpropClassifier((16,), solver="lbfgs", max_iter=300, random_state=0).fit(X, Y)
    assert isinstance(clf.classes_, list)
    assert len(clf.classes_) == 2
    np.testing.assert_array_equal(clf.classes_[0], [10, 20, 30])
    np.testing.assert_array_equal(clf.classes_[1], ["hi", "lo"])
    assert clf.out_activation_ == "softmax"
    assert clf.n_outputs_ == 5  # one unit per class of each output
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    assert pred.dtype == object  # numbers beside strings
    for j in range(2):
        assert set(pred[:, j]) <= set(clf.classes_[j].tolist())
    assert np.mean(np.all(pred == Y, axis=1)) > 0.95
    assert clf.score(X, Y) > 0.95


@no_convergence_warning
def test_multiclass_multioutput_probabilities():
    X, Y = mcmo_data()
    clf = mcmo_clf().fit(X, Y)
    proba, log_proba = clf.predict_proba(X), clf.predict_log_proba(X)
    scores = clf.decision_function(X)
    pred = clf.predict(X)
    for j, classes in enumerate(clf.classes_):
        assert proba[j].shape == (len(X), len(classes))
        assert scores[j].shape == (len(X), len(classes))
        np.testing.assert_allclose(proba[j].sum(axis=1), 1.0, rtol=1e-12)
        assert ((proba[j] >= 0) & (proba[j] <= 1)).all()
        np.testing.assert_array_equal(classes[np.argmax(proba[j], axis=1)], pred[:, j])
        np.testing.assert_allclose(log_proba[j], np.log(proba[j]), rtol=1e-12)
        z = scores[j] - scores[j].max(axis=1, keepdims=True)
        softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(softmax, proba[j], rtol=1e-10, atol=1e-14)
    proba[0][:] = -1.0  # the arrays handed out are the caller's own
    assert (clf.predict_proba(X)[0] >= 0).all()


@no_convergence_warning
def test_multiclass_multioutput_score_is_subset_accuracy():
    X, Y = mcmo_data()
    clf = mcmo_clf().fit(X, Y)
    rng = np.random.RandomState(0)
    Y_noisy = Y.copy()
    flip0, flip1 = rng.uniform(size=len(Y)) < 0.2, rng.uniform(size=len(Y)) < 0.2
    Y_noisy[flip0, 0] = np.where(Y[flip0, 0] == 10, 20, 10)
    Y_noisy[flip1, 1] = np.where(Y[flip1, 1] == "lo", "hi", "lo")
    right = np.all(clf.predict(X) == Y_noisy, axis=1)
    assert 0.3 < right.mean() < 0.9  # some rows right, some wrong
    assert clf.score(X, Y_noisy) == pytest.approx(right.mean(), rel=1e-12)
    sw = rng.uniform(0, 3, size=len(Y))
    expected = np.sum(sw * right) / np.sum(sw)
    assert clf.score(X, Y_noisy, sample_weight=sw) == pytest.approx(expected, rel=1e-12)
    # one output right is not enough: its own accuracy is higher than the score
    assert np.mean(clf.predict(X)[:, 0] == Y_noisy[:, 0]) > clf.score(X, Y_noisy)


@no_convergence_warning
@pytest.mark.parametrize(
    ("first", "second", "dtype_kind"),
    [
        (np.array([1, 2, 3]), np.array([5, 6]), "i"),
        (np.array(["a", "b", "c"]), np.array(["yes", "no"]), "U"),
        (np.array([1.0, 2.0, 3.0]), np.array([0, 4]), "f"),
    ],
)
def test_multiclass_multioutput_predicts_the_common_dtype(first, second, dtype_kind):
    X, Y = mcmo_data(mixed=False)
    Y = np.c_[first[(Y[:, 0] // 10) - 1], second[Y[:, 1] - 7]]
    clf = mcmo_clf().fit(X, Y)
    pred = clf.predict(X)
    assert pred.dtype.kind == dtype_kind
    assert clf.score(X, Y) > 0.9
    np.testing.assert_array_equal(clf.classes_[0], np.sort(first))
    np.testing.assert_array_equal(clf.classes_[1], np.sort(second))
    assert set(pred[:, 1].tolist()) <= set(second.tolist())


@no_convergence_warning
def test_multiclass_multioutput_is_laid_out_as_multioutput_classifier():
    X, Y = mcmo_data(mixed=False)
    ours = mcmo_clf().fit(X, Y)
    theirs = MultiOutputClassifier(DummyClassifier()).fit(X, Y)
    for a, b in zip(ours.classes_, theirs.classes_, strict=True):
        np.testing.assert_array_equal(a, b)
    shapes = [p.shape for p in ours.predict_proba(X)]
    assert shapes == [p.shape for p in theirs.predict_proba(X)]
    assert ours.predict(X).dtype == theirs.predict(X).dtype


@no_convergence_warning
def test_multiclass_multioutput_with_a_constant_output():
    X, Y = mcmo_data()
    Y[:, 1] = "same"
    clf = mcmo_clf().fit(X, Y)
    np.testing.assert_array_equal(clf.classes_[1], ["same"])
    assert (clf.predict(X)[:, 1] == "same").all()
    np.testing.assert_allclose(clf.predict_proba(X)[1], 1.0)
    assert clf.score(X, Y) > 0.9


@no_convergence_warning
def test_multiclass_multioutput_from_a_dataframe():
    X, Y = mcmo_data()
    frame = pd.DataFrame({"size": Y[:, 0].astype(int), "side": Y[:, 1].astype(str)})
    X_frame = pd.DataFrame(X, columns=["u", "v"])
    clf = BackpropClassifier((16,), solver="lbfgs", max_iter=300, random_state=0)
    clf.fit(X_frame, frame)
    np.testing.assert_array_equal(clf.classes_[0], [10, 20, 30])
    np.testing.assert_array_equal(clf.classes_[1], ["hi", "lo"])
    pred = clf.predict(X_frame)
    assert pred.shape == (len(X), 2)
    assert clf.score(X_frame, frame) > 0.95
    assert list(clf.feature_names_in_) == ["u", "v"]
    categorical = frame.astype("category")
    clf = mcmo_clf().fit(X_frame, categorical)
    np.testing.assert_array_equal(clf.classes_[0], [10, 20, 30])
    assert clf.score(X_frame, categorical) > 0.9


def test_multiclass_multioutput_partial_fit():
    X, Y = mcmo_data(n=240)
    classes = [np.array([30, 20, 10]), np.array(["lo", "hi"])]
    clf = mcmo_clf()
    batches = np.array_split(np.arange(len(X)), 6)
    # a first batch missing class 30 and label "hi"
    first = np.flatnonzero((Y[:, 0] != 30) & (Y[:, 1] != "hi"))[:30]
    clf.partial_fit(X[first], Y[first], classes=classes)
    np.testing.assert_array_equal(clf.classes_[0], [10, 20, 30])
    np.testing.assert_array_equal(clf.classes_[1], ["hi", "lo"])
    for _ in range(20):
        for b in batches:
            clf.partial_fit(X[b], Y[b])
    assert clf.score(X, Y) > 0.9


def test_multiclass_multioutput_partial_fit_needs_every_class():
    X, Y = mcmo_data(n=60)
    with pytest.raises(ValueError, match="classes"):
        small_clf().partial_fit(X, Y)
    with pytest.raises(ValueError, match="classes"):  # one array per output
        small_clf().partial_fit(X, Y, classes=[np.array([10, 20, 30])])
    clf = small_clf()
    with pytest.raises(ValueError, match="30"):  # the first call's own labels
        clf.partial_fit(X, Y, classes=[np.array([10, 20]), np.array(["lo", "hi"])])
    clf.partial_fit(X, Y, classes=[np.array([10, 20, 30]), np.array(["lo", "hi"])])
    before = weights(clf)
    Y_new = Y.copy()
    Y_new[3, 1] = "middle"
    with pytest.raises(ValueError, match="middle"):
        clf.partial_fit(X, Y_new)
    np.testing.assert_array_equal(clf._network.params, before)
    with pytest.raises(ValueError, match="differs"):
        clf.partial_fit(X, Y, classes=[np.array([10, 20, 30]), np.array(["lo", "up"])])


def integer_mcmo(n=120):
    """mcmo_data with columns of 0/1/2 and 0/1, and the rows whose first column is 0 or 1."""
    X, Y = mcmo_data(n=n, mixed=False)
    Y = np.c_[Y[:, 0] // 10 - 1, Y[:, 1] - 7]
    return X, Y, np.flatnonzero(Y[:, 0] < 2)


def test_multiclass_multioutput_partial_fit_starting_on_zeros_and_ones():
    """A first batch of only 0s and 1s is multioutput when the classes say so.

    scikit-learn calls such a 2-D array a multilabel indicator, but the
    classes given on the first call, one array per output, say otherwise.
    """
    X, Y, low = integer_mcmo()
    clf = small_clf()
    clf.partial_fit(X[low], Y[low], classes=[np.array([0, 1, 2]), np.array([0, 1])])
    assert isinstance(clf.classes_, list)
    clf.partial_fit(X, Y)
    assert clf.predict(X).shape == Y.shape


def test_multiclass_multioutput_later_batch_of_zeros_and_ones():
    """Once the model is multiclass-multioutput, a batch of 0s and 1s is too."""
    X, Y, low = integer_mcmo()
    clf = small_clf()
    clf.partial_fit(X, Y, classes=[np.array([0, 1, 2]), np.array([0, 1])])
    assert isinstance(clf.classes_, list)
    clf.partial_fit(X[low], Y[low])
    with quietly():
        clf.set_params(warm_start=True).fit(X[low], Y[low])
    assert clf.predict(X).shape == Y.shape


@no_convergence_warning
def test_multiclass_multioutput_early_stopping():
    X, Y = mcmo_data(n=240)
    clf = mcmo_clf(early_stopping=True, max_iter=60)
    clf.fit(X, Y)
    scores = clf.validation_scores_
    assert len(scores) == len(clf.loss_curve_)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert clf.best_validation_score_ == max(scores)
    assert clf.best_validation_score_ > 0.8
    assert clf.score(X, Y) > 0.8


@no_convergence_warning
def test_multiclass_multioutput_pickles():
    X, Y = mcmo_data()
    clf = small_clf(max_iter=20, dropout=0.1, label_smoothing=0.05).fit(X, Y)
    twin = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(twin.predict(X), clf.predict(X))
    for a, b in zip(twin.predict_proba(X), clf.predict_proba(X), strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(twin.classes_, clf.classes_, strict=True):
        np.testing.assert_array_equal(a, b)
    # both keep training the same way
    twin.set_params(warm_start=True, max_iter=3)
    clf.set_params(warm_start=True, max_iter=3)
    assert_same_weights(twin.fit(X, Y), clf.fit(X, Y))


def test_multiclass_multioutput_warm_start_continues():
    X, Y = mcmo_data()
    clf = small_clf(warm_start=True, max_iter=5, learning_rate_init=0.01)
    fit_quietly(clf, X, Y)
    first_curve = list(clf.loss_curve_)
    fit_quietly(clf, X, Y)
    assert len(clf.loss_curve_) == 2 * len(first_curve)
    assert clf.loss_curve_[:5] == first_curve
    assert clf.loss_curve_[5] < first_curve[0]
    Y_new = Y.copy()
    Y_new[0, 0] = 40
    before = weights(clf)
    with pytest.raises(ValueError, match="40"):
        clf.fit(X, Y_new)
    np.testing.assert_array_equal(clf._network.params, before)
    with pytest.raises(ValueError, match="multiclass-multioutput"):
        clf.fit(X, Y[:, 0])  # a single output is another kind of model


@no_convergence_warning
def test_multiclass_multioutput_sparse_and_float32_input():
    X, Y = mcmo_data()
    dense = mcmo_clf().fit(X, Y)
    csr = mcmo_clf().fit(sp.csr_matrix(X), Y)
    for a, b in zip(csr.predict_proba(X), dense.predict_proba(X), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)  # the same training, up to rounding
    for a, b in zip(csr.predict_proba(sp.csc_matrix(X)), csr.predict_proba(X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    assert csr.score(sp.csr_matrix(X), Y) > 0.9
    single = mcmo_clf().fit(X.astype(np.float32), Y)
    assert all(p.dtype == np.float32 for p in single.predict_proba(X))
    assert all(z.dtype == np.float32 for z in single.decision_function(X))
    assert single.score(X, Y) > 0.9


@no_convergence_warning
def test_multiclass_multioutput_through_clone_and_cross_val_score():
    X, Y = mcmo_data()
    clf = BackpropClassifier(
        (16,), activation=("tanh",), solver="lbfgs", max_iter=300, random_state=0
    )
    # scikit-learn's check_cv cannot tell the type of a target mixing numbers and
    # strings, so the folds are given; integer labels take the default path
    folds = KFold(3, shuffle=True, random_state=0)
    assert cross_val_score(clone(clf), X, Y, cv=folds).min() > 0.9
    X, Y = mcmo_data(mixed=False)
    assert cross_val_score(clf, X, Y, cv=3).min() > 0.9
    assert not hasattr(clf, "classes_")


# == everything at once =====================================================


@no_convergence_warning
def test_features_combine_in_a_grid_search():
    X, y = imbalanced(n=400)
    base = BackpropClassifier((8, 4), learning_rate_init=0.01, max_iter=30, random_state=0)
    grid = {
        "activation": [("relu", "tanh"), "gelu"],
        "dropout": [0.0, (0.2, 0.0)],
        "class_weight": ["balanced"],
        "label_smoothing": [0.0, 0.1],
    }
    search = GridSearchCV(base, grid, cv=2, scoring="balanced_accuracy").fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ > 0.6
    for name, value in search.best_params_.items():
        assert getattr(search.best_estimator_, name) == value


def test_explicit_defaults_match_scikit_learn():
    """With the new parameters at their defaults, scikit-learn's MLP trains the same."""
    X, y = blobs(n=90)
    params = dict(hidden_layer_sizes=(8, 6), max_iter=10, random_state=0)
    ours = dict(dropout=0.0, activation=["relu", "relu"])
    with quietly():
        theirs = MLPClassifier(**params).fit(X, y)
    with quietly():
        clf = BackpropClassifier(class_weight=None, label_smoothing=0.0, **ours, **params)
        clf.fit(X, y)
    for a, b in zip(clf.coefs_ + clf.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    Xr, yr = smooth_regression(n=90)
    with quietly():
        theirs = MLPRegressor(**params).fit(Xr, yr)
    with quietly():
        reg = BackpropRegressor(huber_delta=2.0, quantile=0.3, **ours, **params).fit(Xr, yr)
    for a, b in zip(reg.coefs_ + reg.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
