"""Validation sets passed to fit (X_val, y_val, sample_weight_val) and the scoring parameter."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score, get_scorer, log_loss, r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skbp import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_TRAIN, N_VAL = 60, 25  # different row counts: a search's CV never splits X_val


def clf_data(n_classes=2, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(N_TRAIN + N_VAL, 3))
    score = X[:, 0] + 0.5 * X[:, 1] + 0.5 * rng.normal(size=len(X))
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1]))
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]


def reg_data(n_outputs=1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(N_TRAIN + N_VAL, 3))
    Y = np.column_stack([np.sin(X[:, k]) + 0.3 * X[:, 2] for k in range(n_outputs)])
    Y += 0.1 * rng.normal(size=Y.shape)
    y = Y.ravel() if n_outputs == 1 else Y
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]


def data_for(Est):
    return clf_data() if Est is BackpropClassifier else reg_data()


def small(Est, **params):
    params = {"hidden_layer_sizes": (5,), "random_state": 0, "max_iter": 5, **params}
    return Est(**params)


def weights(est):
    """Copies of the fitted weights and biases."""
    return [w.copy() for w in est.coefs_ + est.intercepts_]


def assert_same_arrays(first, second):
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        assert_array_equal(a, b)


def stopping_epoch(criteria, tol, n_iter_no_change):
    """The epoch at which scikit-learn's early-stopping rule stops on ``criteria``."""
    best, count = -np.inf, 0
    for epoch, criterion in enumerate(criteria, start=1):
        count = count + 1 if not criterion >= best + tol else 0
        best = max(best, criterion)
        if count > n_iter_no_change:
            return epoch
    return None


def squared_error_loss(y_true, y_pred, sample_weight=None):
    """The squared-error loss without penalty: half the squared residuals, summed over outputs."""
    residual = np.asarray(y_true, dtype=float).reshape(len(y_true), -1) - np.reshape(
        y_pred, (len(y_pred), -1)
    )
    return np.average(0.5 * np.sum(residual**2, axis=1), weights=sample_weight)


def early(Est, **params):
    """An early-stopping estimator that stops well before max_iter."""
    lr = 0.05 if Est is BackpropClassifier else 0.02
    tol = 1e-4 if Est is BackpropClassifier else 1e-3
    params = {
        "early_stopping": True,
        "n_iter_no_change": 3,
        "max_iter": 200,
        "learning_rate_init": lr,
        "tol": tol,
        **params,
    }
    return small(Est, **params)


# -- 1. X_val replaces the early-stopping split --------------------------------


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_x_val_replaces_the_split_and_early_stopping_keeps_the_best_epoch(Est):
    X, y, X_val, y_val = data_for(Est)
    est = early(Est).fit(X, y, X_val=X_val, y_val=y_val)
    assert est.n_iter_ < est.max_iter
    # Trained on all of X: no validation_fraction held out.
    assert est.t_ == est.n_iter_ * len(X)
    scores = est.validation_scores_
    assert len(scores) == len(est.validation_loss_curve_) == len(est.loss_curve_) == est.n_iter_
    # Stopped by the rule on these scores, at the first epoch it allows.
    assert est.n_iter_ == stopping_epoch(scores, est.tol, est.n_iter_no_change)
    best = max(scores)
    assert est.best_iteration_ == int(np.argmax(scores)) + 1
    assert est.best_iteration_ < est.n_iter_
    assert_allclose(est.best_validation_score_, best, rtol=1e-12)
    # The best epoch's weights were restored.
    assert_allclose(est.score(X_val, y_val), best, rtol=1e-12)


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_each_validation_entry_is_the_model_after_that_epoch(Est):
    X, y, X_val, y_val = data_for(Est)
    k = 4
    full = small(Est, max_iter=k).fit(X, y, X_val=X_val, y_val=y_val)
    for epoch in range(1, k + 1):
        # The same fit stopped at an earlier epoch: the model at that epoch.
        model = small(Est, max_iter=epoch).fit(X, y)
        assert_allclose(full.validation_scores_[epoch - 1], model.score(X_val, y_val), rtol=1e-10)


