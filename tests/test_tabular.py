"""The tabular estimators: their preprocessing, and a raw DataFrame in, predictions out."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from skbp import (
    BackpropClassifier,
    TabularClassifier,
    TabularPreprocessor,
    TabularRegressor,
)
from skbp._columns import piecewise_linear, smooth_clip, weighted_quantile, weighted_quantiles

# Small, fast networks; batch_size below the training rows (after the default
# 20 % hold-out) so that no batch-size warning is raised.
FAST = dict(hidden_layer_sizes=(16,), max_iter=5, batch_size=16, random_state=0)
# One full batch per epoch and nothing random but the initialisation: the
# settings under which weights and repeated rows make the same fit.
EXACT = dict(
    hidden_layer_sizes=(16,), max_iter=8, dropout=0.0, early_stopping=False, dtype="float64"
)


def mixed_frame(n=60, seed=0):
    """Every kind of column the preprocessor handles, with missing values."""
    rng = np.random.RandomState(seed)
    k = np.arange(n)
    return pd.DataFrame(
        {
            "float": np.where(k % 5 == 1, np.nan, rng.randn(n) * 10 + 3),
            "int": rng.randint(0, 50, n),
            "bool": k % 3 == 0,
            "nullable": pd.array(
                [None if i % 7 == 2 else int(v) for i, v in enumerate(rng.randint(-20, 20, n))],
                dtype="Int64",
            ),
            "text": pd.Series(
                [None if i % 6 == 0 else "abc"[v] for i, v in enumerate(rng.randint(0, 3, n))],
                dtype=object,
            ),
            "cat": pd.Categorical(
                [np.nan if i % 8 == 3 else "xyz"[v] for i, v in enumerate(rng.randint(0, 3, n))]
            ),
            "numeric_object": pd.Series(
                [
                    None if i % 9 == 4 else (float(v) if i % 2 else str(v))
                    for i, v in enumerate(rng.uniform(0, 100, n).round(2))
                ],
                dtype=object,
            ),
        }
    )


NUMERIC = ["float", "int", "bool", "nullable", "numeric_object"]
CATEGORICAL = ["text", "cat"]


def labels_for(X, seed=0):
    rng = np.random.RandomState(seed)
    signal = X["int"].to_numpy() + 20 * (X["text"] == "a").to_numpy()
    return np.where(signal + rng.randn(len(X)) * 5 > 35, "yes", "no")


def target_for(X, seed=0):
    rng = np.random.RandomState(seed)
    return X["int"].to_numpy() * 2.0 + 10 * (X["cat"] == "x").to_numpy() + rng.randn(len(X))


def numbers(frame):
    """The numeric columns as floats, computed here, independently of the package."""
    return np.column_stack(
        [pd.to_numeric(frame[c].astype(object), errors="coerce").astype(float) for c in NUMERIC]
    )


def filled(frame):
    """The numeric columns with missing values replaced by numpy's column medians."""
    values = numbers(frame)
    return np.where(np.isnan(values), np.nanmedian(values, axis=0), values)


# -- smooth_clip -------------------------------------------------------------


def test_smooth_clip_is_the_identity_near_zero_and_bounded_by_c():
    c = 3.0
    x = np.array([1e-8, -1e-6, 1e-3, 0.01, -0.05])
    relative = np.abs(smooth_clip(x, c) - x) / np.abs(x)
    assert (relative < (x / c) ** 2).all()
    assert smooth_clip(np.array([0.0]), c)[0] == 0

    grid = np.linspace(-1e4, 1e4, 20001)
    out = smooth_clip(grid, c)
    assert (np.diff(out) >= 0).all()
    assert (np.diff(smooth_clip(np.linspace(-30, 30, 601), c)) > 0).all()
    assert (np.abs(out) <= c).all()
    np.testing.assert_array_equal(smooth_clip(-grid, c), -out)

    with np.errstate(all="raise"):
        huge = smooth_clip(np.array([1e300, -1e300, 1e200]), c)
    np.testing.assert_allclose(huge, [c, -c, c], rtol=1e-12)

    moderate = np.array([-7.5, -2.0, -0.3, 0.4, 1.0, 3.0, 12.0])
    np.testing.assert_allclose(
        smooth_clip(moderate, c), moderate / np.sqrt(1 + (moderate / c) ** 2), rtol=1e-12
    )
    np.testing.assert_allclose(smooth_clip(moderate, 0.5), moderate / np.sqrt(1 + 4 * moderate**2))


# -- weighted_quantile -------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 10, 101, 250])
def test_weighted_quantile_with_unit_weights_is_numpys(n):
    values = np.random.RandomState(n).standard_normal(n)
    ones = np.ones(n)
    np.testing.assert_allclose(weighted_quantile(values, ones, 0.5), np.median(values))
    for q in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0):
        expected = np.quantile(values, q, method="averaged_inverted_cdf")
        np.testing.assert_allclose(weighted_quantile(values, ones, q), expected, err_msg=f"{q=}")


