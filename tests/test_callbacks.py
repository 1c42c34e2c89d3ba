"""scikit-learn's callback API (sklearn.callback, SLEP023) on the skbp estimators.

A fit is one root task ("fit") with one subtask per epoch ('sgd', 'adam') or
per L-BFGS iteration; the hooks receive the user's data and, at the end of
each subtask, a fitted snapshot of the model; a hook returning True stops
training after that epoch. The callbacks here are recorded headlessly, the
way scikit-learn's own callback tests do.
"""

import pickle
import re
import threading
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.callback import ProgressBar, ScoringMonitor, ScoringMonitorLog
from sklearn.callback._progressbar import RichProgressMonitor
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skbp import BackpropClassifier, BackpropRegressor

pytest.importorskip("rich")

X_CLF, Y_CLF = make_classification(
    n_samples=60, n_features=4, n_informative=3, n_redundant=0, random_state=0
)
X_REG, Y_REG = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
Y_REG = Y_REG / Y_REG.std()

ESTIMATORS = [BackpropClassifier, BackpropRegressor]
SOLVERS = ["sgd", "adam", "lbfgs"]
UNIT = {"sgd": "epoch", "adam": "epoch", "lbfgs": "iteration"}
ignore_convergence = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def data_for(Estimator):
    return (X_CLF, Y_CLF) if Estimator is BackpropClassifier else (X_REG, Y_REG)


def small(Estimator, solver="adam", **params):
    params = {"max_iter": 5, "learning_rate_init": 0.01, "random_state": 0, **params}
    return Estimator(hidden_layer_sizes=(5,), solver=solver, **params)


class Snapshot:
    """A fitted_estimator and what it showed when the hook received it."""

    def __init__(self, model, X):
        self.model = model
        self.coefs = [c.copy() for c in model.coefs_]
        self.intercepts = [b.copy() for b in model.intercepts_]
        self.prediction = model.predict(X).copy()
        self.n_iter = model.n_iter_
        self.loss_curve = list(model.loss_curve_)


class Recorder:
    """Records every hook call as ``(hook, context, kwargs)``.

    ``on_fit_task_end`` of the n-th subtask (1-based) returns True when
    ``n == stop_at`` and raises when ``n == fail_at``; each subtask's
    ``fitted_estimator`` is kept as a :class:`Snapshot`.
    """

    def __init__(self, stop_at=None, fail_at=None):
        self.calls = []
        self.snapshots = []
        self.stop_at, self.fail_at = stop_at, fail_at
        self.n_ended = 0

    def setup(self, estimator, context):
        self.calls.append(("setup", context, {}))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context, {}))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.calls.append(("begin", context, {"X": X, "y": y, "metadata": metadata}))

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None
    ):
        kwargs = {"X": X, "y": y, "metadata": metadata, "fitted_estimator": fitted_estimator}
        self.calls.append(("end", context, kwargs))
        if context.parent is None:
            return False
        self.n_ended += 1
        if fitted_estimator is not None:
            self.snapshots.append(Snapshot(fitted_estimator, X))
        if self.n_ended == self.fail_at:
            raise RuntimeError("callback failed on purpose")
        return self.n_ended == self.stop_at

    def count(self, hook):
        return sum(name == hook for name, _, _ in self.calls)

    def subtasks(self):
        return [ctx for name, ctx, _ in self.calls if name == "begin" and ctx.parent is not None]

    def ends(self):
        return [(ctx, kw) for name, ctx, kw in self.calls if name == "end"]


def assert_paired(rec):
    """Each fit: setup, then properly nested begin/end pairs, then teardown."""
    open_tasks = []
    for name, ctx, _ in rec.calls:
        if name == "setup":
            assert open_tasks == []
        elif name == "begin":
            open_tasks.append(ctx)
        elif name == "end":
            assert open_tasks.pop() is ctx
        else:
            assert open_tasks == []
    assert open_tasks == []
    assert rec.count("setup") == rec.count("teardown")


def coefs_of(est):
    return [a.copy() for a in (*est.coefs_, *est.intercepts_)]


# -- the task tree -------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_set_callbacks_returns_the_estimator(Estimator):
    est = Estimator()
    rec = Recorder()
    assert est.set_callbacks(rec) is est
    assert est._skl_callbacks == [rec]
    with pytest.raises(TypeError, match="FitCallback"):
        est.set_callbacks(Recorder)  # a class, not an instance