# -- 2. Without early stopping X_val is only watched ----------------------------


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "adam"},
        {"solver": "sgd", "learning_rate": "adaptive", "n_iter_no_change": 1},
        {"solver": "adam", "dropout": 0.3},
        {"solver": "adam", "tol": 1.0, "n_iter_no_change": 1},  # stops on the training loss
        {"solver": "lbfgs"},
    ],
)
def test_watching_changes_nothing(Est, params):
    X, y, X_val, y_val = data_for(Est)
    rngs = np.random.RandomState(0), np.random.RandomState(0)
    plain = small(Est, max_iter=6, random_state=rngs[0], **params).fit(X, y)
    watched = small(Est, max_iter=6, random_state=rngs[1], **params)
    watched.fit(X, y, X_val=X_val, y_val=y_val)
    # Watching draws no random numbers.
    assert_array_equal(rngs[0].get_state()[1], rngs[1].get_state()[1])
    assert rngs[0].get_state()[2] == rngs[1].get_state()[2]
    if params.get("tol") == 1.0:
        assert watched.n_iter_ < watched.max_iter
    assert plain.validation_scores_ is None
    assert plain.validation_loss_curve_ is None
    assert_same_arrays(weights(plain), weights(watched))
    assert watched.n_iter_ == plain.n_iter_
    assert watched.loss_curve_ == plain.loss_curve_
    assert watched.t_ == plain.t_
    assert len(watched.validation_scores_) == watched.n_iter_
    assert len(watched.validation_loss_curve_) == watched.n_iter_
    assert watched.best_iteration_ is None
    assert watched.best_validation_score_ is None
    # The last entries are the final model's figures.
    assert_allclose(watched.validation_scores_[-1], watched.score(X_val, y_val), rtol=1e-10)


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_lbfgs_records_one_entry_per_iteration_and_never_stops_early(Est):
    X, y, X_val, y_val = data_for(Est)
    est = small(Est, solver="lbfgs", max_iter=8, early_stopping=True)
    est.fit(X, y, X_val=X_val, y_val=y_val)
    plain = small(Est, solver="lbfgs", max_iter=8).fit(X, y)
    assert est.n_iter_ == plain.n_iter_ == len(est.loss_curve_)
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == est.n_iter_
    assert_same_arrays(weights(est), weights(plain))
    assert est.best_iteration_ is None


# -- 3. The validation loss: the loss function without the penalty --------------


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_regressor_validation_loss_is_half_mean_squared_error(solver, n_outputs, weighted):
    X, y, X_val, y_val = reg_data(n_outputs)
    sw_val = np.linspace(0.0, 2.0, len(X_val)) if weighted else None
    # alpha large enough that a penalty included by mistake would show.
    est = small(BackpropRegressor, solver=solver, alpha=1.0, max_iter=4)
    est.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    pred = est.predict(X_val)
    assert pred.shape == np.shape(y_val)
    assert_allclose(
        est.validation_loss_curve_[-1], squared_error_loss(y_val, pred, sw_val), rtol=1e-10
    )
    assert_allclose(
        est.validation_scores_[-1], r2_score(y_val, pred, sample_weight=sw_val), rtol=1e-10
    )
    # loss_ includes the penalty; the validation loss does not.
    assert not np.isclose(est.loss_, squared_error_loss(y, est.predict(X)), rtol=1e-3)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_classifier_validation_loss_is_log_loss(solver, n_classes, weighted):
    X, y, X_val, y_val = clf_data(n_classes)
    labels = np.array(["ant", "bee", "cat"])
    y, y_val = labels[y], labels[y_val]
    sw_val = np.linspace(0.0, 2.0, len(X_val)) if weighted else None
    est = small(BackpropClassifier, solver=solver, alpha=1.0, max_iter=4)
    est.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    proba = est.predict_proba(X_val)
    expected = log_loss(y_val, proba, sample_weight=sw_val, labels=est.classes_)
    assert_allclose(est.validation_loss_curve_[-1], expected, rtol=1e-10)
    accuracy = accuracy_score(y_val, est.predict(X_val), sample_weight=sw_val)
    assert_allclose(est.validation_scores_[-1], accuracy, rtol=1e-12)


# -- 4. The early-stopping split ------------------------------------------------


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_early_stopping_split_fills_the_validation_loss_curve(Est):
    X, y, _, _ = data_for(Est)
    est = early(Est, validation_fraction=0.2).fit(X, y)
    n_val = int(np.ceil(0.2 * len(X)))
    assert est.t_ == est.n_iter_ * (len(X) - n_val)
    assert len(est.validation_loss_curve_) == len(est.validation_scores_) == est.n_iter_
    assert all(np.isfinite(est.validation_loss_curve_))
    assert all(loss > 0 for loss in est.validation_loss_curve_)
    assert est.n_iter_ == stopping_epoch(est.validation_scores_, est.tol, est.n_iter_no_change)
    assert est.best_iteration_ == int(np.argmax(est.validation_scores_)) + 1
    assert_allclose(est.best_validation_score_, max(est.validation_scores_), rtol=1e-12)