def test_weighted_quantile_ignores_nan():
    rng = np.random.RandomState(1)
    values = rng.standard_normal(40)
    with_nan = np.insert(values, [0, 5, 5, 40], np.nan)
    for q in (0.25, 0.5, 0.75):
        assert weighted_quantile(with_nan, np.ones(44), q) == weighted_quantile(
            values, np.ones(40), q
        )
    np.testing.assert_allclose(weighted_quantile(with_nan, np.ones(44), 0.5), np.median(values))


@pytest.mark.parametrize("seed", range(5))
def test_weighted_quantile_integer_weights_are_repeats(seed):
    rng = np.random.RandomState(seed)
    n = rng.randint(3, 40)
    values = rng.standard_normal(n)
    weights = rng.randint(0, 5, n).astype(float)
    weights[0] = 1  # at least one row counts
    repeated = np.repeat(values, weights.astype(int))
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        expected = np.quantile(repeated, q, method="averaged_inverted_cdf")
        assert weighted_quantile(values, weights, q) == pytest.approx(expected), q


# np.isclose(cumulative[i], target) (skbp/_preprocess.py:48) has an absolute
# tolerance of 1e-8 and a relative one of 1e-5: with more than ~1e5 rows, or
# weights summing to less than ~1e-7, it takes values that are not a tie for one.
@pytest.mark.parametrize("seed", range(3))
def test_weighted_quantiles_are_numpys_averaged_inverted_cdf_of_the_repeats(seed):
    rng = np.random.RandomState(seed)
    values = rng.randint(0, 6, 40).astype(float)  # ties, so some q fall between two values
    values[rng.rand(40) < 0.1] = np.nan
    weights = rng.randint(0, 3, 40)
    qs = np.linspace(0.0, 1.0, 17)
    present = ~np.isnan(values)
    repeats = np.repeat(values[present], weights[present])
    expected = np.quantile(repeats, qs, method="averaged_inverted_cdf")
    np.testing.assert_array_equal(weighted_quantiles(values, weights.astype(float), qs), expected)


def test_weighted_quantile_is_numpys_median_for_a_large_odd_sample():
    values = np.random.RandomState(0).standard_normal(100_001)
    assert weighted_quantile(values, np.ones(values.size), 0.5) == np.median(values)


def test_weighted_quantile_does_not_depend_on_the_scale_of_the_weights():
    values = np.array([1.0, 2.0, 3.0])
    for scale in (1.0, 1e-9):
        assert weighted_quantile(values, np.full(3, scale), 0.5) == 2.0, scale
    # Large integer weights are repeats as small ones are: the median of
    # 100_000 ones, one 2 and 100_000 threes is 2.
    assert weighted_quantile(values, np.array([1e5, 1.0, 1e5]), 0.5) == 2.0


# -- TabularPreprocessor -----------------------------------------------------


def test_preprocessor_column_kinds_and_output_layout():
    X = mixed_frame()
    pre = TabularPreprocessor().fit(X)
    assert pre.numeric_columns_ == NUMERIC
    assert pre.categorical_columns_ == CATEGORICAL
    Xt = pre.transform(X)
    assert Xt.dtype == np.float64
    assert np.isfinite(Xt).all()

    had_missing = [i for i, c in enumerate(NUMERIC) if X[c].isna().any()]
    np.testing.assert_array_equal(pre.missing_columns_, had_missing)
    n_num, n_ind = len(NUMERIC), len(had_missing)
    indicators = Xt[:, n_num : n_num + n_ind]
    expected = np.column_stack([X[NUMERIC[i]].isna().to_numpy() for i in had_missing])
    np.testing.assert_array_equal(indicators, expected.astype(float))

    onehot = Xt[:, n_num + n_ind :]
    assert set(np.unique(onehot)) <= {0.0, 1.0}
    start = 0
    for column, (categories, other) in zip(CATEGORICAL, pre.categories_, strict=True):
        assert not other  # fewer categories than max_categories
        # Missing values are a category of their own.
        assert sum(category is None for category in categories) == 1
        block = onehot[:, start : start + len(categories)]
        np.testing.assert_array_equal(block.sum(axis=1), 1.0)
        missing_slot = categories.index(None)
        np.testing.assert_array_equal(block[:, missing_slot], X[column].isna().to_numpy())
        start += len(categories)
    assert start == onehot.shape[1]