@ignore_convergence
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fit_is_one_root_task_with_one_subtask_per_epoch(Estimator, solver):
    X, y = data_for(Estimator)
    rec = Recorder()
    est = small(Estimator, solver).set_callbacks(rec).fit(X, y)

    assert_paired(rec)
    assert rec.count("setup") == rec.count("teardown") == 1
    assert [rec.calls[0][0], rec.calls[-1][0]] == ["setup", "teardown"]
    (_, root, _), (_, last_ctx, _) = rec.calls[1], rec.calls[-2]
    assert root is last_ctx
    assert root.parent is None
    assert root.task_name == "fit"
    assert root.estimator_name == Estimator.__name__
    subtasks = rec.subtasks()
    assert all(ctx.parent is root for ctx in subtasks)
    assert all(ctx.max_subtasks == 0 for ctx in subtasks)
    assert {ctx.task_name for ctx in subtasks} == {UNIT[solver]}
    assert [ctx.task_id for ctx in subtasks] == list(range(len(subtasks)))
    ended_with_model = [ctx for ctx, kw in rec.ends() if kw["fitted_estimator"] is not None]
    if solver == "lbfgs":
        # scipy's callback begins one more iteration that never runs; it ends empty
        assert root.max_subtasks == est.max_iter + 1
        assert len(subtasks) == est.n_iter_ + 1
        assert ended_with_model == [*subtasks[:-1], root]
        last_end = [kw for ctx, kw in rec.ends() if ctx is subtasks[-1]]
        assert last_end == [dict.fromkeys(("X", "y", "metadata", "fitted_estimator"))]
    else:
        assert root.max_subtasks == est.max_iter
        assert len(subtasks) == est.n_iter_ == est.max_iter
        assert ended_with_model == [*subtasks, root]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_converged_stochastic_fit_has_n_iter_subtasks(solver):
    # A loss that must fall by 0.5 per epoch stalls at once: training converges early.
    est = small(BackpropClassifier, solver, max_iter=50, tol=0.5, n_iter_no_change=1)
    rec = Recorder()
    est.set_callbacks(rec).fit(X_CLF, Y_CLF)
    assert est.n_iter_ < est.max_iter
    assert len(rec.subtasks()) == len(rec.snapshots) == est.n_iter_
    assert_paired(rec)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_is_one_subtask_per_call(Estimator):
    X, y = data_for(Estimator)
    rec = Recorder()
    est = small(Estimator, "sgd").set_callbacks(rec)
    extra = {"classes": np.unique(y)} if Estimator is BackpropClassifier else {}
    for call in range(1, 4):
        est.partial_fit(X, y, **extra)
        assert rec.count("setup") == rec.count("teardown") == call
        assert len(rec.subtasks()) == call
        assert rec.subtasks()[-1].parent.max_subtasks == 1
        assert len(rec.snapshots[-1].loss_curve) == call
    assert_paired(rec)
    assert len(est.loss_curve_) == 3


# -- fitted_estimator: a snapshot of the model after each epoch ------------------


@ignore_convergence
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fitted_estimator_is_a_frozen_snapshot_of_each_epoch(Estimator, solver):
    X, y = data_for(Estimator)
    rec = Recorder()
    est = small(Estimator, solver, max_iter=6).set_callbacks(rec).fit(X, y)

    assert len(rec.snapshots) == est.n_iter_ == 6
    for epoch, snap in enumerate(rec.snapshots, start=1):
        model = snap.model
        assert model is not est
        assert snap.n_iter == len(snap.loss_curve) == epoch
        assert snap.loss_curve == est.loss_curve_[:epoch]
        assert not np.shares_memory(model.coefs_[0], est.coefs_[0])
        # later epochs left it alone
        assert_array_equal(model.predict(X), snap.prediction)
        for now, then in zip(coefs_of(model), snap.coefs + snap.intercepts, strict=True):
            assert_array_equal(now, then)
        assert model.n_iter_ == epoch
        assert len(model.loss_curve_) == epoch
        assert np.isfinite(model.score(X, y))
        if Estimator is BackpropClassifier:
            assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
            assert set(model.predict(X)) <= set(est.classes_)
    # the last snapshot is the final model, which moved away from the first
    for final, last in zip(coefs_of(est), coefs_of(rec.snapshots[-1].model), strict=True):
        assert_array_equal(final, last)
    assert not np.allclose(est.coefs_[0], rec.snapshots[0].coefs[0])


