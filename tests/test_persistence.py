"""Saving and loading: pickle, joblib and skops round trips, plain saved state, versions."""

import io
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest

import skbp
from skbp import (
    BackpropClassifier,
    BackpropRegressor,
    InconsistentVersionWarning,
    TabularClassifier,
    TabularRegressor,
)

try:
    import skops.io as sio
except ImportError:  # an optional extra; it needs numpy >= 1.25 (not test-min-versions)
    sio = None
needs_skops = pytest.mark.skipif(sio is None, reason="skops is not installed")

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 3))
Y_CLASS = (X[:, 0] + X[:, 1] > 0).astype(int)
Y_REG = np.sin(X[:, 0]) + X[:, 2]
FRAME = pd.DataFrame(X, columns=["a", "b", "c"]).assign(d=["u", "v", None] * 20)

# Every piece of saved state: each solver, dropout's generator, a schedule's
# state, validation curves, float32; and the tabular estimators.
MODELS = [
    (BackpropClassifier, dict(solver="adam", dropout=0.2, learning_rate="cosine"), X, Y_CLASS),
    (BackpropClassifier, dict(solver="sgd", early_stopping=True, weight_decay=0.1), X, Y_CLASS),
    (BackpropRegressor, dict(solver="lbfgs"), X, Y_REG),
    (BackpropRegressor, dict(solver="adam", max_grad_norm=1.0), X.astype(np.float32), Y_REG),
    (TabularClassifier, dict(), FRAME, Y_CLASS),
    (TabularRegressor, dict(), FRAME, Y_REG),
]
IDS = ["adam-dropout", "sgd-early", "lbfgs", "float32-clip", "tabular-clf", "tabular-reg"]


def fitted(Estimator, params, X, y):
    est = Estimator(hidden_layer_sizes=(5,), max_iter=4, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short fits: ConvergenceWarning
        return est.fit(X, y)


def with_skops(est):
    data = sio.dumps(est)
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


SKOPS = pytest.param(with_skops, marks=needs_skops, id="with_skops")


def with_joblib(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def with_pickle(est):
    return pickle.loads(pickle.dumps(est))


def public_classes(est):
    classes = {f"{type(est).__module__}.{type(est).__name__}"}
    if hasattr(est, "preprocessor_"):
        network = type(est.network_)
        classes |= {
            "skbp._preprocess.TabularPreprocessor",
            f"{network.__module__}.{network.__name__}",
        }
    return classes


@needs_skops
@pytest.mark.parametrize(("Estimator", "params", "X", "y"), MODELS, ids=IDS)
def test_skops_asks_to_trust_only_skbps_public_estimators(Estimator, params, X, y):
    est = fitted(Estimator, params, X, y)
    untrusted = sio.get_untrusted_types(data=sio.dumps(est))
    assert set(untrusted) == public_classes(est)
    assert all(name.split(".")[-1] in skbp.__all__ for name in untrusted)


@pytest.mark.parametrize(("Estimator", "params", "X", "y"), MODELS, ids=IDS)
def test_saved_state_holds_no_core_objects(Estimator, params, X, y):
    est = fitted(Estimator, params, X, y)
    kinds = types_in(est.__getstate__())
    assert not [kind for kind in kinds if kind.__module__.startswith("skbp._core")]
    assert np.dtype not in kinds
    assert not [kind for kind in kinds if issubclass(kind, np.dtype)]
    assert np.random.Generator not in kinds
    assert b"skbp._core" not in pickle.dumps(est)
    # Saving leaves the model itself alone.
    assert type(getattr(est, "_network", est)).__name__ in ("Network", type(est).__name__)


def types_in(state):
    """The types of every object in nested dicts, lists and tuples (estimators: their state)."""
    found = {type(state)}
    if isinstance(state, dict):
        for value in state.values():
            found |= types_in(value)
    elif isinstance(state, list | tuple):
        for value in state:
            found |= types_in(value)
    elif hasattr(state, "get_params"):
        found |= types_in(state.__getstate__())
    return found


@pytest.mark.parametrize("load", [with_pickle, with_joblib, SKOPS])
@pytest.mark.parametrize(("Estimator", "params", "X", "y"), MODELS, ids=IDS)
def test_round_trips_predict_identically(Estimator, params, X, y, load):
    est = fitted(Estimator, params, X, y)
    loaded = load(est)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if hasattr(est, "predict_proba"):
        np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    assert loaded.get_params() == est.get_params()


@pytest.mark.parametrize("load", [with_pickle, SKOPS])
@pytest.mark.parametrize(
    ("Estimator", "params", "X", "y"), MODELS[:2] + MODELS[3:4], ids=IDS[:2] + IDS[3:4]
)
def test_a_loaded_model_keeps_training_as_the_original_would(Estimator, params, X, y, load):
    """Optimizer moments, schedule position and dropout's generator all travel."""
    original = fitted(Estimator, params, X, y)
    loaded = load(original)
    for est in (original, loaded):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.set_params(warm_start=True, max_iter=3).fit(X, y)
    for a, b in zip(
        original.coefs_ + original.intercepts_, loaded.coefs_ + loaded.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(a, b)
    assert loaded.loss_curve_ == original.loss_curve_


@pytest.mark.parametrize(("Estimator", "params", "X", "y"), MODELS, ids=IDS)
def test_loading_a_model_from_another_version_warns(Estimator, params, X, y):
    est = fitted(Estimator, params, X, y)
    state = est.__getstate__()
    assert state["_skbp_version"] == skbp.__version__
    clone = Estimator.__new__(Estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone.__setstate__(dict(state))  # the same version: no warning
    with pytest.warns(InconsistentVersionWarning, match="from skbp version 0.0.1") as record:
        Estimator.__new__(Estimator).__setstate__({**state, "_skbp_version": "0.0.1"})
    warning = record[0].message
    assert warning.original_version == "0.0.1"
    assert warning.current_version == skbp.__version__
    assert warning.estimator_name == Estimator.__name__
    old = {key: value for key, value in state.items() if key != "_skbp_version"}
    with pytest.warns(InconsistentVersionWarning, match="version unknown"):
        Estimator.__new__(Estimator).__setstate__(old)  # saved before versions were recorded


def test_the_version_is_one_everywhere():
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["version"]
    assert skbp.__version__ == declared