def test_preprocessor_robust_scaling_is_numpys_median_and_iqr():
    X = mixed_frame(n=80)
    pre = TabularPreprocessor(clip=None).fit(X)
    values = filled(X)
    np.testing.assert_allclose(pre.median_, np.nanmedian(numbers(X), axis=0))
    center = np.median(values, axis=0)
    q25, q75 = np.quantile(values, [0.25, 0.75], axis=0, method="averaged_inverted_cdf")
    iqr = q75 - q25
    scale = np.where(iqr > 0, iqr, values.std(axis=0))
    np.testing.assert_allclose(pre.center_, center)
    np.testing.assert_allclose(pre.scale_, scale)

    Xt = pre.transform(X)[:, : len(NUMERIC)]
    np.testing.assert_allclose(Xt, (values - center) / scale, atol=1e-12)
    # The median maps to 0, the quartiles to -+(distance to the median) / IQR.
    np.testing.assert_allclose(np.median(Xt, axis=0), 0, atol=1e-12)
    spread = np.quantile(Xt, [0.25, 0.75], axis=0, method="averaged_inverted_cdf")
    np.testing.assert_allclose(spread[1] - spread[0], iqr / scale)

    clipped = TabularPreprocessor(clip=2.0).fit(X).transform(X)[:, : len(NUMERIC)]
    np.testing.assert_allclose(clipped, smooth_clip(Xt, 2.0), atol=1e-12)
    assert np.abs(clipped).max() < 2.0


# scaling=None is documented as "not at all", but fit still sets center_ to
# the medians (skbp/_preprocess.py:114), so transform subtracts them.
def test_preprocessor_scaling_and_clip_off_leave_the_numbers_alone():
    X = mixed_frame()
    pre = TabularPreprocessor(scaling=None, clip=None).fit(X)
    np.testing.assert_array_equal(pre.scale_, 1.0)
    raw = pre.transform(X)
    # Only the imputation: the numbers themselves, missing ones as the median.
    np.testing.assert_array_equal(raw[:, : len(NUMERIC)], filled(X))


def test_preprocessor_standard_scaling():
    X = mixed_frame()
    values = filled(X)
    standard = TabularPreprocessor(scaling="standard", clip=None).fit(X)
    np.testing.assert_allclose(standard.center_, values.mean(axis=0))
    np.testing.assert_allclose(standard.scale_, values.std(axis=0))
    Xt = standard.transform(X)[:, : len(NUMERIC)]
    np.testing.assert_allclose(Xt.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Xt.std(axis=0), 1)


def test_preprocessor_unseen_categories_do_not_fail():
    X = mixed_frame()
    pre = TabularPreprocessor(max_categories=2).fit(X)  # more categories: an "other" column
    new = X.iloc[:4].copy()
    new["text"] = ["never", "seen", None, "a"]
    new["cat"] = new["cat"].cat.add_categories(["new"])
    new.loc[new.index[0], "cat"] = "new"
    Xt = pre.transform(new)
    assert np.isfinite(Xt).all()
    widths = [len(kept) + other for kept, other in pre.categories_]
    assert all(other for _, other in pre.categories_)
    onehot = Xt[:, Xt.shape[1] - sum(widths) :]
    text = CATEGORICAL.index("text")
    start = sum(widths[:text])
    text_block = onehot[:, start : start + widths[text]]
    np.testing.assert_array_equal(text_block.sum(axis=1), 1.0)
    np.testing.assert_array_equal(text_block[:2, -1], 1.0)  # the unseen ones go to "other"
    cat = CATEGORICAL.index("cat")
    assert onehot[0, sum(widths[: cat + 1]) - 1] == 1.0

    # With no "other" column, unseen categories get no column: all zeros.
    wide = TabularPreprocessor().fit(X)
    assert np.isfinite(wide.transform(new)).all()


def test_preprocessor_handles_pandas_string_dtype_with_missing_values():
    """The docstring names pandas "string" columns; pd.NA in one is a missing category."""
    X = mixed_frame()
    X["text"] = X["text"].astype("string")  # None becomes pd.NA
    Xt = TabularPreprocessor().fit(X).transform(X)
    expected = TabularPreprocessor().fit(mixed_frame()).transform(mixed_frame())
    np.testing.assert_array_equal(Xt, expected)


def test_preprocessor_weights_equal_repeated_rows():
    X = mixed_frame(n=50)
    weights = np.random.RandomState(3).randint(1, 4, len(X))
    repeated = X.loc[X.index.repeat(weights)].reset_index(drop=True)
    for scaling in ("robust", "standard"):
        weighted = TabularPreprocessor(scaling=scaling).fit(X, sample_weight=weights)
        plain = TabularPreprocessor(scaling=scaling).fit(repeated)
        for name in ("median_", "center_", "scale_"):
            np.testing.assert_allclose(getattr(weighted, name), getattr(plain, name))
        np.testing.assert_array_equal(weighted.missing_columns_, plain.missing_columns_)
        np.testing.assert_allclose(weighted.transform(X), plain.transform(X), atol=1e-12)


# TabularPreprocessor.fit weights the numeric statistics, but fits the
# OneHotEncoder (skbp/_preprocess.py:104) on the rows unweighted: which
# categories are infrequent, and which exist at all, ignores sample_weight.
def test_preprocessor_weights_decide_which_categories_are_infrequent():
    X = pd.DataFrame({"s": ["a"] * 5 + ["b"] * 3 + ["c"] * 2})
    weights = np.array([1] * 8 + [4] * 2)  # 'c' weighs 8: the most frequent
    weighted = TabularPreprocessor(max_categories=2).fit(X, sample_weight=weights)
    repeated = TabularPreprocessor(max_categories=2).fit(X.loc[X.index.repeat(weights)])
    np.testing.assert_array_equal(weighted.transform(X), repeated.transform(X))


