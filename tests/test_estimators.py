"""Behaviour of the two estimators: learning, state, dtypes, sparse input, labels."""

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skbp import BackpropClassifier, BackpropRegressor

no_convergence_warning = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def xor_data(n_repeat=25, noise=0.05, seed=0):
    rng = np.random.RandomState(seed)
    X = np.tile([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], (n_repeat, 1))
    y = np.tile([0, 1, 1, 0], n_repeat)
    return X + noise * rng.normal(size=X.shape), y


def sine_data(n=300, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-3, 3, size=(n, 1))
    return X, np.sin(X).ravel()


def test_learns_xor():
    X, y = xor_data()
    clf = BackpropClassifier((8,), activation="tanh", solver="lbfgs", random_state=0)
    assert clf.fit(X, y).score(X, y) == 1.0


def test_fits_a_sine():
    X, y = sine_data()
    reg = BackpropRegressor(
        hidden_layer_sizes=(32,), activation="tanh", solver="lbfgs", random_state=0
    )
    assert reg.fit(X, y).score(X, y) > 0.999


@no_convergence_warning
def test_loss_curve_falls():
    X, y = sine_data()
    reg = BackpropRegressor(
        hidden_layer_sizes=(32,), activation="tanh", learning_rate_init=0.01, max_iter=60
    )
    curve = reg.set_params(random_state=0).fit(X, y).loss_curve_
    assert len(curve) == reg.n_iter_
    assert curve[-1] < 0.1 * curve[0]
    assert np.mean(np.diff(curve) < 0) > 0.8
    assert reg.loss_ == curve[-1]
    assert reg.best_loss_ == min(curve)


@no_convergence_warning
def test_online_learning_with_batches_of_one():
    X, y = xor_data(n_repeat=10)
    clf = BackpropClassifier(
        (8,), activation="tanh", solver="sgd", batch_size=1, learning_rate_init=0.1, max_iter=100
    )
    assert clf.set_params(random_state=0).fit(X, y).score(X, y) == 1.0
    assert clf.t_ == len(X) * clf.n_iter_


def test_lbfgs_records_a_loss_curve():
    X, y = sine_data()
    reg = BackpropRegressor(
        hidden_layer_sizes=(16,), solver="lbfgs", max_iter=5000, random_state=0
    )
    reg.fit(X, y)
    assert len(reg.loss_curve_) == reg.n_iter_
    assert reg.loss_ == pytest.approx(reg.loss_curve_[-1])
    assert reg.best_loss_ is None


