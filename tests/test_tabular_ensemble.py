"""The tabular estimators' cross-fitted members (``cv``) and the classifier's temperature."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import softmax
from sklearn.datasets import make_classification
from sklearn.model_selection import KFold
from test_tabular import FAST, labels_for, mixed_frame, target_for

from skbp import TabularClassifier, TabularRegressor
from skbp._core.calibration import LOG_T_BOUND, error_and_derivative
from skbp._labels import one_hot


def data_for(Estimator, n=90, seed=0):
    X = mixed_frame(n=n, seed=seed)
    y = labels_for(X, seed) if Estimator is TabularClassifier else target_for(X, seed)
    return X, y


def validated_rows(est, X, y):
    """Each member's validation rows, recorded by a scorer on a refit."""
    seen = []

    def scorer(estimator, X_val, y_val):
        seen.append(tuple(X_val.index))
        return estimator.score(X_val, y_val)  # the default score: the fit is the usual one

    est.set_params(scoring=scorer).fit(X, y)
    folds = list(dict.fromkeys(seen))  # one entry per member: its rows, every epoch
    return [np.array(rows) for rows in folds]


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_each_row_validates_exactly_one_member(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST)
    folds = validated_rows(est, X, y)
    assert len(folds) == len(est.networks_) == 3
    assert sorted(np.concatenate(folds)) == list(X.index)
    assert [len(f) for f in folds] == [30, 30, 30]
    # The members differ: different rows and different initial weights.
    first, second = (m.coefs_[0] for m in est.networks_[:2])
    assert not np.allclose(first, second)


def test_folds_from_a_splitter_or_given_as_index_pairs():
    X, y = data_for(TabularRegressor, n=60)
    splitter = KFold(4)  # unshuffled: the folds are consecutive rows
    folds = validated_rows(TabularRegressor(**FAST, cv=splitter), X, y)
    assert [list(f) for f in folds] == [list(range(i, i + 15)) for i in (0, 15, 30, 45)]
    pairs = [(np.arange(20, 60), np.arange(20)), (np.arange(40), np.arange(40, 60))]
    est = TabularRegressor(**FAST, cv=pairs)
    folds = validated_rows(est, X, y)
    assert [list(f) for f in folds] == [list(range(20)), list(range(40, 60))]
    assert len(est.networks_) == 2


def test_folds_are_stratified_by_class():
    X, y = data_for(TabularClassifier, n=99)
    folds = validated_rows(TabularClassifier(**dict(FAST, max_iter=1)), X, y)
    n_yes = np.sum(y == "yes")
    for rows in folds:
        assert np.sum(y[rows] == "yes") in (np.floor(n_yes / 3), np.ceil(n_yes / 3))


def test_regressor_predicts_the_mean_of_its_members():
    X, y = data_for(TabularRegressor)
    est = TabularRegressor(**FAST).fit(X, y)
    inputs = est.preprocessor_.transform(X).astype(np.float32)
    members = np.mean([m.predict(inputs) for m in est.networks_], axis=0)
    expected = members * est.target_scale_ + est.target_mean_
    np.testing.assert_allclose(est.predict(X), expected, rtol=1e-5, atol=1e-6)


def test_classifier_averages_its_members_probabilities_at_the_temperature():
    X, y = data_for(TabularClassifier)
    X_multi, y_multi = X, np.where(X["int"] < 15, "low", np.where(X["int"] < 35, "mid", "high"))
    for labels in (y, y_multi):
        est = TabularClassifier(**FAST).fit(X_multi, labels)
        inputs = est.preprocessor_.transform(X).astype(np.float32)
        logits = [m.decision_function(inputs) for m in est.networks_]
        if logits[0].ndim == 1:  # binary: the log-odds of classes_[1]
            logits = [np.column_stack([np.zeros_like(z), z]) for z in logits]
        proba = np.mean([softmax(z / est.temperature_, axis=1) for z in logits], axis=0)
        np.testing.assert_allclose(est.predict_proba(X), proba, rtol=1e-4, atol=1e-6)
        assert (est.predict(X) == est.classes_[np.argmax(proba, axis=1)]).all()


