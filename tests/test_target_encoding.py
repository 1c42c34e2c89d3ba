"""Target encoding of many-level categorical columns: its maths, its cross-fitting,
the preprocessor's contract and what the tabular estimators make of it.

One thread is enough: nothing here is timed.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from skbp import TabularClassifier, TabularPreprocessor, TabularRegressor
from skbp import _target_encoding as encoding


def shrunk_standardized(values, weights, targets_all, weights_all):
    """The encoding of one category written from its definition, row by row."""
    prior = np.sum(weights_all * targets_all) / np.sum(weights_all)
    tau2 = np.sum(weights_all * (targets_all - prior) ** 2) / np.sum(weights_all)
    n = np.sum(weights)
    if n == 0:
        return 0.0
    mean = np.sum(weights * values) / n
    sigma2 = np.sum(weights * (values - mean) ** 2) / n
    lam = n * tau2 / (n * tau2 + sigma2)
    return (lam * mean + (1 - lam) * prior - prior) / np.sqrt(tau2)


def sample(n=300, n_categories=12, seed=0):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, n_categories, n)
    effect = rng.normal(size=n_categories)
    y = effect[codes] + rng.normal(size=n)
    weights = rng.uniform(0.2, 3.0, n)
    return codes, y, weights


def test_each_category_is_its_shrunk_mean_standardized():
    codes, y, weights = sample()
    targets = y[:, None]
    prior, variance = encoding.target_moments(targets, weights)
    table = encoding.category_encodings(codes, 13, targets, weights, prior, variance)
    for c in range(12):
        at = codes == c
        expected = shrunk_standardized(y[at], weights[at], y, weights)
        assert table[c, 0] == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert table[12, 0] == 0.0  # a category without rows is the prior


def test_a_weight_of_two_is_a_repeated_row():
    codes, y, weights = sample(n=80)
    whole = np.round(weights * 2).astype(int) + 0
    repeated = np.repeat(np.arange(80), whole)
    ones = np.ones(len(repeated))
    moments = encoding.target_moments(y[:, None], whole)
    weighted = encoding.category_encodings(codes, 12, y[:, None], whole.astype(float), *moments)
    rows = encoding.category_encodings(
        codes[repeated],
        12,
        y[repeated, None],
        ones,
        *encoding.target_moments(y[repeated, None], ones),
    )
    np.testing.assert_allclose(weighted, rows, rtol=1e-12, atol=1e-14)


def test_shrinkage_follows_size_and_noise():
    """A large consistent category keeps its mean; one noisy row keeps little of it."""
    y = np.r_[np.full(200, 1.0), np.zeros(200), [5.0, -5.0]]
    codes = np.r_[np.zeros(200, int), np.ones(200, int), [2, 2]]
    weights = np.ones(len(y))
    prior, variance = encoding.target_moments(y[:, None], weights)
    table = encoding.category_encodings(codes, 3, y[:, None], weights, prior, variance)
    assert table[0, 0] == pytest.approx((1.0 - prior[0]) / np.sqrt(variance[0]))
    # category 2: mean 0 (= the prior's neighbourhood), within variance 25 >> tau2
    lam = 2 * variance[0] / (2 * variance[0] + 25.0)
    assert table[2, 0] == pytest.approx(lam * (0.0 - prior[0]) / np.sqrt(variance[0]))


def test_cross_fitted_rows_never_see_their_own_target():
    codes, y, weights = sample()
    targets = y[:, None]
    moments = encoding.target_moments(targets, weights)
    fold = encoding.folds(len(y), np.random.RandomState(0))
    assert np.bincount(fold).tolist() == [60] * 5
    encoded = encoding.cross_fitted_encodings(codes, 12, targets, weights, *moments, fold)
    for k in range(5):
        others = fold != k
        table = encoding.category_encodings(
            codes[others], 12, targets[others], weights[others], *moments
        )
        np.testing.assert_allclose(encoded[fold == k], table[codes[fold == k]], rtol=1e-12)
    changed = y.copy()
    changed[7] += 100.0  # row 7's own target cannot move its encoding
    again = encoding.cross_fitted_encodings(codes, 12, changed[:, None], weights, *moments, fold)
    assert again[7, 0] == encoded[7, 0]
    assert not np.allclose(again, encoded)


@pytest.mark.parametrize(
    ("y", "expected"),
    [
        (np.array(["b", "a", "b"]), [[1.0], [0.0], [1.0]]),
        (np.array([2, 0, 1]), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]),
        (np.array([0.5, 2.0, 1.0]), [[0.5], [2.0], [1.0]]),
        (np.array([[1, 0], [0, 1], [1, 1]]), [[1, 0], [0, 1], [1, 1]]),
    ],
    ids=["binary", "multiclass", "continuous", "multilabel"],
)
def test_targets_become_numbers_one_column_each(y, expected):
    np.testing.assert_array_equal(encoding.indicator_targets(y), np.asarray(expected, float))


def frame(n=400, levels=40, seed=0):
    rng = np.random.default_rng(seed)
    shop = rng.integers(0, levels, n)
    effect = np.linspace(-2, 2, levels)[rng.permutation(levels)]
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "shop": pd.Series([f"s{s}" for s in shop]).where(np.arange(n) % 17 != 0),
            "size": rng.choice(["S", "M", "L"], n),
        }
    )
    score = effect[shop] + 0.3 * X["x"].to_numpy() + 0.5 * rng.normal(size=n)
    return X, score


def test_the_preprocessor_pools_unless_asked_and_then_needs_y():
    X, score = frame()
    pooled = TabularPreprocessor().fit(X, score)
    assert pooled.target_columns_ == []
    assert "shop=__other__" in pooled.get_feature_names_out()
    with pytest.raises(ValueError, match=r"target_encoding=True .* pass y"):
        TabularPreprocessor(target_encoding=True).fit(X)
    prep = TabularPreprocessor(target_encoding=True).fit(X, score)
    assert prep.target_columns_ == ["shop"]
    assert prep.categorical_columns_ == ["size"]
    assert list(prep.get_feature_names_out())[-4:] == [
        "size=L",
        "size=M",
        "size=S",
        "shop__target",
    ]
    assert None in prep.target_categories_[0]  # missing is a category of its own
    few = TabularPreprocessor(target_encoding=True, max_categories=50).fit(X, score)
    assert few.target_columns_ == []  # 41 categories fit in 50 one-hot columns


def test_a_target_the_encoding_cannot_average_is_refused_by_name():
    X, score = frame()
    with pytest.raises(ValueError, match="NaN or infinity"):
        TabularPreprocessor(target_encoding=True).fit(X, np.where(score > 1, np.nan, score))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        TabularPreprocessor(target_encoding=True).fit(X, score[:-1])
    prep = TabularPreprocessor(target_encoding=True)
    with pytest.raises(ValueError, match="NaN or infinity"):
        prep.fit(X, np.where(score > 1, np.inf, score))
    assert not hasattr(prep, "median_")  # a failed fit leaves nothing behind


def test_transform_looks_up_the_table_and_fit_transform_cross_fits():
    X, score = frame()
    prep = TabularPreprocessor(target_encoding=True, random_state=0)
    crossed = prep.fit_transform(X, score)
    plain = prep.transform(X)
    np.testing.assert_array_equal(crossed[:, :-1], plain[:, :-1])
    assert not np.allclose(crossed[:, -1], plain[:, -1])
    position = {c: i for i, c in enumerate(prep.target_categories_[0])}
    labels = [None if pd.isna(v) else v for v in X["shop"]]
    expected = prep.target_encodings_[0][[position[v] for v in labels], 0]
    np.testing.assert_array_equal(plain[:, -1], expected)
    new = pd.DataFrame({"x": [0.0], "shop": ["never seen"], "size": ["S"]})
    assert prep.transform(new)[0, -1] == 0.0
    again = TabularPreprocessor(target_encoding=True, random_state=0).fit_transform(X, score)
    np.testing.assert_array_equal(again, crossed)


def test_rows_of_weight_zero_add_no_category_and_no_evidence():
    X, score = frame()
    weights = np.ones(len(X))
    weights[:5] = 0.0
    X = X.assign(shop=X["shop"].where(np.arange(len(X)) >= 5, "ghost"))
    prep = TabularPreprocessor(target_encoding=True).fit(X, score, sample_weight=weights)
    assert "ghost" not in prep.target_categories_[0]
    kept = TabularPreprocessor(target_encoding=True).fit(X[5:], score[5:])
    np.testing.assert_allclose(prep.target_encodings_[0], kept.target_encodings_[0])


def test_class_labels_give_one_column_per_class():
    X, score = frame()
    y = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3])).astype(str)
    prep = TabularPreprocessor(target_encoding=True).fit(X, y)
    names = list(prep.get_feature_names_out())
    assert names[-3:] == ["shop__target0", "shop__target1", "shop__target2"]
    assert prep.target_mean_ == pytest.approx(np.bincount(y.astype(int)) / len(y))


def fit_quietly(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def test_target_encoding_beats_pooling_when_the_levels_carry_the_signal():
    """40 shops with distinct effects: 19 one-hot columns and "other" lose most of them."""
    X, score = frame(n=1200)
    train, test = slice(0, 800), slice(800, None)
    scores = {}
    for on in (False, True):
        model = TabularRegressor(target_encoding=on, max_iter=60, random_state=0)
        fit_quietly(model, X[train], score[train])
        scores[on] = model.score(X[test], score[test])
    assert scores[True] > scores[False] + 0.1, scores


def test_the_classifier_encodes_its_classes_and_keeps_its_predictions_in_reach():
    X, score = frame(n=600)
    y = np.where(score > 0, "up", "down")
    model = fit_quietly(TabularClassifier(max_iter=30, random_state=0), X, y)
    assert model.preprocessor_.target_columns_ == ["shop"]
    assert model.preprocessor_.target_mean_ == pytest.approx([np.mean(y == "up")])
    assert model.score(X, y) > np.mean(y == pd.Series(y).mode()[0])
    again = fit_quietly(TabularClassifier(max_iter=30, random_state=0), X, y)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