def test_reported_loss_is_the_optimised_function_with_several_outputs():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3))
    Y = np.column_stack([X[:, 0], X[:, 1] ** 2, np.sin(X[:, 2])])
    alpha = 0.1
    reg = BackpropRegressor(
        hidden_layer_sizes=(10,), solver="lbfgs", alpha=alpha, max_iter=20, random_state=0
    )
    with pytest.warns(ConvergenceWarning):  # not needed: the loss is checked where it stops
        reg.fit(X, Y)
    residual = Y - reg.predict(X)
    penalty = sum((W**2).sum() for W in reg.coefs_)
    expected = 0.5 * (residual**2).sum(axis=1).mean() + alpha / (2 * len(X)) * penalty
    assert reg.loss_ == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_same_weights_as_scikit_learn(Estimator, solver):
    """Same settings and seed: the same training run as scikit-learn's MLP."""
    X, y = xor_data(n_repeat=30, noise=0.2)
    Reference = MLPClassifier if Estimator is BackpropClassifier else MLPRegressor
    params = dict(hidden_layer_sizes=(6, 4), solver=solver, batch_size=16, max_iter=5)
    params.update(random_state=3, learning_rate_init=0.01)
    with pytest.warns(ConvergenceWarning):
        ours = Estimator(**params).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        theirs = Reference(**params).fit(X, y)
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues_the_optimizer(solver):
    """Five epochs plus five warm-started ones are the same run as ten epochs."""
    X, y = sine_data(n=100)
    params = dict(solver=solver, shuffle=False, n_iter_no_change=100, random_state=0)
    params.update(hidden_layer_sizes=(8,), batch_size=20, learning_rate_init=0.01)
    with pytest.warns(ConvergenceWarning):
        straight = BackpropRegressor(max_iter=10, **params).fit(X, y)
    split = BackpropRegressor(max_iter=5, warm_start=True, **params)
    with pytest.warns(ConvergenceWarning):
        split.fit(X, y).fit(X, y)
    np.testing.assert_array_equal(split.coefs_[0], straight.coefs_[0])
    assert split.loss_curve_ == straight.loss_curve_
    assert split.t_ == straight.t_ == 10 * len(X)
    assert split.n_iter_ == 5


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_partial_fit_continues_the_optimizer(Estimator):
    X, y = xor_data(n_repeat=10)
    params = dict(shuffle=False, n_iter_no_change=100, random_state=0, batch_size=10)
    with pytest.warns(ConvergenceWarning):
        straight = Estimator(max_iter=4, **params).fit(X, y)
    online = Estimator(**params)
    for _ in range(4):
        if Estimator is BackpropClassifier:
            online.partial_fit(X, y, classes=[0, 1])
        else:
            online.partial_fit(X, y)
    np.testing.assert_array_equal(online.coefs_[1], straight.coefs_[1])
    assert online.n_iter_ == 1
    assert online.t_ == 4 * len(X)


def test_pickled_model_predicts_identically_and_keeps_training():
    X, y = xor_data()
    clf = BackpropClassifier((8,), random_state=0, max_iter=20, n_iter_no_change=100)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    before = loaded.coefs_[0].copy()
    for model in (clf, loaded):
        model.partial_fit(X, y)
    assert not np.array_equal(loaded.coefs_[0], before)
    np.testing.assert_array_equal(loaded.coefs_[0], clf.coefs_[0])
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    loaded.coefs_[0][:] = 0.0  # the attribute is a live view into the model
    assert not np.array_equal(loaded.predict_proba(X), clf.predict_proba(X))


@no_convergence_warning
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_same_seed_gives_bit_identical_weights(solver):
    X, y = xor_data(noise=0.3)
    fits = [BackpropClassifier((16, 8), solver=solver, random_state=7, max_iter=30).fit(X, y)]
    fits.append(BackpropClassifier((16, 8), solver=solver, random_state=7, max_iter=30).fit(X, y))
    for a, b in zip(fits[0].coefs_, fits[1].coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


# L-BFGS's stop on this non-convex net is path-dependent (the regressor took 65 to
# 150 of its 200 iterations as float32 rounding varied), and dtypes are the point here.
@no_convergence_warning
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_float32_end_to_end(Estimator):
    X, y = xor_data()
    model = Estimator(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0)
    model.fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in model.coefs_ + model.intercepts_)
    out = model.predict_proba(X) if Estimator is BackpropClassifier else model.predict(X)
    assert out.dtype == np.float32


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_sparse_input_matches_dense_and_is_never_densified(fmt, solver, monkeypatch):
    rng = np.random.RandomState(0)
    X = sp.random(120, 30, density=0.1, format=fmt, random_state=rng)
    y = (X @ rng.normal(size=30) > 0).astype(int)
    dense_X = X.toarray()
    for cls in (sp.csr_matrix, sp.csc_matrix):
        monkeypatch.setattr(cls, "toarray", lambda *a, **k: pytest.fail("densified"))
    params = dict(hidden_layer_sizes=(8,), solver=solver, random_state=0, max_iter=30)
    with pytest.warns(ConvergenceWarning):
        sparse_model = BackpropClassifier(**params).fit(X, y)
    logits, proba = sparse_model.decision_function(X), sparse_model.predict_proba(X)
    monkeypatch.undo()
    with pytest.warns(ConvergenceWarning):
        dense_model = BackpropClassifier(**params).fit(dense_X, y)
    # Sparse and dense products round differently, and 30 L-BFGS steps amplify
    # that to ~1e-9 in the logits. Probabilities saturate (many are exactly 0 or
    # 1), so they are compared absolutely: relative to 0, any rounding would fail.
    dense_logits = dense_model.decision_function(dense_X)
    np.testing.assert_allclose(logits, dense_logits, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(proba, dense_model.predict_proba(dense_X), rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog", "eel"]),
        np.array([3, 10, 7]),
        pd.Categorical(["low", "high", "mid"]),
    ],
    ids=["str", "int", "categorical"],
)
def test_labels_come_back_as_given(labels):
    rng = np.random.RandomState(0)
    codes = np.repeat([0, 1, 2], 20)
    X = rng.normal(size=(60, 2)) + 3 * codes[:, None]
    y = labels[codes] if not isinstance(labels, pd.Categorical) else labels.take(codes)
    clf = BackpropClassifier((8,), solver="lbfgs", random_state=0).fit(X, y)
    pred = clf.predict(X)
    assert set(pred) <= set(np.asarray(labels))
    assert (pred == np.asarray(y)).mean() > 0.95
    assert clf.out_activation_ == "softmax"