def test_temperature_minimises_the_log_loss_of_the_rows_each_member_held_out():
    features, labels = make_classification(300, 6, flip_y=0.2, random_state=0)
    X, y = pd.DataFrame(features).add_prefix("x"), np.array(["no", "yes"])[labels]
    est = TabularClassifier(**dict(FAST, max_iter=20))
    folds = validated_rows(est, X, y)
    z = np.concatenate(
        [
            m.decision_function(est.preprocessor_.transform(X.loc[rows]).astype(np.float32))
            for m, rows in zip(est.networks_, folds, strict=True)
        ]
    )[:, None]
    Y = one_hot(np.concatenate([y[rows] for rows in folds]), "binary", est.classes_, float)
    loss = est.networks_[0]._network._loss
    assert np.exp(-LOG_T_BOUND) < est.temperature_ < np.exp(LOG_T_BOUND)
    slope = error_and_derivative(loss, Y, z, np.log(est.temperature_))[1]
    assert slope == pytest.approx(0.0, abs=1e-6)
    slope_at_one = error_and_derivative(loss, Y, z, 0.0)[1]
    assert abs(slope_at_one) > 1e-3


def test_calibration_changes_probabilities_never_labels():
    X, y = data_for(TabularClassifier)
    calibrated = TabularClassifier(**FAST).fit(X, y)
    raw = TabularClassifier(**FAST, calibration=None).fit(X, y)
    assert raw.temperature_ == 1.0
    assert (calibrated.predict(X) == raw.predict(X)).all()
    assert not np.allclose(calibrated.predict_proba(X), raw.predict_proba(X))


def test_one_network_without_a_fold_to_validate_on():
    X, y = data_for(TabularClassifier)
    no_stopping = TabularClassifier(**FAST, early_stopping=False).fit(X, y)
    assert len(no_stopping.networks_) == 1
    assert no_stopping.temperature_ == 1.0  # no held-out rows to fit it on
    assert no_stopping.network_ is no_stopping.networks_[0]
    given = TabularClassifier(**FAST).fit(X[:60], y[:60], X_val=X[60:], y_val=y[60:])
    assert len(given.networks_) == 1
    assert given.temperature_ != 1.0  # fitted on X_val
    single = TabularClassifier(**FAST, cv=None).fit(X, y)
    assert len(single.networks_) == 1
    assert len(single.network_.coefs_) == 2  # one network: its weights are the estimator's


def test_too_few_rows_for_the_folds_says_what_to_do():
    X, y = data_for(TabularRegressor, n=7)
    with pytest.raises(ValueError, match=r"cv=4 .* n_samples=7: too few .* Set cv=None"):
        TabularRegressor(**FAST, cv=4).fit(X, y)


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_warm_start_continues_every_member(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**dict(FAST, max_iter=3), warm_start=True).fit(X, y)
    curves = [list(m.loss_curve_) for m in est.networks_]
    est.fit(X, y)
    assert len(est.networks_) == 3
    for member, curve in zip(est.networks_, curves, strict=True):
        assert len(member.loss_curve_) == 6  # each went on from its own record
        assert member.loss_curve_[:3] == curve
        assert member.n_iter_ == 3


def test_a_class_too_rare_for_the_folds_trains_one_network():
    X, y = data_for(TabularClassifier, n=60)
    y = np.where(np.arange(60) < 2, "rare", y)  # 2 rows: not always in two training parts
    counts = []
    for seed in range(12):  # both rows fall in one fold for about a third of the draws
        est = TabularClassifier(**dict(FAST, max_iter=1, random_state=seed)).fit(X, y)
        assert all(set(m.classes_) == set(est.classes_) for m in est.networks_)
        counts.append(len(est.networks_))
    assert set(counts) == {1, 3}
    pairs = [(np.arange(30, 60), np.arange(30)), (np.arange(30), np.arange(30, 60))]
    with pytest.raises(ValueError, match="leave a class out of some network's training rows"):
        TabularClassifier(**FAST, cv=pairs).fit(X, y)
