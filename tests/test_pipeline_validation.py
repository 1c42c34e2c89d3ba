"""A validation set that skipped the transformations X went through is flagged.

``warn_if_untransformed(X, X_val)`` compares, per feature, X_val's mean and
spread with the training data's as the network sees them; a Pipeline without
``transform_input=["X_val"]`` hands the network a raw X_val beside a
transformed X.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from skbp import BackpropClassifier
from skbp._inputs import ValidationDataWarning, warn_if_untransformed

DATA_SETS = {
    "digits": load_digits,
    "iris": load_iris,
    "diabetes": load_diabetes,
    "breast_cancer": load_breast_cancer,
}


def features(name):
    return DATA_SETS[name](return_X_y=True)[0].astype(float)


def assert_silent(X, X_val):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ValidationDataWarning)
        warn_if_untransformed(X, X_val)


def gaussian(n, n_features=8, seed=0):
    return np.random.RandomState(seed).normal(size=(n, n_features))


# -- the rule, on data whose distances are known -----------------------------------


@pytest.mark.parametrize(
    ("shift", "factor", "warns"),
    [
        (0.0, 1.0, False),
        (1.0, 1.0, False),  # a mean one standard deviation off: a drift, not a skipped step
        (2.5, 1.0, True),
        (0.0, 3.0, False),  # log(3) = 1.1
        (0.0, 6.0, True),  # log(6) = 1.8
        (0.0, 1 / 6.0, True),
    ],
)
def test_a_shifted_or_rescaled_validation_set(shift, factor, warns):
    """Standard normal features: X_val = factor * Z + shift has exactly those distances."""
    X = gaussian(20_000)
    X_val = factor * gaussian(5_000, seed=1) + shift
    if warns:
        with pytest.warns(ValidationDataWarning, match=r'transform_input=\["X_val"\]'):
            warn_if_untransformed(X, X_val)
    else:
        assert_silent(X, X_val)


def test_the_median_feature_decides():
    """Three features of eight far off are not most of them; five are."""
    X, X_val = gaussian(5_000), gaussian(2_000, seed=1)
    X_val[:, :3] += 10.0
    assert_silent(X, X_val)
    X_val[:, 3:5] += 10.0
    with pytest.warns(ValidationDataWarning):
        warn_if_untransformed(X, X_val)


def test_features_constant_in_x_are_left_out():
    X, X_val = gaussian(1_000), gaussian(100, seed=1)
    X[:, :6], X_val[:, :6] = 1.0, 50.0  # no spread in X to measure a distance with
    assert_silent(X, X_val)


def test_too_few_validation_rows_to_tell():
    X = gaussian(1_000)
    assert_silent(X, 100.0 + gaussian(9, seed=1))
    with pytest.warns(ValidationDataWarning):
        warn_if_untransformed(X, 100.0 + gaussian(10, seed=1))


def test_the_message_gives_the_median_distances():
    X, X_val = gaussian(20_000), 4.0 * gaussian(5_000, seed=1) + 3.0
    with pytest.warns(ValidationDataWarning) as record:
        warn_if_untransformed(X, X_val)
    message = str(record[0].message)
    shift, factor = (float(v) for v in _numbers_after(message, ("lies ", "spread is ")))
    assert shift == pytest.approx(3.0, rel=0.05)
    assert factor == pytest.approx(4.0, rel=0.05)


def _numbers_after(message, prefixes):
    return [message.split(prefix)[1].split()[0] for prefix in prefixes]


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_data(fmt):
    """Sparse statistics include the implicit zeros, as the dense ones do."""
    rng = np.random.RandomState(0)
    dense = rng.poisson(0.5, size=(2_000, 6)).astype(float)
    X, raw_val = dense[:1_500], dense[1_500:]
    assert_silent(sp.csr_matrix(X).asformat(fmt), sp.csr_matrix(raw_val).asformat(fmt))
    scaled = StandardScaler(with_mean=False).fit(X)  # the sparse-friendly scaling
    X_seen = sp.csr_matrix(scaled.transform(X) * 10.0).asformat(fmt)
    with pytest.warns(ValidationDataWarning):
        warn_if_untransformed(X_seen, sp.csr_matrix(raw_val).asformat(fmt))


def test_float32_data():
    X = gaussian(1_000).astype(np.float32)
    assert_silent(X, gaussian(100, seed=1).astype(np.float32))
    with pytest.warns(ValidationDataWarning):
        warn_if_untransformed(X, (5.0 * gaussian(100, seed=1) + 5.0).astype(np.float32))


# -- real data sets: random splits never warn, untransformed ones do ----------------


@pytest.mark.parametrize("name", sorted(DATA_SETS))
@pytest.mark.parametrize("scaler", [None, StandardScaler, MinMaxScaler])
@pytest.mark.parametrize("test_size", [10, 0.1, 0.3])
def test_random_splits_never_warn(name, scaler, test_size):
    data = features(name)
    for seed in range(25):
        X, X_val = train_test_split(data, test_size=test_size, random_state=seed)
        if scaler is not None:  # both sides through the same fitted transformation
            fitted = scaler().fit(X)
            X, X_val = fitted.transform(X), fitted.transform(X_val)
        assert_silent(X, X_val)


@pytest.mark.parametrize("name", sorted(DATA_SETS))
@pytest.mark.parametrize("scaler", [StandardScaler, MinMaxScaler])
@pytest.mark.parametrize("test_size", [10, 0.2])
def test_a_transformed_x_beside_a_raw_x_val_warns(name, scaler, test_size):
    for seed in range(5):
        X, X_val = train_test_split(features(name), test_size=test_size, random_state=seed)
        with pytest.warns(ValidationDataWarning):
            warn_if_untransformed(scaler().fit_transform(X), X_val)


# -- through a Pipeline ------------------------------------------------------------


def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.2, random_state=0)


def network():
    return BackpropClassifier(
        hidden_layer_sizes=(8,), max_iter=3, early_stopping=True, random_state=0
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_pipeline_that_transforms_x_val_does_not_warn():
    X, X_val, y, y_val = digits_split()
    with sklearn.config_context(enable_metadata_routing=True):
        clf = network().set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline([("scale", StandardScaler()), ("clf", clf)], transform_input=["X_val"])
        pipe.fit(X, y, X_val=X_val, y_val=y_val)  # any warning but ConvergenceWarning fails
    assert len(pipe.named_steps["clf"].validation_scores_) == pipe.named_steps["clf"].n_iter_


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_pipeline_that_skips_x_val_warns():
    X, X_val, y, y_val = digits_split()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", network())])
    with pytest.warns(ValidationDataWarning, match=r'transform_input=\["X_val"\]'):
        pipe.fit(X, y, clf__X_val=X_val, clf__y_val=y_val)