def test_binary_probabilities():
    X, y = xor_data()
    clf = BackpropClassifier((8,), activation="tanh", solver="lbfgs", random_state=0)
    proba = clf.fit(X, np.where(y, "yes", "no")).predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 1


def test_multilabel_and_partial_fit_without_classes():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 1] > 0]).astype(int)
    clf = BackpropClassifier((16,), learning_rate_init=0.01, random_state=0)
    for _ in range(40):
        clf.partial_fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    assert clf.score(X, Y) > 0.8
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_partial_fit_needs_classes_first_for_label_vectors():
    with pytest.raises(ValueError, match="classes must be passed"):
        BackpropClassifier().partial_fit([[0.0], [1.0]], [0, 1])


def test_partial_fit_only_for_stochastic_solvers():
    for Estimator in (BackpropClassifier, BackpropRegressor):
        assert not hasattr(Estimator(solver="lbfgs"), "partial_fit")
        with pytest.raises(AttributeError) as excinfo:
            Estimator(solver="lbfgs").partial_fit  # noqa: B018
        assert "solver='lbfgs'" in str(excinfo.value.__cause__)
        assert hasattr(Estimator(solver="sgd"), "partial_fit")


def test_zero_sample_weight_is_like_dropping_the_sample():
    X, y = sine_data(n=60)
    sw = np.ones(len(X))
    sw[::3] = 0.0
    # A linear model has one optimum, so both fits must find the same one.
    params = dict(hidden_layer_sizes=(), solver="lbfgs", tol=1e-12, random_state=0)
    weighted = BackpropRegressor(**params).fit(X, y, sample_weight=sw)
    dropped = BackpropRegressor(**params).fit(X[sw > 0], y[sw > 0])
    np.testing.assert_allclose(weighted.coefs_[0], dropped.coefs_[0], rtol=1e-8)


def test_regressor_keeps_the_shape_of_y():
    X, y = sine_data(n=50)
    reg = BackpropRegressor(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0)
    assert reg.fit(X, y[:, None]).predict(X).shape == (50, 1)
    assert reg.fit(X, y).predict(X).shape == (50,)


def poisson_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    rate = np.exp(1 + X[:, 0] - X[:, 1])
    return X, rng.poisson(rate), rate


def test_poisson_regression_recovers_a_log_linear_model():
    # Without hidden layers the Poisson loss is convex: L-BFGS converges in about
    # ten iterations from any start, so here it must converge (no warning allowed).
    X, y, _ = poisson_data()
    reg = BackpropRegressor("poisson", (), solver="lbfgs", random_state=0).fit(X, y)
    assert reg.out_activation_ == "exp"
    np.testing.assert_allclose(reg.coefs_[0].ravel(), [1.0, -1.0], atol=0.15)
    np.testing.assert_allclose(reg.intercepts_[0], [1.0], atol=0.15)