# -- 5. scoring -------------------------------------------------------------------


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_scoring_loss_stops_on_the_validation_loss(Est):
    X, y, X_val, y_val = data_for(Est)
    est = early(Est, scoring="loss").fit(X, y, X_val=X_val, y_val=y_val)
    losses = est.validation_loss_curve_
    assert est.n_iter_ < est.max_iter
    assert est.n_iter_ == stopping_epoch([-loss for loss in losses], est.tol, est.n_iter_no_change)
    assert est.best_iteration_ == int(np.argmin(losses)) + 1
    # The scores are still the estimator's score, of the kept epoch for the best.
    kept = est.validation_scores_[est.best_iteration_ - 1]
    assert_allclose(est.best_validation_score_, kept, rtol=1e-12)
    assert_allclose(est.score(X_val, y_val), kept, rtol=1e-12)
    if Est is BackpropClassifier:
        final_loss = log_loss(y_val, est.predict_proba(X_val))
    else:
        final_loss = squared_error_loss(y_val, est.predict(X_val))
    assert_allclose(final_loss, min(losses), rtol=1e-10)


@pytest.mark.parametrize(
    ("Est", "name"),
    [
        (BackpropClassifier, "roc_auc"),
        (BackpropClassifier, "neg_log_loss"),
        (BackpropRegressor, "neg_mean_absolute_error"),
    ],
)
def test_named_scorer_is_recorded(Est, name):
    X, y, X_val, y_val = data_for(Est)
    sw_val = np.linspace(0.5, 1.5, len(X_val))
    scorer = get_scorer(name)
    watched = small(Est, scoring=name, max_iter=4).fit(X, y, X_val=X_val, y_val=y_val)
    assert_allclose(watched.validation_scores_[-1], scorer(watched, X_val, y_val), rtol=1e-10)
    # The scorer gets sample_weight_val.
    weighted = small(Est, scoring=name, max_iter=4)
    weighted.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    expected = scorer(weighted, X_val, y_val, sample_weight=sw_val)
    assert_allclose(weighted.validation_scores_[-1], expected, rtol=1e-10)
    assert not np.isclose(expected, scorer(weighted, X_val, y_val), rtol=1e-6)
    # Early stopping maximises it and keeps the best epoch.
    est = early(Est, scoring=name).fit(X, y, X_val=X_val, y_val=y_val)
    assert est.best_iteration_ == int(np.argmax(est.validation_scores_)) + 1
    assert_allclose(est.best_validation_score_, max(est.validation_scores_), rtol=1e-12)
    assert_allclose(scorer(est, X_val, y_val), max(est.validation_scores_), rtol=1e-10)


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_callable_scorer_sees_the_model_and_the_validation_set(Est):
    X, y, X_val, y_val = data_for(Est)
    seen = []

    def scorer(estimator, X_, y_):
        assert X_ is X_val
        assert y_ is y_val
        seen.append(len(estimator.loss_curve_))
        return -float(np.mean(np.abs(estimator.predict(X_) - y_)))

    est = small(Est, scoring=scorer, max_iter=4).fit(X, y, X_val=X_val, y_val=y_val)
    assert seen == [1, 2, 3, 4]  # one call per epoch, each with that epoch's model
    assert_allclose(est.validation_scores_[-1], scorer(est, X_val, y_val), rtol=1e-12)


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
@pytest.mark.parametrize("with_x_val", [True, False])
def test_unknown_scorer_raises_and_leaves_the_estimator_as_it_was(Est, with_x_val):
    X, y, X_val, y_val = data_for(Est)
    val = {"X_val": X_val, "y_val": y_val} if with_x_val else {}
    est = early(Est, scoring="no_such_scorer")
    with pytest.raises(ValueError, match="no_such_scorer"):
        est.fit(X, y, **val)
    with pytest.raises(NotFittedError):
        est.predict(X)
    assert not hasattr(est, "validation_scores_")

    fitted = early(Est).fit(X, y, **val)
    before = weights(fitted)
    scores = list(fitted.validation_scores_)
    fitted.set_params(scoring="no_such_scorer")
    with pytest.raises(ValueError, match="no_such_scorer"):
        fitted.fit(X, y, **val)
    assert_same_arrays(weights(fitted), before)
    assert fitted.validation_scores_ == scores


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_scorer_failing_mid_fit_leaves_the_warm_started_model_alone(Est):
    X, y, X_val, y_val = data_for(Est)
    calls = []

    def scorer(estimator, X_, y_):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("scorer broke")
        return estimator.score(X_, y_)

    est = small(Est, scoring=scorer, warm_start=True, max_iter=3)
    est.fit(X, y, X_val=X_val, y_val=y_val)
    before = weights(est)
    curves = (list(est.loss_curve_), list(est.validation_scores_), est.validation_loss_curve_[:])
    with pytest.raises(RuntimeError, match="scorer broke"):
        est.fit(X, y, X_val=X_val, y_val=y_val)  # fails in its second epoch
    assert_same_arrays(weights(est), before)
    assert (est.loss_curve_, est.validation_scores_, est.validation_loss_curve_) == curves
    assert est.n_iter_ == 3