def test_preprocessor_zero_weights_equal_removed_rows():
    X = mixed_frame(n=40)
    X.loc[X.index[-2:], "text"] = "only_in_zero_weight_rows"
    X.loc[X.index[-3:], "int"] = 10**6
    weights = np.ones(len(X))
    weights[-3:] = 0
    weighted = TabularPreprocessor().fit(X, sample_weight=weights)
    removed = TabularPreprocessor().fit(X.iloc[:-3])
    np.testing.assert_allclose(weighted.center_, removed.center_)
    np.testing.assert_allclose(weighted.scale_, removed.scale_)
    np.testing.assert_array_equal(weighted.transform(X.iloc[:-3]), removed.transform(X.iloc[:-3]))


def test_preprocessor_and_estimators_leave_the_input_alone():
    X = mixed_frame()
    before = X.copy(deep=True)
    TabularPreprocessor().fit(X, sample_weight=np.ones(len(X))).transform(X)
    clf = TabularClassifier(**FAST).fit(X, labels_for(X))
    clf.predict_proba(X)
    reg = TabularRegressor(**FAST).fit(X, target_for(X), X_val=X, y_val=target_for(X))
    reg.predict(X)
    pd.testing.assert_frame_equal(X, before)


# -- the estimators on raw tables --------------------------------------------


def test_classifier_fits_a_raw_dataframe():
    X = mixed_frame()
    y = labels_for(X)
    clf = TabularClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)
    assert clf.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    pred = clf.predict(X)
    assert pred.shape == (len(X),)
    assert set(pred) <= {"no", "yes"}
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    assert 0 <= clf.score(X, y) <= 1
    assert clf.n_iter_ == clf.network_.n_iter_
    assert len(clf.loss_curve_) == clf.n_iter_

    categorical = pd.Series(pd.Categorical(y, categories=["yes", "no"]))
    clf = TabularClassifier(**FAST).fit(X, categorical)
    assert set(clf.classes_) == {"no", "yes"}
    assert set(clf.predict(X)) <= {"no", "yes"}


def test_regressor_fits_a_raw_dataframe():
    X = mixed_frame()
    y = target_for(X)
    reg = TabularRegressor(**FAST).fit(X, y)
    np.testing.assert_array_equal(reg.feature_names_in_, X.columns)
    assert reg.n_features_in_ == X.shape[1]
    pred = reg.predict(X)
    assert pred.shape == (len(X),)
    assert np.isfinite(pred).all()
    # Two targets: predictions keep the shape of y.
    two = TabularRegressor(**FAST).fit(X, np.column_stack([y, -y]))
    assert two.predict(X).shape == (len(X), 2)
    assert two.target_mean_.shape == (2,)


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_other_columns_raise_a_clear_error(Estimator):
    X = mixed_frame()
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    est = Estimator(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="feature names"):
        est.predict(X.rename(columns={"int": "integer"}))
    with pytest.raises(ValueError, match="feature names"):
        est.predict(X[X.columns[::-1]])
    with pytest.raises(ValueError, match="feature names"):
        est.predict(X.drop(columns="bool"))


# The feature-name warning is followed by a KeyError: the preprocessor's
# transform names an array's columns by position (skbp/_preprocess.py:159)
# and then selects the columns by the names seen in fit.
@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
@pytest.mark.parametrize("numeric_only", [True, False])
def test_predicting_on_an_array_after_a_dataframe_fit_warns(Estimator, numeric_only):
    X = mixed_frame()
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    if numeric_only:
        X = X[["float", "int"]].astype(float)
    est = Estimator(**FAST).fit(X, y)
    expected = est.predict(X)
    with pytest.warns(UserWarning, match="feature names"):
        pred = est.predict(X.to_numpy())
    np.testing.assert_array_equal(pred, expected)


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_predicting_on_a_dataframe_after_an_array_fit_warns(Estimator):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((50, 3))
    y = np.where(X[:, 0] > 0, 1, 0) if Estimator is TabularClassifier else X[:, 0]
    est = Estimator(**FAST).fit(X, y)
    with pytest.warns(UserWarning, match="feature names"):
        pred = est.predict(pd.DataFrame(X, columns=["a", "b", "c"]))
    np.testing.assert_array_equal(pred, est.predict(X))


def test_plain_arrays_and_lists_work():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((50, 3))
    X[::7, 1] = np.nan  # NaN is allowed in arrays too
    y = (np.nan_to_num(X[:, 0]) > 0).astype(int)
    clf = TabularClassifier(**FAST).fit(X, y)
    assert not hasattr(clf, "feature_names_in_")
    assert clf.n_features_in_ == 3
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    np.testing.assert_array_equal(clf.predict(X.tolist()), clf.predict(X))
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1)

    reg = TabularRegressor(**FAST).fit(X.tolist(), y.astype(float).tolist())
    np.testing.assert_array_equal(reg.predict(X.tolist()), reg.predict(X))
    assert reg.predict(X).shape == (50,)
    with pytest.raises(ValueError, match="features"):
        reg.predict(X[:, :2])