# L-BFGS's stop on this non-convex net is path-dependent (141 iterations on one
# CPU, 265 or 381 on others), so the test checks the fit, not where it stopped.
@no_convergence_warning
def test_poisson_network_fits_the_rate():
    X, y, rate = poisson_data()
    reg = BackpropRegressor("poisson", (8,), solver="lbfgs", random_state=0).fit(X, y)
    assert reg.out_activation_ == "exp"
    assert (reg.predict(X) > 0).all()
    assert np.corrcoef(reg.predict(X), rate)[0, 1] > 0.95  # 0.997 wherever it stops


def test_network_without_hidden_layers():
    X, _ = sine_data()
    reg = BackpropRegressor(hidden_layer_sizes=(), solver="lbfgs").fit(X, 2 * X.ravel() + 1)
    assert reg.n_layers_ == 2
    np.testing.assert_allclose(reg.coefs_[0], [[2.0]], rtol=1e-3)


@no_convergence_warning
def test_early_stopping_records_validation_scores():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 5))
    y = np.digitize(X[:, 0] + X[:, 1], [-1, 0, 1])  # four classes
    clf = BackpropClassifier((16,), early_stopping=True, random_state=0, max_iter=50)
    clf.fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


def test_convergence_warning_at_max_iter():
    X, y = sine_data()
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        BackpropRegressor(hidden_layer_sizes=(4,), max_iter=2).fit(X, y)


def test_verbose_prints_the_loss(capsys):
    X, y = sine_data(n=40)
    with pytest.warns(ConvergenceWarning):
        BackpropRegressor(hidden_layer_sizes=(4,), max_iter=2, verbose=True).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Epoch 1/2", "Epoch 2/2"]
    assert all(" loss " in line and line.endswith(" s]") for line in lines)


def test_warm_start_with_another_architecture_is_refused():
    X, y = sine_data(n=40)
    reg = BackpropRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", warm_start=True, random_state=0
    ).fit(X, y)
    with pytest.raises(ValueError, match="warm_start=False"):
        reg.set_params(hidden_layer_sizes=(5,)).fit(X, y)


def test_failed_fit_leaves_the_previous_model():
    X, y = sine_data(n=40)
    reg = BackpropRegressor(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0).fit(X, y)
    state = dict(reg.__dict__)
    prediction = reg.predict(X)
    with pytest.raises(ValueError, match="NaN"):
        reg.fit(np.hstack([X, X]), [np.nan] * 40)
    assert reg.__dict__ == state
    np.testing.assert_array_equal(reg.predict(X), prediction)


def test_failed_first_fit_leaves_an_unfitted_model():
    reg = BackpropRegressor()
    with pytest.raises(ValueError, match="NaN"):
        reg.fit([[1.0], [2.0]], [1.0, np.nan])
    assert not hasattr(reg, "n_features_in_")
    with pytest.raises(NotFittedError):
        reg.predict([[1.0]])


def test_diverging_fit_raises_and_leaves_the_previous_model():
    X, y = sine_data(n=40)
    reg = BackpropRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", random_state=0, warm_start=True
    ).fit(X, y)
    coefs, curve = reg.coefs_[0].copy(), list(reg.loss_curve_)
    reg.set_params(solver="sgd", learning_rate_init=1e6, max_iter=5, momentum=0.0)
    with pytest.raises(ValueError, match="diverged"):  # and no RuntimeWarning on the way
        reg.fit(X * 1e6, y * 1e6)
    np.testing.assert_array_equal(reg.coefs_[0], coefs)
    assert reg.loss_curve_ == curve  # the failed run's epochs are taken back
    assert reg.solver == "sgd"
    with pytest.raises(ValueError, match="not finite"):
        reg.partial_fit(X * 1e200, y * 1e200)
    assert reg.loss_curve_ == curve