# -- 6. Errors --------------------------------------------------------------------


def _bad_validation_sets():
    _, _, X_val, y_val = clf_data()
    _, _, Xr_val, yr_val = reg_data()
    nan_X = X_val.copy()
    nan_X[3, 1] = np.nan
    nan_y = yr_val.copy()
    nan_y[2] = np.nan
    unseen = y_val.astype(object)
    unseen[0] = 7
    C, R = BackpropClassifier, BackpropRegressor
    return [
        (C, {"y_val": y_val}, "y_val without X_val"),
        (C, {"X_val": X_val}, "X_val without y_val"),
        (C, {"sample_weight_val": np.ones(N_VAL)}, "sample_weight_val without"),
        (R, {"X_val": Xr_val, "sample_weight_val": np.ones(N_VAL)}, "without y_val"),
        (C, {"X_val": X_val[:, :2], "y_val": y_val}, "2 features.*expecting 3"),
        (R, {"X_val": np.hstack([Xr_val, Xr_val]), "y_val": yr_val}, "6 features"),
        (C, {"X_val": X_val, "y_val": np.array(unseen.tolist())}, r"classes \[7\]"),
        (R, {"X_val": Xr_val, "y_val": np.column_stack([yr_val, yr_val])}, "2 output"),
        (C, {"X_val": nan_X, "y_val": y_val}, "NaN"),
        (R, {"X_val": nan_X, "y_val": yr_val}, "NaN"),
        (R, {"X_val": Xr_val, "y_val": nan_y}, "NaN"),
        (C, {"X_val": X_val, "y_val": np.where(y_val == 1, np.nan, 0.0)}, "NaN"),
        (C, {"X_val": X_val[:-1], "y_val": y_val}, "inconsistent numbers of samples"),
        (R, {"X_val": Xr_val, "y_val": yr_val[:-2]}, "inconsistent numbers of samples"),
        (
            C,
            {"X_val": X_val, "y_val": y_val, "sample_weight_val": np.r_[-1.0, np.ones(24)]},
            "Negative values",
        ),
        (
            R,
            {"X_val": Xr_val, "y_val": yr_val, "sample_weight_val": np.zeros(N_VAL)},
            "non-zero",
        ),
        (
            R,
            {"X_val": Xr_val, "y_val": yr_val, "sample_weight_val": np.ones(N_VAL - 1)},
            "sample_weight",
        ),
    ]


@pytest.mark.parametrize(("Est", "val", "message"), _bad_validation_sets())
def test_bad_validation_set_raises_and_leaves_the_model_alone(Est, val, message):
    X, y, X_val, y_val = data_for(Est)
    est = small(Est).fit(X, y, X_val=X_val, y_val=y_val)
    before = weights(est)
    state = (est.n_iter_, list(est.loss_curve_), list(est.validation_scores_))
    val_copies = {k: v.copy() for k, v in val.items()}
    with pytest.raises(ValueError, match=message):
        est.fit(X, y, **val)
    assert_same_arrays(weights(est), before)
    assert (est.n_iter_, est.loss_curve_, est.validation_scores_) == state
    for k, v in val.items():
        assert_array_equal(v, val_copies[k])
    # Also with early stopping, and on a fresh estimator (which stays unfitted).
    fresh = small(Est, early_stopping=True)
    with pytest.raises(ValueError, match=message):
        fresh.fit(X, y, **val)
    with pytest.raises(NotFittedError):
        fresh.predict(X)


