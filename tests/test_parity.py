"""Held-out scores on scikit-learn's bundled data: skbp is not worse than its MLP.

Same settings and seeds for both; the mean over three seeds is compared with a
small tolerance, since seeds move either model by more than that.
"""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import BackpropClassifier, BackpropRegressor

SEEDS = [0, 1, 2]
CASES = {
    "digits-adam": (load_digits, BackpropClassifier, MLPClassifier, dict(max_iter=100)),
    "digits-sgd": (
        load_digits,
        BackpropClassifier,
        MLPClassifier,
        dict(solver="sgd", learning_rate_init=0.05, max_iter=100),
    ),
    "breast_cancer-adam": (
        load_breast_cancer,
        BackpropClassifier,
        MLPClassifier,
        dict(hidden_layer_sizes=(30,), max_iter=300),
    ),
    "breast_cancer-lbfgs": (
        load_breast_cancer,
        BackpropClassifier,
        MLPClassifier,
        dict(hidden_layer_sizes=(30,), solver="lbfgs", alpha=1.0, max_iter=500),
    ),
    "diabetes-lbfgs": (
        load_diabetes,
        BackpropRegressor,
        MLPRegressor,
        dict(hidden_layer_sizes=(8,), solver="lbfgs", alpha=10.0, max_iter=1000),
    ),
}


def held_out_score(load, Estimator, params, seed):
    X, y = load(return_X_y=True)
    if Estimator in (BackpropRegressor, MLPRegressor):
        y = (y - y.mean()) / y.std()  # unit-scale targets suit the default tolerances
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    model = make_pipeline(StandardScaler(), Estimator(random_state=seed, **params))
    return model.fit(X_train, y_train).score(X_test, y_test)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("case", sorted(CASES))
def test_not_worse_than_scikit_learn(case):
    load, ours, theirs, params = CASES[case]
    skbp_score = np.mean([held_out_score(load, ours, params, s) for s in SEEDS])
    sklearn_score = np.mean([held_out_score(load, theirs, params, s) for s in SEEDS])
    assert skbp_score >= sklearn_score - 0.01
