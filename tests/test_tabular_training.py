"""The tabular estimators' training, first-class: records, callbacks, scorers, warm starts.

One BLAS thread (the Makefile sets it); small networks, a few epochs.
"""

import re

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.callback import ProgressBar
from sklearn.metrics import d2_pinball_score, mean_absolute_error
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError
from test_tabular import FAST, labels_for, mixed_frame, target_for

from skbp import TabularClassifier, TabularRegressor

RECORDS = (
    "loss_",
    "loss_curve_",
    "best_loss_",
    "n_iter_",
    "validation_scores_",
    "validation_loss_curve_",
    "best_validation_score_",
    "best_iteration_",
)


def data_for(Estimator, n=80, seed=0):
    X = mixed_frame(n=n, seed=seed)
    y = labels_for(X, seed) if Estimator is TabularClassifier else target_for(X, seed)
    return X, y


class Recorder:
    """Keeps what the per-epoch hooks see; asks to stop after epoch ``stop_at``."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.begun, self.models, self.estimators = [], [], []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.begun.append((context.parent is None, X, y, metadata))

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None
    ):
        if context.parent is None:
            return False
        self.estimators.append(estimator)
        self.models.append((fitted_estimator, fitted_estimator.predict(X)))
        return len(self.models) == self.stop_at


# -- the training record --------------------------------------------------------


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_the_training_record_is_the_estimators_own(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST)
    for name in RECORDS:
        assert not hasattr(est, name)
    est.fit(X, y)
    for name in RECORDS:
        assert getattr(est, name) == getattr(est.network_, name)
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == est.n_iter_ == 5
    assert 1 <= est.best_iteration_ <= 5
    assert est.best_validation_score_ == max(est.validation_scores_)


# -- scorers see the table and the target as given -------------------------------


def test_a_regressors_scorer_is_in_the_targets_own_units():
    X, X_val = mixed_frame(n=80), mixed_frame(n=30, seed=1)
    y, y_val = 100 * target_for(X) + 1000, 100 * target_for(X_val, seed=1) + 1000
    reg = TabularRegressor(
        **FAST, early_stopping=False, scoring="neg_mean_absolute_error", dtype="float64"
    ).fit(X, y, X_val=X_val, y_val=y_val)
    # Without early stopping the model is the last epoch's: its MAE, in y's units.
    mae = mean_absolute_error(y_val, reg.predict(X_val))
    assert reg.validation_scores_[-1] == pytest.approx(-mae, rel=1e-9)
    assert mae > 10  # dollars, not standardised units (target_scale_ is about 3,000)

    # With early stopping, the best score is that of the weights kept.
    stopped = TabularRegressor(**FAST, scoring="neg_mean_absolute_error", dtype="float64")
    stopped.fit(X, y, X_val=X_val, y_val=y_val)
    best = -mean_absolute_error(y_val, stopped.predict(X_val))
    assert stopped.best_validation_score_ == pytest.approx(best, rel=1e-9)


def test_a_scorer_sees_the_raw_frame_and_the_tabular_estimator():
    seen = []

    def scorer(estimator, X, y):
        seen.append((type(estimator), list(X.columns), len(X)))
        return float(np.mean(estimator.predict(X) == y))

    X, y = data_for(TabularClassifier, n=100)
    clf = TabularClassifier(**FAST, scoring=scorer, cv=None).fit(X, y)
    # The held-out 20 % of the rows, as a frame with the user's columns.
    assert seen == [(TabularClassifier, list(X.columns), 20)] * 5
    assert len(clf.validation_scores_) == 5


def test_early_stopping_holds_out_rows_stratified_by_class():
    X, y = data_for(TabularClassifier, n=100)
    held = []

    def scorer(estimator, X_held, y_held):
        held.append(np.asarray(y_held))
        return 0.0

    TabularClassifier(**dict(FAST, max_iter=1), scoring=scorer, cv=None).fit(X, y)
    n_yes = np.sum(y == "yes")
    assert np.sum(held[0] == "yes") in (np.floor(n_yes / 5), np.ceil(n_yes / 5))


# -- callbacks ------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_callbacks_see_each_epoch_of_the_tabular_fit(Estimator):
    X, y = data_for(Estimator)
    weights = np.linspace(0.5, 1.5, len(X))
    rec = Recorder()
    est = Estimator(**FAST).set_callbacks(rec).fit(X, y, sample_weight=weights)
    roots = [b for b in rec.begun if b[0]]
    assert len(roots) == 1
    assert len(est.networks_) == 3  # each member's epochs are the fit's
    assert len(rec.begun) == 1 + 3 * est.n_iter_
    for _, X_seen, y_seen, metadata in rec.begun:
        assert X_seen is X
        assert y_seen is y
        assert metadata["sample_weight"] is weights
    assert all(e is est for e in rec.estimators)
    # Each epoch's fitted copy is a tabular estimator on the raw frame; they differ.
    assert all(type(model) is Estimator for model, _ in rec.models)
    first, last = rec.models[0][1], rec.models[-1][1]
    assert first.shape == last.shape == (len(X),)
    if Estimator is TabularRegressor:
        assert not np.allclose(first, last)


def test_a_callback_can_stop_a_tabular_fit():
    X, y = data_for(TabularClassifier)
    est = TabularClassifier(**FAST, early_stopping=False).set_callbacks(Recorder(stop_at=2))
    est.fit(X, y)
    assert est.n_iter_ == len(est.loss_curve_) == 2


def test_progress_bar_on_a_tabular_fit_and_in_a_pipeline(capsys):
    X, y = data_for(TabularClassifier)
    plain = TabularClassifier(**FAST).fit(X, y)
    with_bar = TabularClassifier(**FAST).set_callbacks(ProgressBar()).fit(X, y)
    assert_array_equal(with_bar.predict_proba(X), plain.predict_proba(X))
    out = capsys.readouterr().out
    assert "TabularClassifier - fit" in out
    assert "100%" in out
    assert not re.search(r"\b[0-9]{1,2}%", out)

    pipe = make_pipeline(TabularClassifier(**FAST))
    pipe.set_callbacks(ProgressBar()).fit(X, y)
    out = capsys.readouterr().out
    assert "Pipeline - fit" in out
    assert "TabularClassifier - fit" in out


# -- warm starts ----------------------------------------------------------------


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_warm_start_continues_the_network_on_the_same_preprocessing(Estimator):
    X, y = data_for(Estimator)
    settings = dict(FAST, early_stopping=False, max_iter=3)
    est = Estimator(**settings, warm_start=True).fit(X, y)
    preprocessor, first_curve = est.preprocessor_, list(est.loss_curve_)
    before = [c.copy() for c in est.networks_[0].coefs_]
    est.fit(X.iloc[:40], y[:40])  # other rows: the preprocessing stays the first fit's
    assert est.preprocessor_ is preprocessor
    assert est.n_iter_ == 3  # by the last fit
    assert len(est.loss_curve_) == 6
    assert est.loss_curve_[:3] == first_curve
    assert not np.allclose(est.networks_[0].coefs_[0], before[0])
    if Estimator is TabularRegressor:
        assert est.target_mean_ == pytest.approx(np.mean(y))  # not the 40 rows' mean

    # The same second fit from scratch is another model.
    cold = Estimator(**settings).fit(X, y).fit(X.iloc[:40], y[:40])
    assert cold.n_iter_ == 3
    assert cold.preprocessor_ is not preprocessor


def test_warm_start_refuses_other_columns():
    X, y = data_for(TabularClassifier)
    est = TabularClassifier(**FAST, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="feature names"):
        est.fit(X.drop(columns="int"), y)
    assert est.n_iter_ == 5  # the failed fit left the model as it was


# -- messages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("Estimator", "params", "name"),
    [
        (TabularRegressor, {"loss": "quantil"}, "loss"),
        (TabularClassifier, {"activation": "sigmoid"}, "activation"),
        (TabularClassifier, {"learning_rate_init": -1.0}, "learning_rate_init"),
    ],
)
def test_a_bad_network_parameter_names_the_tabular_estimator(Estimator, params, name):
    X, y = data_for(Estimator)
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of {Estimator.__name__}"):
        Estimator(**FAST, **params).fit(X, y)


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
@pytest.mark.parametrize("n", [1, 2])
def test_a_table_too_small_for_the_early_stopping_split_says_what_to_do(Estimator, n):
    X, y = data_for(Estimator, n=10)
    rows = slice(1, 1 + n)  # rows whose text columns are not missing
    with pytest.raises(ValueError, match=r"X_val.*early_stopping=False"):
        Estimator(**FAST).fit(X.iloc[rows], y[rows])
    # Either remedy works.
    Estimator(**FAST, early_stopping=False).fit(X.iloc[rows], y[rows])
    same = np.flatnonzero(y == y[1]) if Estimator is TabularClassifier else np.arange(10)
    Estimator(**FAST).fit(X.iloc[rows], y[rows], X_val=X.iloc[same], y_val=y[same])


# -- quantiles ------------------------------------------------------------------


def test_the_tabular_regressor_predicts_several_quantiles_in_the_targets_units():
    X, y = data_for(TabularRegressor, n=200)
    y = 100 * y + 1000
    quantiles = [0.9, 0.1, 0.5]
    reg = TabularRegressor(**dict(FAST, max_iter=20), loss="quantile", quantile=quantiles)
    reg.fit(X, y)
    assert quantiles == [0.9, 0.1, 0.5]  # the user's list is left alone
    assert_array_equal(reg.quantiles_, [0.1, 0.5, 0.9])
    bands = reg.predict(X)
    assert bands.shape == (200, 3)
    assert (np.diff(bands, axis=1) >= 0).all()  # never crossing
    # In y's units: the share of targets below each column grows with its quantile.
    below = (y[:, None] <= bands).mean(axis=0)
    assert below[0] < below[1] < below[2]
    assert bands[:, 1].mean() == pytest.approx(np.median(y), rel=0.2)
    # score is the mean D² pinball score of the columns, not R² (which would fail on 3 columns).
    d2 = [d2_pinball_score(y, bands[:, j], alpha=q) for j, q in enumerate([0.1, 0.5, 0.9])]
    assert reg.score(X, y) == pytest.approx(np.mean(d2), rel=1e-9)
    assert TabularRegressor(**FAST).fit(X, y).quantiles_ is None