def test_dataframe_x_val_with_other_columns_raises():
    X, y, X_val, y_val = clf_data()
    cols = ["a", "b", "c"]
    est = small(BackpropClassifier).fit(pd.DataFrame(X, columns=cols), y)
    before = weights(est)
    for other in (["a", "b", "d"], ["c", "b", "a"]):
        with pytest.raises(ValueError, match=r"Invalid validation set.*[Ff]eature names"):
            est.fit(
                pd.DataFrame(X, columns=cols),
                y,
                X_val=pd.DataFrame(X_val, columns=other),
                y_val=y_val,
            )
    assert_same_arrays(weights(est), before)


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_fit_modifies_nothing_it_is_given(Est):
    X, y, X_val, y_val = data_for(Est)
    sw_val = np.linspace(0.5, 1.5, len(X_val))
    # float32 training data makes fit cast X_val: on a copy.
    args = [X.astype(np.float32), y, X_val, y_val, sw_val]
    copies = [a.copy() for a in args]
    early(Est).fit(args[0], args[1], X_val=args[2], y_val=args[3], sample_weight_val=args[4])
    small(Est).fit(args[0], args[1], X_val=args[2], y_val=args[3], sample_weight_val=args[4])
    assert [a.dtype for a in args] == [c.dtype for c in copies]
    assert_same_arrays(args, copies)


# -- 7. pandas --------------------------------------------------------------------


def test_dataframes_and_string_series():
    X, y, X_val, y_val = clf_data(3)
    cols = ["x0", "x1", "x2"]
    names = np.array(["low", "mid", "high"])
    X, X_val = (
        pd.DataFrame(X, columns=cols),
        pd.DataFrame(X_val, columns=cols, index=90 + np.arange(N_VAL)),
    )
    y, y_val = pd.Series(names[y]), pd.Series(names[y_val], index=X_val.index)
    X_val_copy, y_val_copy = X_val.copy(), y_val.copy()
    seen = []

    def scorer(estimator, X_, y_):
        assert isinstance(X_, pd.DataFrame)
        assert list(X_.columns) == cols
        seen.append(type(y_))
        return accuracy_score(y_, estimator.predict(X_))

    est = small(BackpropClassifier, scoring=scorer, max_iter=3)
    est.fit(X, y, X_val=X_val, y_val=y_val)  # warnings are errors: no feature-name warning
    assert seen == [pd.Series] * 3
    pd.testing.assert_frame_equal(X_val, X_val_copy)
    pd.testing.assert_series_equal(y_val, y_val_copy)
    assert_allclose(est.validation_scores_[-1], est.score(X_val, y_val), rtol=1e-12)
    assert_allclose(
        est.validation_loss_curve_[-1], log_loss(y_val, est.predict_proba(X_val)), rtol=1e-10
    )
    # The default score on string labels, with early stopping.
    stopped = early(BackpropClassifier).fit(X, y, X_val=X_val, y_val=y_val)
    assert_allclose(stopped.score(X_val, y_val), stopped.best_validation_score_, rtol=1e-12)

    # The early-stopping split hands scorers DataFrames too.
    seen.clear()
    small(BackpropClassifier, scoring=scorer, early_stopping=True, max_iter=2).fit(X, y)
    assert len(seen) == 2


# -- 8. Metadata routing ----------------------------------------------------------


def test_pipeline_transforms_x_val_with_routing():
    X, y, X_val, y_val = reg_data()
    X, X_val = 10 * X + 3, 10 * X_val + 3  # the scaler makes a difference
    with sklearn.config_context(enable_metadata_routing=True):
        reg = small(BackpropRegressor, max_iter=4).set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline([("scale", StandardScaler()), ("reg", reg)], transform_input=["X_val"])
        pipe.fit(X, y, X_val=X_val, y_val=y_val)
    scaler = StandardScaler().fit(X)
    bare = small(BackpropRegressor, max_iter=4)
    bare.fit(scaler.transform(X), y, X_val=scaler.transform(X_val), y_val=y_val)
    fitted = pipe.named_steps["reg"]
    assert fitted.validation_scores_ == bare.validation_scores_
    assert fitted.validation_loss_curve_ == bare.validation_loss_curve_
    assert_same_arrays(weights(fitted), weights(bare))
    assert_allclose(fitted.validation_scores_[-1], pipe.score(X_val, y_val), rtol=1e-10)
    assert not sklearn.get_config()["enable_metadata_routing"]


