"""
skbp beside scikit-learn's MLP
==============================

On data sets shipped with scikit-learn, each row trains skbp's estimator
and scikit-learn's with identical settings (architecture, solver, seed,
iterations) on the same split, and reports the held-out score (accuracy or
R^2) and the fit time of each.

Run it with ``make demo`` or ``python examples/demo.py``.
"""

import os
import time
import warnings

from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skbp import BackpropClassifier, BackpropRegressor

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


def timed_fit_score(model, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return model.score(X_test, y_test), seconds


def main():
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"skbp vs scikit-learn MLP, identical settings (BLAS threads: {threads})\n")
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
    print("\nscore: accuracy for classifiers, R^2 for regressors, on a held-out 25%.")


if __name__ == "__main__":
    main()
