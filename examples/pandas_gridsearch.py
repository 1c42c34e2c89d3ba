"""
A pandas DataFrame, a preprocessing pipeline and a grid search around skbp
==========================================================================

The diabetes data shipped with scikit-learn becomes a DataFrame with both
kinds of columns: the numeric measurements, the ``sex`` column recoded as a
string category (the dataset codes it 1/2 without saying which is which, so
the labels here are neutral), and a ``bmi_band`` category derived from the
body-mass index. A :class:`~sklearn.compose.ColumnTransformer` standardizes
the numeric columns and one-hot encodes the categorical ones, and a
:class:`skbp.BackpropRegressor` learns the disease progression score, itself
standardized by a :class:`~sklearn.compose.TransformedTargetRegressor` so
that L-BFGS sees well-scaled targets. :class:`~sklearn.model_selection.GridSearchCV`
picks the hidden layer size and the L2 penalty ``alpha``.

The pipeline outputs pandas DataFrames, so the column names made by the
preprocessing reach the network as its ``feature_names_in_``.

Nothing is downloaded. Run it with ``python examples/pandas_gridsearch.py``.
"""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbp import BackpropRegressor

SEED = 0
CATEGORICAL = ["sex", "bmi_band"]
# Upper edges of the usual body-mass-index bands.
BMI_BANDS = {"underweight": 18.5, "normal": 25.0, "overweight": 30.0, "obese": np.inf}


def load_frame():
    """The diabetes data as a DataFrame with numeric and categorical columns."""
    data = load_diabetes(as_frame=True, scaled=False)
    X = data.data.copy()
    X["sex"] = X["sex"].map({1.0: "group_a", 2.0: "group_b"}).astype("category")
    X["bmi_band"] = pd.cut(X["bmi"], bins=[0.0, *BMI_BANDS.values()], labels=list(BMI_BANDS))
    return X, data.target


def make_pipeline(numeric, categorical):
    """Scale and encode the columns, then fit a network to standardized targets."""
    preprocess = ColumnTransformer(
        [
            ("num", StandardScaler(), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
        ]
    )
    network = BackpropRegressor(solver="lbfgs", max_iter=10_000, random_state=SEED)
    model = TransformedTargetRegressor(regressor=network, transformer=StandardScaler())
    pipeline = Pipeline([("preprocess", preprocess), ("model", model)])
    return pipeline.set_output(transform="pandas")


def main():
    X, y = load_frame()
    numeric = [c for c in X.columns if c not in CATEGORICAL]
    print(f"data: {X.shape[0]} rows")
    print(f"numeric columns: {numeric}")
    print(f"categorical columns: {CATEGORICAL}")
    print(X.head(3).to_string())

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=SEED)
    search = GridSearchCV(
        make_pipeline(numeric, CATEGORICAL),
        param_grid={
            "model__regressor__hidden_layer_sizes": [(4,), (16,)],
            "model__regressor__alpha": [1.0, 10.0, 30.0],
        },
        cv=KFold(n_splits=5, shuffle=True, random_state=SEED),
        scoring="r2",
    )
    search.fit(X_train, y_train)

    print()
    print("grid search, mean cross-validated R^2 per candidate:")
    results = pd.DataFrame(search.cv_results_).sort_values("rank_test_score")
    for params, mean, std in zip(
        results["params"], results["mean_test_score"], results["std_test_score"], strict=True
    ):
        short = {name.rsplit("__", 1)[-1]: value for name, value in params.items()}
        print(f"  {short}: {mean:.3f} +/- {std:.3f}")
    print(f"best params: {search.best_params_}")
    print(f"best CV R^2: {search.best_score_:.3f}")
    print(f"held-out R^2: {search.score(X_test, y_test):.3f}")
    # A linear model through the same preprocessing, for scale: this data is
    # close to linear and the held-out quarter is a hard one for both.
    ridge = make_pipeline(numeric, CATEGORICAL).set_params(model=Ridge()).fit(X_train, y_train)
    print(f"held-out R^2 of a Ridge baseline: {ridge.score(X_test, y_test):.3f}")

    best = search.best_estimator_
    names_out = best[:-1].get_feature_names_out()
    network = best.named_steps["model"].regressor_
    print()
    print(f"pipeline input columns: {list(best.feature_names_in_)}")
    print(f"preprocessed feature names: {list(names_out)}")
    assert list(network.feature_names_in_) == list(names_out)
    print(f"network feature_names_in_ matches them ({network.n_features_in_} features)")
    print(f"first-layer weights: {network.coefs_[0].shape}; lbfgs iterations: {network.n_iter_}")


if __name__ == "__main__":
    main()