@pytest.mark.parametrize("in_pipeline", [True, False])
def test_grid_search_routes_the_validation_set_to_every_fit(in_pipeline):
    X, y, X_val, y_val = reg_data()
    calls = []

    def scorer(estimator, X_, y_):
        calls.append((estimator.alpha, X_.shape, len(y_)))
        return estimator.score(X_, y_)

    # n_iter_no_change=inf: every fit runs max_iter epochs, one scorer call each.
    params = {"max_iter": 3, "n_iter_no_change": np.inf, "scoring": scorer}
    with sklearn.config_context(enable_metadata_routing=True):
        reg = small(BackpropRegressor, **params).set_fit_request(X_val=True, y_val=True)
        if in_pipeline:
            est = Pipeline([("scale", StandardScaler()), ("reg", reg)], transform_input=["X_val"])
            grid = {"reg__alpha": [1e-4, 1e-1]}
        else:
            est, grid = reg, {"alpha": [1e-4, 1e-1]}
        # X_val has N_VAL rows, not N_TRAIN: the CV passes it whole to each fit.
        search = GridSearchCV(est, grid, cv=2).fit(X, y, X_val=X_val, y_val=y_val)
    assert len(calls) == (2 * 2 + 1) * 3  # 2 candidates x 2 folds + the refit
    assert {shape for _, shape, _ in calls} == {X_val.shape}
    assert {n for _, _, n in calls} == {N_VAL}
    assert sorted({alpha for alpha, _, _ in calls}) == [1e-4, 1e-1]
    best = search.best_estimator_
    best = best.named_steps["reg"] if in_pipeline else best
    assert len(best.validation_scores_) == best.n_iter_ == 3
    assert np.isfinite(search.best_score_)


def test_pipeline_step_parameters_reach_the_estimator_without_routing():
    X, y, X_val, y_val = reg_data()
    assert not sklearn.get_config()["enable_metadata_routing"]
    pipe = Pipeline([("scale", StandardScaler()), ("reg", small(BackpropRegressor, max_iter=3))])
    pipe.fit(X, y, reg__X_val=X_val, reg__y_val=y_val)
    # X_val reaches the estimator as given (untransformed) without transform_input.
    bare = small(BackpropRegressor, max_iter=3)
    bare.fit(StandardScaler().fit_transform(X), y, X_val=X_val, y_val=y_val)
    assert pipe.named_steps["reg"].validation_scores_ == bare.validation_scores_
    assert len(bare.validation_scores_) == 3


# -- 9. warm_start and partial_fit ------------------------------------------------


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_warm_start_appends_to_the_curves(Est, solver):
    X, y, X_val, y_val = data_for(Est)
    est = small(Est, solver=solver, warm_start=True, max_iter=3)
    est.fit(X, y, X_val=X_val, y_val=y_val)
    first = (list(est.validation_scores_), list(est.validation_loss_curve_))
    n_first = est.n_iter_
    est.set_params(max_iter=4).fit(X, y, X_val=X_val, y_val=y_val)
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == n_first + est.n_iter_
    assert len(est.loss_curve_) == n_first + est.n_iter_
    assert est.validation_scores_[:n_first] == first[0]
    assert est.validation_loss_curve_[:n_first] == first[1]
    assert_allclose(est.validation_scores_[-1], est.score(X_val, y_val), rtol=1e-10)


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_curves_stay_aligned_when_only_some_warm_fits_validate(Est):
    """Epochs run without a validation set hold NaN, so entry i is always epoch i + 1."""
    X, y, X_val, y_val = data_for(Est)
    est = small(Est, warm_start=True, max_iter=2)
    est.fit(X, y)  # no validation: no curves yet
    est.fit(X, y, X_val=X_val, y_val=y_val)
    est.fit(X, y)
    est.fit(X, y, X_val=X_val, y_val=y_val)
    for curve in (est.validation_scores_, est.validation_loss_curve_):
        assert len(curve) == len(est.loss_curve_) == 8
        assert np.isnan(np.r_[curve[:2], curve[4:6]]).all()
        assert np.isfinite(np.r_[curve[2:4], curve[6:]]).all()


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_an_unknown_scorer_is_refused_even_without_validation_data(Est):
    X, y, _, _ = data_for(Est)
    with pytest.raises(ValueError, match="no_such_scorer"):
        small(Est, scoring="no_such_scorer").fit(X, y)