def test_convergence_warning_points_at_the_callers_line():
    X, y = sine_data(n=20)
    with pytest.warns(ConvergenceWarning) as record:
        BackpropRegressor(hidden_layer_sizes=(2,), max_iter=1).fit(X, y)
    assert record[0].filename == __file__


def test_one_class_is_always_predicted():
    X, _ = xor_data()
    clf = BackpropClassifier(hidden_layer_sizes=(3,), solver="lbfgs", random_state=0)
    clf.fit(X, ["only"] * len(X))
    assert clf.predict(X[:3]).tolist() == ["only"] * 3
    np.testing.assert_array_equal(clf.predict_proba(X[:3]), 1.0)


def test_multilabel_partial_fit_accepts_its_label_indices_as_classes():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 3))
    Y = (X > 0).astype(int)
    clf = BackpropClassifier(hidden_layer_sizes=(4,)).partial_fit(X, Y, classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    with pytest.raises(ValueError, match="classes has 2 labels, y has 3"):
        BackpropClassifier().partial_fit(X, Y, classes=[0, 1])


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_fast_predict_path_agrees_with_full_validation(Estimator):
    X, y = xor_data()
    model = Estimator(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), model.predict(X.tolist()))
    np.testing.assert_array_equal(model.predict(X[:1]), model.predict(np.asfortranarray(X[:1])))
    bad = X[:2].copy()
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(bad)
    with pytest.raises(ValueError, match="X has 3 features"):
        model.predict(np.ones((1, 3)))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_batch_size_larger_than_the_data_is_clipped_with_a_warning():
    X, y = sine_data(n=20)
    reg = BackpropRegressor(hidden_layer_sizes=(2,), batch_size=50, max_iter=1)
    with pytest.warns(UserWarning, match="batch_size=50 larger than the 20") as record:
        reg.fit(X, y)
    assert any(r.filename == __file__ for r in record)


def test_warm_start_with_another_loss_is_refused():
    X, y = sine_data(n=40)
    reg = BackpropRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", warm_start=True, random_state=0
    )
    reg.fit(X, np.abs(y))
    with pytest.raises(ValueError, match="'poisson'"):
        reg.set_params(loss="poisson").fit(X, np.abs(y))


@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_decision_function_gives_the_logits_behind_predict(target):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 3))
    y = {
        "binary": (X[:, 0] > 0).astype(int),
        "multiclass": np.digitize(X[:, 0], [-0.5, 0.5]),
        "multilabel": (X > 0).astype(int),
    }[target]
    clf = BackpropClassifier(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0).fit(X, y)
    scores = clf.decision_function(X)
    proba = clf.predict_proba(X)
    if target == "binary":
        assert scores.shape == (90,)
        np.testing.assert_allclose(1 / (1 + np.exp(-scores)), proba[:, 1])
        np.testing.assert_array_equal(clf.predict(X), clf.classes_[(scores > 0).astype(int)])
    elif target == "multiclass":
        softmax = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(softmax, proba)
        np.testing.assert_array_equal(clf.predict(X), clf.classes_[scores.argmax(axis=1)])
    else:
        np.testing.assert_allclose(1 / (1 + np.exp(-scores)), proba)
        np.testing.assert_array_equal(clf.predict(X), (scores > 0).astype(int))


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_copied_model_warm_starts_like_the_original(how):
    import copy

    X, y = sine_data(n=60)
    params = dict(hidden_layer_sizes=(6,), max_iter=3, warm_start=True, shuffle=False)
    reg = BackpropRegressor(**params, random_state=0)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    twin = pickle.loads(pickle.dumps(reg)) if how == "pickle" else copy.deepcopy(reg)
    assert np.shares_memory(twin.coefs_[0], twin._network.params)
    for model in (reg, twin):
        with pytest.warns(ConvergenceWarning):
            model.fit(X, y)
    np.testing.assert_array_equal(twin.coefs_[0], reg.coefs_[0])
    assert twin.loss_curve_ == reg.loss_curve_