@ignore_convergence
@pytest.mark.parametrize("solver", SOLVERS)
def test_snapshot_after_epoch_k_is_the_model_fitted_for_k_epochs(solver):
    rec = Recorder()
    small(BackpropClassifier, solver, max_iter=4).set_callbacks(rec).fit(X_CLF, Y_CLF)
    short = small(BackpropClassifier, solver, max_iter=2).fit(X_CLF, Y_CLF)
    snap = rec.snapshots[1]
    for got, want in zip(snap.coefs + snap.intercepts, coefs_of(short), strict=True):
        assert_allclose(got, want, rtol=1e-6, atol=1e-9)


# -- the data handed to the hooks ------------------------------------------------


@pytest.mark.parametrize(
    ("solver", "early_stopping"), [("adam", False), ("adam", True), ("lbfgs", False)]
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
@ignore_convergence
def test_hooks_receive_the_users_data_and_sample_weight(Estimator, solver, early_stopping):
    X, y = data_for(Estimator)
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    y_s = pd.Series(y, name="target")
    sw = np.linspace(0.5, 1.5, len(y))
    rec = Recorder()
    est = small(Estimator, solver, early_stopping=early_stopping)
    est.set_callbacks(rec).fit(X_df, y_s, sample_weight=sw)

    with_data = [kw for name, _, kw in rec.calls if name != "setup" and kw.get("X") is not None]
    # every begin, and every end but L-BFGS's empty last one, had the data
    n_empty = 1 if solver == "lbfgs" else 0
    assert len(with_data) == rec.count("begin") + rec.count("end") - n_empty
    for kw in with_data:
        assert kw["X"] is X_df
        assert kw["y"] is y_s
        assert kw["metadata"].keys() == {"sample_weight"}
        assert kw["metadata"]["sample_weight"] is sw
    for snap in rec.snapshots:
        assert list(snap.model.feature_names_in_) == list(X_df.columns)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "X does not have valid feature names"
            snap.model.predict(X_df)
            snap.model.score(X_df, y_s, sample_weight=sw)


@ignore_convergence
def test_hooks_get_no_sample_weight_metadata_without_weights():
    rec = Recorder()
    small(BackpropClassifier).set_callbacks(rec).fit(X_CLF, Y_CLF)
    metadata = [kw["metadata"] for name, _, kw in rec.calls if name in ("begin", "end")]
    assert metadata
    assert not any(metadata)


# -- ScoringMonitor ----------------------------------------------------------------


@ignore_convergence
@pytest.mark.parametrize(
    ("Estimator", "solver", "scoring"),
    [
        (BackpropClassifier, "sgd", "accuracy"),
        (BackpropClassifier, "lbfgs", "accuracy"),
        (BackpropRegressor, "adam", "r2"),
        (BackpropRegressor, "lbfgs", "r2"),
    ],
)
def test_scoring_monitor_scores_each_epochs_snapshot(Estimator, solver, scoring):
    X, y = data_for(Estimator)
    monitor, rec = ScoringMonitor(scoring=scoring), Recorder()
    est = small(Estimator, solver, max_iter=6).set_callbacks(monitor, rec).fit(X, y)

    log = monitor.get_logs()
    assert isinstance(log, ScoringMonitorLog)
    assert log.estimator_name == Estimator.__name__
    epochs = [row for row in log.data if row["task_name"] == UNIT[solver]]
    assert len(epochs) == est.n_iter_ == 6
    assert [row["task_id_path"] for row in epochs] == [(0, i) for i in range(6)]
    assert all(row["parent_task_id_path"] == (0,) for row in epochs)
    assert all(row["estimator_name"] == Estimator.__name__ for row in epochs)
    scores = [row[scoring] for row in epochs]
    assert scores == pytest.approx([snap.model.score(X, y) for snap in rec.snapshots])
    assert scores[-1] == pytest.approx(est.score(X, y))
    (root,) = [row for row in log.data if row["task_id_path"] == (0,)]
    assert root[scoring] == pytest.approx(est.score(X, y))

    frame = log.data_as_pandas
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == len(log.data) == 7
    epoch_frame = frame[frame["task_name"] == UNIT[solver]]
    assert_allclose(epoch_frame[scoring].to_numpy(), scores)


@ignore_convergence
def test_scoring_monitor_weighs_scores_with_the_fits_sample_weight():
    sw = np.linspace(0.1, 2.0, len(Y_CLF))
    monitor, rec = ScoringMonitor(scoring="accuracy"), Recorder()
    est = small(BackpropClassifier, learning_rate_init=0.05).set_callbacks(monitor, rec)
    est.fit(X_CLF, Y_CLF, sample_weight=sw)
    scores = [row["accuracy"] for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    weighted = [snap.model.score(X_CLF, Y_CLF, sample_weight=sw) for snap in rec.snapshots]
    assert scores == pytest.approx(weighted)
    assert scores[-1] == pytest.approx(est.score(X_CLF, Y_CLF, sample_weight=sw))


@ignore_convergence
def test_scoring_monitor_keeps_one_log_per_fit():
    monitor = ScoringMonitor(scoring="accuracy")
    est = small(BackpropClassifier, max_iter=3).set_callbacks(monitor)
    est.fit(X_CLF, Y_CLF)
    est.set_params(max_iter=4).fit(X_CLF, Y_CLF)
    logs = monitor.get_logs(select="all")
    assert [sum(r["task_name"] == "epoch" for r in log.data) for log in logs] == [3, 4]
    assert monitor.get_logs().run_id == logs[-1].run_id


# -- stop requests -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("Estimator", "solver"),
    [
        (BackpropClassifier, "sgd"),
        (BackpropClassifier, "adam"),
        (BackpropClassifier, "lbfgs"),
        (BackpropRegressor, "adam"),
        (BackpropRegressor, "lbfgs"),
    ],
)
def test_stop_request_ends_training_after_that_epoch(Estimator, solver):
    X, y = data_for(Estimator)
    k = 3
    rec = Recorder(stop_at=k)
    est = small(Estimator, solver, max_iter=50, tol=0.0, n_iter_no_change=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning, nor anything else
        est.set_callbacks(rec).fit(X, y)

    assert est.n_iter_ == k
    assert len(est.loss_curve_) == k
    assert est.loss_ == est.loss_curve_[-1]
    assert len(rec.subtasks()) == len(rec.snapshots) == k
    assert_paired(rec)
    # the model is the one of epoch k (for L-BFGS: the iterate accepted at k)
    for final, then in zip(
        coefs_of(est), rec.snapshots[-1].coefs + rec.snapshots[-1].intercepts, strict=True
    ):
        assert_array_equal(final, then)
    assert_array_equal(est.predict(X), rec.snapshots[-1].prediction)
    assert np.isfinite(est.score(X, y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a max_iter=k fit does warn
        short = small(Estimator, solver, max_iter=k, tol=0.0, n_iter_no_change=50).fit(X, y)
    for got, want in zip(coefs_of(est), coefs_of(short), strict=True):
        assert_allclose(got, want, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("held_out", ["X_val", "validation_fraction"])
def test_stop_request_with_early_stopping_restores_the_best_weights(held_out):
    k = 5
    rec = Recorder(stop_at=k)
    est = small(
        BackpropClassifier, learning_rate_init=0.05, max_iter=50, early_stopping=True
    ).set_callbacks(rec)
    if held_out == "X_val":
        # flipped labels: the better the fit, the worse the validation score
        est.fit(X_CLF, Y_CLF, X_val=X_CLF[:30], y_val=1 - Y_CLF[:30])
    else:
        est.fit(X_CLF, Y_CLF)

    assert est.n_iter_ == len(est.loss_curve_) == len(est.validation_scores_) == k
    assert 1 <= est.best_iteration_ <= k
    assert est.best_validation_score_ == max(est.validation_scores_)
    best = rec.snapshots[est.best_iteration_ - 1]
    for final, then in zip(coefs_of(est), best.coefs + best.intercepts, strict=True):
        assert_array_equal(final, then)
    assert_array_equal(est.predict(X_CLF), best.prediction)
    if held_out == "X_val":
        assert est.best_iteration_ < k
        assert not np.allclose(est.coefs_[0], rec.snapshots[-1].coefs[0])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_stop_request_during_partial_fit_is_harmless(Estimator):
    X, y = data_for(Estimator)
    extra = {"classes": np.unique(y)} if Estimator is BackpropClassifier else {}
    reference = small(Estimator, "sgd")
    stopped = small(Estimator, "sgd").set_callbacks(Recorder(stop_at=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):
            reference.partial_fit(X, y, **extra)
            stopped.partial_fit(X, y, **extra)
            stopped.set_callbacks(Recorder(stop_at=1))
    assert stopped.n_iter_ == 1
    assert len(stopped.loss_curve_) == 2
    for got, want in zip(coefs_of(stopped), coefs_of(reference), strict=True):
        assert_array_equal(got, want)


# -- ProgressBar ------------------------------------------------------------------------


def assert_nothing_left_running(threads_before):
    # The rich monitor thread is joined at teardown. scikit-learn's transport
    # (sklearn/callback/_transport.py) leaves the daemon thread that accepts
    # connections on each fit's listener blocked in accept() after closing it,
    # for its own estimators too: that one is tolerated. rich's own refresh
    # thread is told to stop but not joined, so it gets a moment to end.
    left = [t for t in threading.enumerate() if t not in threads_before]
    assert not any(isinstance(t, RichProgressMonitor) for t in left)
    for thread in left:
        if "_accept" not in thread.name:
            thread.join(timeout=5)
    still = [t for t in left if t.is_alive()]
    assert all(t.daemon and "_accept" in t.name for t in still), still


@ignore_convergence
@pytest.mark.parametrize(
    ("Estimator", "solver"), [(BackpropClassifier, "sgd"), (BackpropRegressor, "lbfgs")]
)
def test_progress_bar_on_a_fit_changes_nothing(Estimator, solver, capsys):
    X, y = data_for(Estimator)
    plain = small(Estimator, solver).fit(X, y)
    threads_before = set(threading.enumerate())
    with_bar = small(Estimator, solver).set_callbacks(ProgressBar()).fit(X, y)
    assert_nothing_left_running(threads_before)
    for got, want in zip(coefs_of(with_bar), coefs_of(plain), strict=True):
        assert_array_equal(got, want)
    assert with_bar.loss_curve_ == plain.loss_curve_
    out = capsys.readouterr().out
    assert f"{Estimator.__name__} - fit" in out
    assert "100%" in out
    assert not re.search(r"\b[0-9]{1,2}%", out)  # every bar finished


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_progress_bar_on_partial_fit(Estimator, capsys):
    X, y = data_for(Estimator)
    extra = {"classes": np.unique(y)} if Estimator is BackpropClassifier else {}
    plain, with_bar = small(Estimator, "sgd"), small(Estimator, "sgd")
    with_bar.set_callbacks(ProgressBar())
    threads_before = set(threading.enumerate())
    for _ in range(2):
        plain.partial_fit(X, y, **extra)
        with_bar.partial_fit(X, y, **extra)
    assert_nothing_left_running(threads_before)
    for got, want in zip(coefs_of(with_bar), coefs_of(plain), strict=True):
        assert_array_equal(got, want)
    assert capsys.readouterr().out.count(f"{Estimator.__name__} - fit") >= 2


@ignore_convergence
def test_progress_bar_on_a_pipeline_propagates_to_the_network(capsys):
    plain = make_pipeline(StandardScaler(), small(BackpropClassifier)).fit(X_CLF, Y_CLF)
    threads_before = set(threading.enumerate())
    pipe = make_pipeline(StandardScaler(), small(BackpropClassifier))
    pipe.set_callbacks(ProgressBar()).fit(X_CLF, Y_CLF)
    assert_nothing_left_running(threads_before)
    assert not hasattr(pipe[-1], "_skl_callbacks")  # propagated for the fit only
    for got, want in zip(coefs_of(pipe[-1]), coefs_of(plain[-1]), strict=True):
        assert_array_equal(got, want)
    out = capsys.readouterr().out
    assert "Pipeline - fit" in out
    assert "BackpropClassifier - fit" in out


@ignore_convergence
def test_progress_bar_on_a_grid_search_propagates_to_the_network(capsys):
    grid = {"alpha": [1e-4, 1e-1]}
    plain = GridSearchCV(small(BackpropClassifier), grid, cv=2, n_jobs=1).fit(X_CLF, Y_CLF)
    threads_before = set(threading.enumerate())
    search = GridSearchCV(small(BackpropClassifier), grid, cv=2, n_jobs=1)
    search.set_callbacks(ProgressBar()).fit(X_CLF, Y_CLF)
    assert_nothing_left_running(threads_before)
    assert_array_equal(search.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"])
    assert search.best_params_ == plain.best_params_
    for got, want in zip(
        coefs_of(search.best_estimator_), coefs_of(plain.best_estimator_), strict=True
    ):
        assert_array_equal(got, want)
    out = capsys.readouterr().out
    assert "GridSearchCV - fit" in out
    assert "BackpropClassifier - fit" in out


# -- failures ---------------------------------------------------------------------------


@pytest.mark.parametrize("fitted", [False, True])
def test_teardown_runs_when_the_fit_fails(fitted):
    est = small(BackpropClassifier, "lbfgs")
    if fitted:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X_CLF, Y_CLF)
    before = dict(vars(est))
    coefs = coefs_of(est) if fitted else None
    rec = Recorder()
    est.set_callbacks(rec)
    y_bad = Y_CLF.astype(float)
    y_bad[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        est.fit(X_CLF, y_bad)
    assert rec.count("setup") == rec.count("teardown") == 1
    assert rec.count("end") == 0  # the fit task began but never ran
    assert vars(est).keys() == {*before, "_skl_callbacks"}
    if fitted:
        assert all(vars(est)[k] is v for k, v in before.items())
        for now, then in zip(coefs_of(est), coefs, strict=True):
            assert_array_equal(now, then)
    else:
        with pytest.raises(NotFittedError):
            est.predict(X_CLF)


def test_invalid_parameters_fail_before_any_hook():
    rec = Recorder()
    est = small(BackpropClassifier, alpha=-1.0).set_callbacks(rec)
    with pytest.raises(InvalidParameterError):
        est.fit(X_CLF, Y_CLF)
    assert rec.calls == []


@pytest.mark.parametrize("solver", SOLVERS)
def test_error_in_a_callback_propagates_and_teardown_runs(solver):
    rec = Recorder(fail_at=2)
    est = small(BackpropClassifier, solver, max_iter=10).set_callbacks(rec)
    with pytest.raises(RuntimeError, match="on purpose"):
        est.fit(X_CLF, Y_CLF)
    assert rec.count("setup") == rec.count("teardown") == 1
    assert len(rec.snapshots) == 2
    assert not hasattr(est, "_callback_fit_ctx")
    with pytest.raises(NotFittedError):  # the failed fit was rolled back
        est.predict(X_CLF)


# -- clone, get_params, pickle ------------------------------------------------------------


@ignore_convergence
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_clone_keeps_callbacks_and_get_params_does_not_show_them(Estimator):
    X, y = data_for(Estimator)
    rec = Recorder()
    est = small(Estimator).set_callbacks(rec)
    params = est.get_params()
    assert params == small(Estimator).get_params()
    assert not any(isinstance(v, Recorder) for v in params.values())
    twin = clone(est)
    assert twin._skl_callbacks == [rec]
    assert twin._skl_callbacks[0] is rec
    twin.fit(X, y)
    assert rec.count("setup") == rec.count("teardown") == 1
    assert len(rec.snapshots) == twin.n_iter_
    assert not hasattr(est, "n_iter_")  # the original was not fitted


@ignore_convergence
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pickled_model_without_callbacks_is_unaffected(Estimator):
    X, y = data_for(Estimator)
    plain = small(Estimator).fit(X, y)
    was_watched = small(Estimator).set_callbacks(Recorder()).fit(X, y)
    # after the fit nothing of the callback machinery is left on the model
    assert not {"_callback_fit_ctx", "_skl_callbacks_to_teardown"} & vars(was_watched).keys()
    was_watched.set_callbacks()
    assert "_skl_callbacks" not in vars(was_watched)
    for est in (plain, was_watched):
        blob = pickle.dumps(est)
        assert b"Recorder" not in blob
        assert b"CallbackContext" not in blob
        restored = pickle.loads(blob)
        assert_array_equal(restored.predict(X), plain.predict(X))
        for got, want in zip(coefs_of(restored), coefs_of(plain), strict=True):
            assert_array_equal(got, want)