@pytest.mark.parametrize("Est", [BackpropClassifier, BackpropRegressor])
def test_partial_fit_takes_no_validation_set(Est):
    X, y, X_val, y_val = data_for(Est)
    est = small(Est)
    extra = {"classes": np.unique(y)} if Est is BackpropClassifier else {}
    with pytest.raises(TypeError, match="X_val"):
        est.partial_fit(X, y, X_val=X_val, y_val=y_val, **extra)
    est.partial_fit(X, y, **extra)
    assert est.validation_scores_ is None


# -- 10. Multi-output targets -----------------------------------------------------


def test_multioutput_regression_with_x_val():
    X, y, X_val, y_val = reg_data(n_outputs=3)
    est = early(BackpropRegressor).fit(X, y, X_val=X_val, y_val=y_val)
    assert est.n_outputs_ == 3
    assert est.predict(X_val).shape == y_val.shape
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == est.n_iter_
    assert_allclose(est.score(X_val, y_val), est.best_validation_score_, rtol=1e-12)
    loss = squared_error_loss(y_val, est.predict(X_val))
    assert_allclose(est.validation_loss_curve_[est.best_iteration_ - 1], loss, rtol=1e-10)


def test_multilabel_classification_with_x_val():
    X, y, X_val, y_val = reg_data(n_outputs=3)
    Y, Y_val = (y > 0).astype(int), (y_val > 0).astype(int)
    est = small(BackpropClassifier, max_iter=4).fit(X, Y, X_val=X_val, y_val=Y_val)
    proba = est.predict_proba(X_val)
    assert proba.shape == Y_val.shape
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == est.n_iter_
    assert_allclose(est.validation_scores_[-1], est.score(X_val, Y_val), rtol=1e-12)
    bce = -(Y_val * np.log(proba) + (1 - Y_val) * np.log1p(-proba)).sum(axis=1).mean()
    assert_allclose(est.validation_loss_curve_[-1], bce, rtol=1e-10)
    with pytest.raises(ValueError, match="Invalid validation set"):
        est.fit(X, Y, X_val=X_val, y_val=Y_val[:, :2])


def test_multiclass_multioutput_classification_with_x_val():
    X, y, X_val, y_val = reg_data(n_outputs=2)
    Y, Y_val = np.digitize(y, [-0.5, 0.5]), np.digitize(y_val, [-0.5, 0.5])
    est = small(BackpropClassifier, max_iter=4).fit(X, Y, X_val=X_val, y_val=Y_val)
    probas = est.predict_proba(X_val)
    assert len(probas) == 2
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == est.n_iter_
    assert_allclose(est.validation_scores_[-1], est.score(X_val, Y_val), rtol=1e-12)
    # One softmax per output: the loss adds the outputs' log-losses.
    expected = sum(
        log_loss(Y_val[:, j], p, labels=c)
        for j, (p, c) in enumerate(zip(probas, est.classes_, strict=True))
    )
    assert_allclose(est.validation_loss_curve_[-1], expected, rtol=1e-10)


def test_sparse_x_val():
    X, y, X_val, y_val = clf_data()
    dense = small(BackpropClassifier, max_iter=3).fit(X, y, X_val=X_val, y_val=y_val)
    sparse = small(BackpropClassifier, max_iter=3)
    sparse.fit(X, y, X_val=sp.csr_matrix(X_val), y_val=y_val)
    assert_allclose(sparse.validation_loss_curve_, dense.validation_loss_curve_, rtol=1e-10)


# -- class_weight weighs the training loss, not the validation score --------------


@pytest.mark.parametrize("class_weight", [{0: 1.0, 1: 3.0}, "balanced"])
def test_class_weight_leaves_the_validation_score_the_estimators_score(class_weight):
    X, y, X_val, y_val = clf_data()
    sw_val = np.linspace(0.5, 1.5, len(X_val))
    est = small(BackpropClassifier, class_weight=class_weight, max_iter=3)
    est.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    assert_allclose(
        est.validation_scores_[-1], est.score(X_val, y_val, sample_weight=sw_val), rtol=1e-12
    )
    stopped = early(BackpropClassifier, class_weight=class_weight)
    stopped.fit(X, y, X_val=X_val, y_val=y_val)
    assert_allclose(stopped.score(X_val, y_val), stopped.best_validation_score_, rtol=1e-12)