@no_convergence_warning  # L-BFGS stops after 82 to 108 of 200 iterations as rounding varies
def test_editing_coefs_changes_the_model_for_good():
    X, y = sine_data(n=30)
    reg = BackpropRegressor(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0).fit(X, y)
    reg.intercepts_[1] = np.array([7.0])
    reg.coefs_[1] = np.zeros((4, 1))
    np.testing.assert_allclose(reg.predict(X[:2]), 7.0)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(reg)).predict(X[:2]), 7.0)
    reg.coefs_ = [np.ones_like(W) for W in reg.coefs_]
    np.testing.assert_array_equal(reg.coefs_[0], 1.0)
    with pytest.raises(ValueError, match=r"shape \(1, 4\), got \(3, 3\)"):
        reg.coefs_[0] = np.zeros((3, 3))
    assert not hasattr(BackpropRegressor(), "coefs_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_early_stopping_with_more_classes_than_a_stratified_split_allows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = np.arange(60) % 10  # 6 validation samples cannot hold 10 classes
    clf = BackpropClassifier(hidden_layer_sizes=(4,), early_stopping=True, max_iter=3)
    assert len(clf.fit(X, y).validation_scores_) == clf.n_iter_


def test_stratification_is_used_when_possible():
    from skbp._solvers import _stratification

    y = np.repeat([0, 1, 2], 10)
    assert _stratification(y, 0.2) is y
    assert _stratification(y, 0.05) is None  # 2 validation samples, 3 classes
    assert _stratification(np.r_[y, 3], 0.2) is None  # a class of one


def test_failed_fit_rewinds_a_random_state_it_was_given():
    rng = np.random.RandomState(5)
    before = rng.get_state()[1].copy()
    X, y = xor_data()
    clf = BackpropClassifier(random_state=rng, early_stopping=True, validation_fraction=0.01)
    with pytest.raises(ValueError, match="validation set is too small"):
        clf.fit(X, y)
    np.testing.assert_array_equal(rng.get_state()[1], before)


def test_sparse_multilabel_targets_give_sparse_predictions():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    Y = sp.csr_matrix((X > 0).astype(int))
    clf = BackpropClassifier(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=20, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, Y)
    assert sp.issparse(clf.predict(X))
    assert clf.predict(X).shape == (40, 3)


def test_warm_start_with_a_new_class_says_what_to_do():
    X, y = xor_data()
    clf = BackpropClassifier(
        hidden_layer_sizes=(3,), solver="lbfgs", warm_start=True, random_state=0
    )
    clf.fit(X, y)
    with pytest.raises(ValueError, match="set warm_start=False"):
        clf.fit(X, y + 1)


def test_verbose_shows_validation_figures_only_for_validated_epochs(capsys):
    X, y = sine_data(n=40)
    reg = BackpropRegressor(hidden_layer_sizes=(4,), max_iter=2, verbose=True, warm_start=True)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y, X_val=X[:10], y_val=y[:10])
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert all("validation loss" in line and "validation score" in line for line in lines[:2])
    assert not any("validation" in line for line in lines[2:])


@pytest.mark.parametrize(("scoring", "what"), [(None, "score"), ("loss", "loss")])
def test_verbose_says_what_early_stopping_stopped_on(capsys, scoring, what):
    X, y = sine_data(n=60)
    reg = BackpropRegressor(
        hidden_layer_sizes=(4,),
        early_stopping=True,
        scoring=scoring,
        tol=1e9,  # no epoch counts as an improvement
        n_iter_no_change=1,
        random_state=0,
        verbose=True,
    ).fit(X, y)
    assert reg.n_iter_ == 3  # the first epoch improves on -inf; two more stall
    assert f"Validation {what} did not improve" in capsys.readouterr().out.splitlines()[-1]