# -- scikit-learn's tooling ---------------------------------------------------


def test_pipeline_gridsearch_and_cross_validation():
    X = mixed_frame(n=90)
    y = labels_for(X)
    pipe = Pipeline([("identity", FunctionTransformer()), ("model", TabularClassifier(**FAST))])
    pipe.fit(X, y)
    assert set(pipe.predict(X)) <= {"no", "yes"}
    grid = GridSearchCV(
        pipe, {"model__hidden_layer_sizes": [(4,), (16,)]}, cv=3, error_score="raise"
    ).fit(X, y)
    assert grid.best_params_["model__hidden_layer_sizes"] in [(4,), (16,)]
    assert len(grid.cv_results_["mean_test_score"]) == 2
    scores = cross_val_score(TabularRegressor(**FAST), X, target_for(X), cv=3)
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_clone_and_pickle(Estimator):
    X = mixed_frame()
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    est = Estimator(**FAST, clip=2.0, max_categories=5).fit(X, y)
    fresh = clone(est)
    assert fresh.get_params() == est.get_params()
    assert not hasattr(fresh, "network_")
    assert not hasattr(fresh, "preprocessor_")
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    # The clone, refitted with the same seed, is the same model.
    np.testing.assert_allclose(fresh.fit(X, y).networks_[0].coefs_[0], est.networks_[0].coefs_[0])


# -- sample and class weights ------------------------------------------------


def weighted_and_repeated(Estimator, X, y, weights, **params):
    n, n_repeated = len(X), int(weights.sum())
    weighted = Estimator(**EXACT, **params, batch_size=n, random_state=0)
    weighted.fit(X, y, sample_weight=weights)
    rows = np.repeat(np.arange(n), weights.astype(int))
    repeated = Estimator(**EXACT, **params, batch_size=n_repeated, random_state=0)
    repeated.fit(X.iloc[rows], y[rows])
    return weighted, repeated


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_integer_weights_equal_repeated_rows(Estimator):
    X = mixed_frame(n=50)
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    weights = np.random.RandomState(1).randint(1, 4, len(X)).astype(float)
    weighted, repeated = weighted_and_repeated(Estimator, X, y, weights)
    method = "predict_proba" if Estimator is TabularClassifier else "predict"
    np.testing.assert_allclose(
        getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-7, atol=1e-12
    )
    # And the weights matter: unweighted is another fit.
    plain = Estimator(**EXACT, batch_size=len(X), random_state=0).fit(X, y)
    assert not np.allclose(getattr(plain, method)(X), getattr(weighted, method)(X))


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_zero_weights_equal_removed_rows(Estimator):
    X = mixed_frame(n=50)
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    weights = np.ones(len(X))
    weights[1::6] = 0  # their categories and classes appear in other rows too
    weighted, removed = weighted_and_repeated(Estimator, X, y, weights)
    method = "predict_proba" if Estimator is TabularClassifier else "predict"
    np.testing.assert_allclose(
        getattr(weighted, method)(X), getattr(removed, method)(X), rtol=1e-7, atol=1e-12
    )


def test_class_weights_are_accepted_and_change_the_fit():
    X = mixed_frame(n=80)
    y = labels_for(X)
    params = dict(**EXACT, batch_size=len(X), random_state=0)
    plain = TabularClassifier(**params).fit(X, y)
    for class_weight in ("balanced", {"no": 1.0, "yes": 5.0}):
        weighted = TabularClassifier(**params, class_weight=class_weight).fit(X, y)
        assert weighted.network_.class_weight == class_weight
        assert not np.allclose(weighted.predict_proba(X), plain.predict_proba(X))
    # A class weight pushes the probabilities towards its class.
    heavy = TabularClassifier(**params, class_weight={"no": 1.0, "yes": 20.0}).fit(X, y)
    yes = list(heavy.classes_).index("yes")
    assert heavy.predict_proba(X)[:, yes].mean() > plain.predict_proba(X)[:, yes].mean()


