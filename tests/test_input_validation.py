"""Bad input gets a clear error naming the problem; good input is never modified."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skbp import BackpropClassifier, BackpropRegressor

ESTIMATORS = [BackpropClassifier, BackpropRegressor]
X_GOOD = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]] * 5)
Y_GOOD = np.array([0, 1, 1, 0] * 5)


def quick(Estimator, **params):
    # Seeded: over 300 random starts L-BFGS took up to 154 of its 500 iterations here.
    return Estimator(
        hidden_layer_sizes=(3,), solver="lbfgs", max_iter=500, random_state=0, **params
    )


BAD_X = [
    ("nan", np.where(X_GOOD == 1.0, np.nan, X_GOOD), "Input X contains NaN"),
    ("inf", np.where(X_GOOD == 1.0, np.inf, X_GOOD), "Input X contains infinity"),
    ("empty", np.empty((0, 2)), "0 sample"),
    ("1-D", X_GOOD[:, 0], "Expected 2D array, got 1D array"),
    ("3-D", X_GOOD[:, :, None], "dim 3"),
    ("complex", X_GOOD + 1j, "Complex data not supported"),
    ("text", pd.DataFrame({"a": ["u", "v", "w", "x"] * 5, "b": 1.0}), "X must be numeric"),
]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(("case", "X", "message"), BAD_X, ids=[c[0] for c in BAD_X])
def test_bad_X_in_fit(Estimator, case, X, message):
    y = Y_GOOD[: len(X)] if len(X) else Y_GOOD[:0]
    with pytest.raises(ValueError, match=message):
        quick(Estimator).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_inconsistent_lengths(Estimator):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        quick(Estimator).fit(X_GOOD, Y_GOOD[:-1])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_wrong_number_of_features_at_predict(Estimator):
    model = quick(Estimator).fit(X_GOOD, Y_GOOD)
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 2 features"):
        model.predict(np.ones((2, 3)))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_before_fit(Estimator):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        Estimator().predict(X_GOOD)


@pytest.mark.parametrize("y", [np.array(["a", "b", "c", "d"] * 5), pd.Series(list("abcd") * 5)])
def test_text_targets_for_the_regressor(y):
    with pytest.raises(ValueError, match="y must be numeric for BackpropRegressor"):
        quick(BackpropRegressor).fit(X_GOOD, y)


def test_continuous_targets_for_the_classifier():
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        quick(BackpropClassifier).fit(X_GOOD, np.linspace(0, 1, 20))


def test_nan_targets():
    y = Y_GOOD.astype(float)
    y[3] = np.nan
    for Estimator in ESTIMATORS:
        with pytest.raises(ValueError, match=r"^y contains NaN: .*drop the rows whose"):
            quick(Estimator).fit(X_GOOD, y)


def test_continuous_multioutput_targets_are_refused_by_the_classifier():
    Y = np.column_stack([Y_GOOD, np.linspace(0, 1, 20)])
    with pytest.raises(ValueError, match="Unknown label type: continuous-multioutput"):
        quick(BackpropClassifier).fit(X_GOOD, Y)


def test_negative_targets_with_poisson_loss():
    with pytest.raises(ValueError, match="non-negative targets"):
        quick(BackpropRegressor, loss="poisson").fit(X_GOOD, Y_GOOD - 0.5)


BAD_WEIGHTS = [
    ("negative", np.r_[-1.0, np.ones(19)], "Negative values in data passed to `sample_weight`"),
    ("length", np.ones(19), r"sample_weight.shape == \(19,\), expected \(20,\)"),
    ("nan", np.r_[np.nan, np.ones(19)], "Input sample_weight contains NaN"),
    ("zeros", np.zeros(20), "must contain at least one non-zero"),
    ("2-D", np.ones((20, 2)), "Sample weights must be 1D"),
]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(("case", "sw", "message"), BAD_WEIGHTS, ids=[c[0] for c in BAD_WEIGHTS])
def test_bad_sample_weight(Estimator, case, sw, message):
    with pytest.raises(ValueError, match=message):
        quick(Estimator).fit(X_GOOD, Y_GOOD, sample_weight=sw)


BAD_PARAMS = [
    ({"hidden_layer_sizes": (4, 0)}, ValueError, "hidden_layer_sizes must be positive"),
    ({"hidden_layer_sizes": (2.5,)}, ValueError, "hidden_layer_sizes must be positive"),
    ({"hidden_layer_sizes": 0}, InvalidParameterError, "hidden_layer_sizes"),
    ({"activation": "softmax"}, InvalidParameterError, "'activation' parameter"),
    ({"activation": ["relu", "softmax"], "hidden_layer_sizes": (2, 2)}, ValueError, "'softmax'"),
    ({"activation": ["relu"], "hidden_layer_sizes": (2, 2)}, ValueError, "1 entries"),
    ({"dropout": [0.1, 0.2]}, ValueError, "2 entries"),
    ({"dropout": 1.0}, InvalidParameterError, "'dropout' parameter"),
    ({"dropout": [1.5]}, ValueError, r"dropout rates must be in \[0, 1\)"),
    ({"solver": "rmsprop"}, InvalidParameterError, "'solver' parameter"),
    ({"alpha": -1.0}, InvalidParameterError, "'alpha' parameter"),
    ({"batch_size": 0}, InvalidParameterError, "'batch_size' parameter"),
    ({"learning_rate_init": 0.0}, InvalidParameterError, "'learning_rate_init' parameter"),
    ({"momentum": 1.5}, InvalidParameterError, "'momentum' parameter"),
    ({"beta_1": 1.0}, InvalidParameterError, "'beta_1' parameter"),
    ({"validation_fraction": 1.0}, InvalidParameterError, "'validation_fraction' parameter"),
    ({"n_iter_no_change": 0}, InvalidParameterError, "'n_iter_no_change' parameter"),
    ({"max_iter": 0}, InvalidParameterError, "'max_iter' parameter"),
    ({"early_stopping": True, "validation_fraction": 0.0}, ValueError, "validation_fraction > 0"),
]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(("params", "error", "message"), BAD_PARAMS)
def test_invalid_parameters(Estimator, params, error, message):
    with pytest.raises(error, match=message):
        Estimator(**params).fit(X_GOOD, Y_GOOD)


def test_regressor_loss_parameter():
    with pytest.raises(InvalidParameterError, match="'loss' parameter"):
        BackpropRegressor(loss="hinge").fit(X_GOOD, Y_GOOD)


def test_partial_fit_with_new_classes():
    clf = BackpropClassifier(hidden_layer_sizes=(3,)).partial_fit(X_GOOD, Y_GOOD, classes=[0, 1])
    with pytest.raises(ValueError, match=r"y has classes \[2\] not in classes_"):
        clf.partial_fit(X_GOOD, Y_GOOD + 1)
    with pytest.raises(ValueError, match="differs from the classes_"):
        clf.partial_fit(X_GOOD, Y_GOOD, classes=[0, 1, 2])


def test_partial_fit_with_classes_of_another_type():
    """Strings against numbers: a clear error, and no FutureWarning from numpy < 1.25."""
    clf = BackpropClassifier(hidden_layer_sizes=(3,))
    clf.partial_fit(X_GOOD, np.where(Y_GOOD == 1, "b", "a"), classes=["a", "b"])
    with pytest.raises(ValueError, match="differs from the classes_"):
        clf.partial_fit(X_GOOD, Y_GOOD, classes=[0, 1])
    with pytest.raises(ValueError, match=r"y has classes \[0 1\] not in classes_"):
        clf.partial_fit(X_GOOD, Y_GOOD)


def test_first_partial_fit_with_labels_outside_classes():
    with pytest.raises(ValueError, match="not in classes_"):
        BackpropClassifier().partial_fit(X_GOOD, Y_GOOD + 5, classes=[0, 1, 5])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_with_a_new_number_of_features(Estimator):
    model = Estimator(hidden_layer_sizes=(3,))
    model.partial_fit(
        X_GOOD, Y_GOOD, **({"classes": [0, 1]} if Estimator is ESTIMATORS[0] else {})
    )
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 2 features"):
        model.partial_fit(np.ones((4, 3)), Y_GOOD[:4])


def test_partial_fit_with_a_new_number_of_outputs():
    reg = BackpropRegressor(hidden_layer_sizes=(3,)).partial_fit(X_GOOD, Y_GOOD)
    with pytest.raises(ValueError, match="y has 2 output"):
        reg.partial_fit(X_GOOD, np.column_stack([Y_GOOD, Y_GOOD]))


def test_partial_fit_refuses_early_stopping():
    with pytest.raises(ValueError, match="early_stopping"):
        BackpropRegressor(early_stopping=True).partial_fit(X_GOOD, Y_GOOD)


def _inputs(order, dtype):
    rng = np.random.RandomState(0)
    X = np.asarray(rng.normal(size=(40, 3)), dtype=dtype, order=order)
    y = (X[:, 0] > 0).astype(int)
    return X, y, rng.uniform(0.5, 2.0, size=40)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_inputs_are_never_modified(Estimator, solver, dtype, order):
    X, y, sw = _inputs(order, dtype)
    originals = [a.copy(order="K") for a in (X, y, sw)]
    model = Estimator(hidden_layer_sizes=(4,), solver=solver, max_iter=3, early_stopping=False)
    model.fit(X, y, sample_weight=sw)
    model.predict(X)
    if solver != "lbfgs":
        model.partial_fit(X, y, sample_weight=sw)
    for now, before in zip((X, y, sw), originals, strict=True):
        np.testing.assert_array_equal(now, before)
        assert now.dtype == before.dtype
        assert now.flags.c_contiguous == before.flags.c_contiguous
