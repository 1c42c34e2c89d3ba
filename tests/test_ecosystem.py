"""skbp inside scikit-learn's tooling: pandas, pipelines, search, cloning, routing."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_diabetes, load_iris
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbp import BackpropClassifier, BackpropRegressor


def iris_frame():
    data = load_iris(as_frame=True)
    X = data.data.copy()
    X["size"] = pd.cut(X["petal length (cm)"], 3, labels=["small", "medium", "large"])
    y = data.target.map(dict(enumerate(data.target_names)))
    return X, y


# L-BFGS's stop on these non-convex nets is path-dependent (up to 379 of 1000
# iterations as rounding varied); the pipeline and the scores are the point.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_dataframe_pipeline_gridsearch_end_to_end():
    X, y = iris_frame()
    numeric = list(X.columns[:4])
    pipe = make_pipeline(
        ColumnTransformer(
            [("num", StandardScaler(), numeric), ("cat", OneHotEncoder(), ["size"])]
        ),
        BackpropClassifier(solver="lbfgs", max_iter=1000, random_state=0),
    )
    grid = GridSearchCV(
        pipe,
        {
            "backpropclassifier__hidden_layer_sizes": [(4,), (16,)],
            "backpropclassifier__alpha": [1e-4, 1.0],
        },
        cv=3,
    ).fit(X, y)
    assert grid.best_score_ > 0.9
    assert set(grid.predict(X)) == set(y)
    scores = cross_val_score(grid.best_estimator_, X, y, cv=3)
    assert scores.mean() > 0.9


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_feature_names_are_kept_and_checked():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    reg = BackpropRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=50).fit(X, y)
    np.testing.assert_array_equal(reg.feature_names_in_, X.columns)
    with pytest.raises(ValueError, match="Feature names"):
        reg.predict(X[X.columns[::-1]])
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        reg.predict(X.to_numpy())


def test_pandas_string_and_categorical_labels_round_trip():
    X, y = iris_frame()
    X = X.iloc[:, :4]
    clf = BackpropClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=1000)
    clf.set_params(random_state=0)
    for labels in (y.astype("string"), y.astype("category")):
        pred = clf.fit(X, labels).predict(X)
        assert set(pred) == set(y)
        assert (pred == y.to_numpy()).mean() > 0.95


# On unscaled iris L-BFGS stops after 111 to 368 iterations as rounding varies;
# cloning, not convergence, is the point.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_clone_copies_parameters_not_state():
    X, y = iris_frame()
    clf = BackpropClassifier(
        hidden_layer_sizes=(5,), solver="lbfgs", alpha=0.3, max_iter=1000, random_state=0
    )
    clf.fit(X.iloc[:, :4], y)
    fresh = clone(clf)
    assert fresh.get_params() == clf.get_params()
    assert not hasattr(fresh, "coefs_")


# L-BFGS stops after 251 to 947 of 3000 iterations as rounding varies; routing is
# the point (the exact comparison below is of one computation done twice).
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sample_weight_is_routed_through_metadata_routing():
    X, y = load_diabetes(return_X_y=True)
    y = y / 100
    sw = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=3000, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        reg = BackpropRegressor(**params).set_fit_request(sample_weight=True)
        reg.set_score_request(sample_weight=True)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), reg)
        pipe.fit(X, y, sample_weight=sw)
        result = cross_validate(pipe, X, y, params={"sample_weight": sw}, cv=2)
    direct = BackpropRegressor(**params).fit(StandardScaler().fit_transform(X), y, sw)
    np.testing.assert_array_equal(pipe[-1].coefs_[0], direct.coefs_[0])
    assert np.isfinite(result["test_score"]).all()