# -- float32 -----------------------------------------------------------------


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_float32_inputs_train_a_float32_network(Estimator):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((50, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int) if Estimator is TabularClassifier else X[:, 0] * 3
    for data in (X, pd.DataFrame(X, columns=["a", "b", "c"])):
        est = Estimator(**FAST).fit(data, y)
        assert est.networks_[0].coefs_[0].dtype == np.float32
        assert np.isfinite(est.predict(data)).all()
    # Other input: dtype decides, float32 by default.
    assert (
        Estimator(**FAST).fit(X.astype(np.float64), y).networks_[0].coefs_[0].dtype == np.float32
    )
    est = Estimator(**FAST, dtype="float64").fit(X.astype(np.float64), y)
    assert est.networks_[0].coefs_[0].dtype == np.float64
    # A frame with one float64 column is not all float32: float64 when asked for.
    mixed = pd.DataFrame(X, columns=["a", "b", "c"]).astype({"c": np.float64})
    est = Estimator(**FAST, dtype="float64").fit(mixed, y)
    assert est.networks_[0].coefs_[0].dtype == np.float64


# -- the regressor's target scaling -------------------------------------------


def test_target_scaling_makes_the_fit_affine_equivariant():
    X = mixed_frame()
    y = target_for(X)
    params = dict(**FAST, dropout=0.0, dtype="float64")  # float32 would round the two apart
    reg = TabularRegressor(**params).fit(X, y)
    shifted = TabularRegressor(**params).fit(X, 1000 * y + 5e4)
    np.testing.assert_allclose(reg.target_mean_, y.mean())
    np.testing.assert_allclose(reg.target_scale_, y.std())
    np.testing.assert_allclose(shifted.target_mean_, 1000 * y.mean() + 5e4)
    np.testing.assert_allclose(shifted.target_scale_, 1000 * y.std())
    np.testing.assert_allclose((shifted.predict(X) - 5e4) / 1000, reg.predict(X), rtol=1e-6)
    np.testing.assert_allclose(shifted.loss_curve_, reg.loss_curve_, rtol=1e-6)

    weights = np.random.RandomState(2).uniform(0.1, 3, len(y))
    weighted = TabularRegressor(**params).fit(X, y, sample_weight=weights)
    mean = np.average(y, weights=weights)
    np.testing.assert_allclose(weighted.target_mean_, mean)
    np.testing.assert_allclose(
        weighted.target_scale_, np.sqrt(np.average((y - mean) ** 2, weights=weights))
    )


def test_target_scaling_off_and_for_poisson():
    X = mixed_frame()
    y = target_for(X) + 100
    unscaled = TabularRegressor(**FAST, scale_target=False).fit(X, y)
    assert unscaled.target_mean_ == 0.0
    assert unscaled.target_scale_ == 1.0
    scaled = TabularRegressor(**FAST).fit(X, y)
    assert not np.allclose(unscaled.predict(X), scaled.predict(X))
    # A constant target: the scale falls back to 1, not 0.
    constant = TabularRegressor(**FAST).fit(X, np.full(len(X), 7.0))
    assert constant.target_scale_ == 1.0
    np.testing.assert_allclose(constant.predict(X), 7.0, atol=2.0)

    poisson = TabularRegressor(**FAST, loss="poisson").fit(X, np.abs(y))
    assert poisson.target_mean_ == 0.0
    assert poisson.target_scale_ == 1.0
    assert poisson.network_.out_activation_ == "exp"
    assert (poisson.predict(X) > 0).all()


# -- validation sets -----------------------------------------------------------


def test_raw_validation_set_for_the_classifier():
    X = mixed_frame(n=80)
    y = labels_for(X)
    X_val, y_val = mixed_frame(n=30, seed=1), labels_for(mixed_frame(n=30, seed=1), seed=1)
    clf = TabularClassifier(**FAST, early_stopping=False).fit(X, y, X_val=X_val, y_val=y_val)
    scores = clf.network_.validation_scores_
    assert len(scores) == clf.n_iter_ == 5
    # The score is the accuracy on X_val (the final network is the last epoch's).
    assert scores[-1] == pytest.approx(clf.score(X_val, y_val))
    with pytest.raises(ValueError, match="y_val"):
        TabularClassifier(**FAST).fit(X, y, X_val=X_val)


def test_raw_validation_set_for_the_regressor_is_on_the_standardised_scale():
    X = mixed_frame(n=80)
    y = 100 * target_for(X) + 1000
    X_val = mixed_frame(n=30, seed=1)
    y_val = 100 * target_for(X_val, seed=1) + 1000
    # float64: the comparisons below are tighter than float32's rounding.
    reg = TabularRegressor(**FAST, early_stopping=False, dtype="float64")
    reg.fit(X, y, X_val=X_val, y_val=y_val)
    net = reg.network_
    assert len(net.validation_scores_) == len(net.validation_loss_curve_) == 5
    # Scores are R², which the affine map leaves alone: the estimator's score.
    assert net.validation_scores_[-1] == pytest.approx(reg.score(X_val, y_val), rel=1e-9)
    # Losses are half the mean squared error of the standardised targets.
    residual = (reg.predict(X_val) - y_val) / reg.target_scale_
    assert net.validation_loss_curve_[-1] == pytest.approx(0.5 * np.mean(residual**2), rel=1e-6)
    assert net.validation_loss_curve_[-1] < 0.5 * np.mean((reg.predict(X_val) - y_val) ** 2)

    # Without a validation set, early stopping holds out part of X instead.
    held_out = TabularRegressor(**FAST).fit(X, y)
    assert len(held_out.network_.validation_scores_) == 5


# -- every ingredient can be switched off ---------------------------------------


def parameters(est):
    return np.concatenate([c.ravel() for c in est.networks_[0].coefs_])


@pytest.mark.parametrize(
    ("Estimator", "off"),
    [
        (TabularClassifier, {"dropout": 0.0}),
        (TabularClassifier, {"weight_decay": 0.0}),
        (TabularClassifier, {"learning_rate": "constant"}),
        (TabularClassifier, {"cv": None}),
        (TabularRegressor, {"cv": None}),
        (TabularRegressor, {"dropout": 0.0}),
        (TabularRegressor, {"weight_decay": 0.0}),
        (TabularRegressor, {"learning_rate": "constant"}),
        (TabularClassifier, {"scaling": None}),
        (TabularRegressor, {"clip": None}),
    ],
)
def test_each_ingredient_can_be_switched_off(Estimator, off):
    X = mixed_frame(n=80)
    X.loc[X.index[:3], "float"] = [200.0, -200.0, 150.0]  # outliers, for the clipping
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    default = Estimator(**FAST).fit(X, y)
    changed = Estimator(**FAST, **off).fit(X, y)
    assert not np.allclose(parameters(default), parameters(changed))
    network = changed.network_.get_params()
    for name, value in off.items():
        if name in network:
            assert network[name] == value


def test_early_stopping_and_preprocessing_off():
    X = mixed_frame(n=80)
    X.loc[X.index[:3], "float"] = [200.0, -200.0, 150.0]
    y = labels_for(X)
    default = TabularClassifier(**FAST).fit(X, y)
    assert len(default.network_.validation_scores_) == 5  # on each member's fold
    off = TabularClassifier(**FAST, early_stopping=False).fit(X, y)
    assert off.network_.validation_scores_ is None
    assert not np.allclose(parameters(default), parameters(off))

    numeric = slice(0, len(NUMERIC))
    unclipped = TabularClassifier(**FAST, clip=None).fit(X, y)
    assert np.abs(default.preprocessor_.transform(X)[:, numeric]).max() < 3
    assert np.abs(unclipped.preprocessor_.transform(X)[:, numeric]).max() > 10
    assert not np.allclose(parameters(default), parameters(unclipped))
    unscaled = TabularClassifier(**FAST, scaling=None).fit(X, y)
    np.testing.assert_array_equal(unscaled.preprocessor_.scale_, 1.0)
    assert not np.allclose(parameters(default), parameters(unscaled))
    # Unscaled, a column is only imputed and clipped: no centring either.
    column = NUMERIC.index("int")
    raw = X["int"].to_numpy(dtype=float)
    np.testing.assert_allclose(
        unscaled.preprocessor_.transform(X)[:, column], smooth_clip(raw, 3.0), rtol=1e-12
    )


def test_backprop_defaults_are_scikit_learns():
    ours = BackpropClassifier().get_params()
    theirs = MLPClassifier().get_params()
    assert {k: ours[k] for k in theirs} == theirs
    assert ours["hidden_layer_sizes"] == (100,)
    assert ours["activation"] == "relu"
    assert ours["early_stopping"] is False
    assert ours["learning_rate"] == "constant"
    extras = {k: v for k, v in ours.items() if k not in theirs}
    assert extras == {
        "dropout": 0.0,
        "weight_decay": 0.0,
        "label_smoothing": 0.0,
        "class_weight": None,
        "scoring": None,
        "max_grad_norm": None,
        "warmup_fraction": None,
    }
    # The tabular defaults are another recipe.
    tabular = TabularClassifier().get_params()
    assert tabular["hidden_layer_sizes"] != ours["hidden_layer_sizes"]
    assert tabular["early_stopping"] is True


# -- errors --------------------------------------------------------------------


# A DataFrame skips validate_data's finiteness check (TabularBase._check_X) and
# the preprocessor has none: inf reaches smooth_clip as inf / inf = NaN (numpy
# RuntimeWarnings in fit), and the network then reports NaN, which these
# estimators otherwise accept, not the infinity.
@pytest.mark.parametrize("where", ["fit", "predict"])
def test_inf_in_a_numeric_column_raises(where):
    X = mixed_frame()
    y = target_for(X)
    bad = X.copy()
    bad.loc[bad.index[3], "float"] = np.inf
    reg = TabularRegressor(**FAST)
    if where == "predict":
        reg.fit(X, y)
    with pytest.raises(ValueError, match=r"(?i)inf"):
        reg.fit(bad, y) if where == "fit" else reg.predict(bad)


def test_inf_in_an_array_raises():
    X = np.random.RandomState(0).standard_normal((30, 2))
    X[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"(?i)inf"):
        TabularRegressor(**FAST).fit(X, np.arange(30.0))


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_empty_dataframe_raises(Estimator):
    X = mixed_frame().iloc[:0]
    with pytest.raises(ValueError, match="0 sample"):
        Estimator(**FAST).fit(X, np.array([]))
    est = Estimator(**FAST).fit(
        mixed_frame(),
        labels_for(mixed_frame()) if Estimator is TabularClassifier else target_for(mixed_frame()),
    )
    with pytest.raises(ValueError, match="0 sample"):
        est.predict(X)


def test_regressor_requires_y():
    with pytest.raises(ValueError, match="requires y"):
        TabularRegressor(**FAST).fit(mixed_frame(), None)


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_negative_or_all_zero_sample_weights_raise(Estimator):
    X = mixed_frame()
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    weights = np.ones(len(X))
    weights[4] = -1
    with pytest.raises(ValueError, match=r"(?i)negative"):
        Estimator(**FAST).fit(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="non-zero"):
        Estimator(**FAST).fit(X, y, sample_weight=np.zeros(len(X)))
    with pytest.raises(ValueError, match=r"(?i)sample"):
        Estimator(**FAST).fit(X, y, sample_weight=np.ones(len(X) - 1))


def test_invalid_preprocessing_parameters_raise():
    X, y = mixed_frame(), target_for(mixed_frame())
    for bad in ({"scaling": "minmax"}, {"clip": 0.0}, {"max_categories": 1}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            TabularRegressor(**FAST, **bad).fit(X, y)
        with pytest.raises(ValueError, match=next(iter(bad))):
            TabularPreprocessor(**bad).fit(X)


# -- piecewise-linear encoding --------------------------------------------------


def test_piecewise_linear_closed_form():
    edges = np.array([0.0, 1.0, 3.0, 7.0])
    x = np.array([-5.0, 0.0, 0.5, 1.0, 2.0, 5.0, 7.0, 9.0])
    expected = np.array(
        [
            [0, 0, 0],
            [0, 0, 0],
            [0.5, 0, 0],
            [1, 0, 0],
            [1, 0.5, 0],
            [1, 1, 0.5],
            [1, 1, 1],
            [1, 1, 1],
        ]
    )
    np.testing.assert_allclose(piecewise_linear(x, edges), expected, rtol=1e-15)
    assert piecewise_linear(x, np.array([2.0])).shape == (len(x), 0)  # a constant column


def test_bins_add_one_block_per_numeric_column_with_weighted_quantile_edges():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=40), "b": rng.exponential(size=40)})
    plain = TabularPreprocessor().fit(X)
    binned = TabularPreprocessor(bins=4).fit(X)
    Xt = binned.transform(X)
    np.testing.assert_array_equal(Xt[:, :2], plain.transform(X))
    assert Xt.shape == (40, 2 + 4 + 4)
    expected_edges = [weighted_quantile(X["a"].to_numpy(), np.ones(40), q) for q in (0, 0.5, 1)]
    np.testing.assert_allclose(binned.bin_edges_[0][[0, 2, 4]], expected_edges)
    # Weight 2 is a repeated row, for the edges too.
    weights = np.r_[np.full(20, 2.0), np.ones(20)]
    repeated = pd.concat([X.iloc[:20], X], ignore_index=True)
    by_weight = TabularPreprocessor(bins=4).fit(X, sample_weight=weights)
    by_repeat = TabularPreprocessor(bins=4).fit(repeated)
    for a, b in zip(by_weight.bin_edges_, by_repeat.bin_edges_, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_both_estimators_bin_their_numbers_by_default(Estimator):
    assert Estimator().bins == 16
    X = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0) % 7})
    y = np.arange(30) % 2 if Estimator is TabularClassifier else np.sin(X["a"])
    model = Estimator(**FAST).fit(X, y)
    # a: 16 bins; b: 7 distinct values, so its 17 quantiles make 6 bins.
    assert model.preprocessor_.transform(X).shape[1] == 2 + 16 + 6
    assert Estimator(**FAST, bins=None).fit(X, y).preprocessor_.transform(X).shape[1] == 2


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_a_failed_refit_leaves_the_fitted_model_as_it_was(Estimator):
    X = mixed_frame()
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    est = Estimator(**FAST).fit(X, y)
    before = pickle.dumps(est)
    other = mixed_frame(seed=3)  # a refit that would change every statistic
    y_other = labels_for(other) if Estimator is TabularClassifier else target_for(other)
    # The validation set lacks columns: found after the preprocessing is refitted.
    with pytest.raises(ValueError, match="feature"):
        est.fit(other, y_other, X_val=X.iloc[:10, :3], y_val=y[:10])
    assert pickle.dumps(est) == before


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_preprocessing_in_row_blocks_equals_one_pass(monkeypatch, Estimator):
    # The tabular estimators preprocess TRANSFORM_ROWS rows at a time; the
    # network must see (and predict from) the same matrix as in one pass.
    import skbp._tabular_base as tabular_base

    X = mixed_frame(n=90)
    y = labels_for(X) if Estimator is TabularClassifier else target_for(X)
    model = Estimator(**FAST, dtype="float64").fit(X, y)
    whole = model.preprocessor_.transform(X)
    monkeypatch.setattr(tabular_base, "TRANSFORM_ROWS", 7)
    np.testing.assert_array_equal(model._inputs(X), whole)
    method = "predict_proba" if Estimator is TabularClassifier else "predict"
    blocked = getattr(model, method)(X)
    monkeypatch.setattr(tabular_base, "TRANSFORM_ROWS", 10_000)
    np.testing.assert_allclose(blocked, getattr(model, method)(X), rtol=1e-12)
