"""Every skbp estimator converts to ONNX, and onnxruntime then predicts what skbp does.

Labels must be equal, except on rows so close to a decision boundary that
float32 rounding may flip them (none in practice; at least 90% of the rows
must count). Probabilities and regression outputs must agree to float32
rounding when the graph computes in float32 and far closer in float64.
Single-threaded BLAS (the Makefile's setting) and onnxruntime's single
intra-op thread.
"""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skl2onnx import to_onnx  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

from skbp import (  # noqa: E402
    BackpropClassifier,
    BackpropRegressor,
    TabularClassifier,
    TabularPreprocessor,
    TabularRegressor,
)
from skbp._core.activations import HIDDEN  # noqa: E402

# Relative tolerance of the outputs, by the dtype the graph computes in.
RTOL = {np.float32: 2e-5, np.float64: 1e-9}
MARGIN = 1e-5  # rows with a decision closer than this are not compared


def fitted(model, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **fit_params)


def run_onnx(model, X, sample=None, options=None):
    """onnxruntime's outputs for X, from the graph ``to_onnx`` makes of model."""
    sample = X[:1] if sample is None else sample
    onx = to_onnx(model, sample, options=options)
    settings = ort.SessionOptions()
    settings.intra_op_num_threads = 1
    session = ort.InferenceSession(
        onx.SerializeToString(), settings, providers=["CPUExecutionProvider"]
    )
    feeds = frame_feeds(X) if isinstance(X, pd.DataFrame) else {"X": X}
    return session.run(None, feeds)


def frame_feeds(df):
    """One input per column, as ``to_onnx`` declares them; missing text as ''."""
    feeds = {}
    for name in df.columns:
        column = df[[name]].to_numpy()
        if column.dtype == object:
            column = np.array([["" if pd.isna(v) else str(v)] for v in column[:, 0]], object)
        feeds[name] = column
    return feeds


# (precision, largest deviation relative to the outputs' scale) of every comparison;
# SKBP_ONNX_REPORT=path writes them there, for the figures quoted in the docs.
DEVIATIONS = []


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    path = os.environ.get("SKBP_ONNX_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump(DEVIATIONS, f)


def assert_close(actual, expected, dtype):
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(1.0, float(np.abs(expected).max()))
    atol = RTOL[dtype] * scale
    deviation = np.abs(np.asarray(actual, np.float64) - expected).max() / scale
    DEVIATIONS.append((np.dtype(dtype).name, float(deviation)))
    np.testing.assert_allclose(
        np.asarray(actual, np.float64), expected, rtol=RTOL[dtype], atol=atol
    )


def clear_rows(proba):
    """Rows whose predicted label is more than MARGIN away from changing."""
    if proba.shape[1] == 1:
        return np.ones(len(proba), bool)
    top2 = np.sort(proba, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0] > MARGIN


def assert_same_labels(actual, expected, clear):
    assert clear.mean() >= 0.9
    np.testing.assert_array_equal(np.asarray(actual)[clear], np.asarray(expected)[clear])


def check_classifier(model, X, dtype, sample=None, zipmap=False):
    label, proba = run_onnx(model, X, sample, options={"zipmap": zipmap})
    expected = model.predict_proba(X)
    if zipmap:
        proba = np.array([[row[c] for c in label_keys(model)] for row in proba])
    assert_close(proba, expected, dtype)
    assert_same_labels(label, model.predict(X), clear_rows(expected))


def label_keys(model):
    classes = model.classes_
    return [str(c) if classes.dtype.kind in "OU" else int(c) for c in classes]


# -- every activation, alone and per layer --------------------------------------------

X3, y3 = make_classification(240, 6, n_informative=4, n_classes=3, random_state=0)
ACTIVATIONS = [*HIDDEN, ("selu", "gelu"), ("mish", "leaky_relu"), ("softplus", "silu")]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
def test_every_activation(activation, dtype):
    layers = (7,) if isinstance(activation, str) else (7, 5)
    model = BackpropClassifier(layers, activation=activation, max_iter=40, random_state=0)
    fitted(model, X3, y3)
    # gelu's error function runs in float32 in every graph (see skbp._onnx.network)
    precision = np.float32 if "gelu" in activation else dtype
    check_classifier(model, X3.astype(dtype), precision)


# -- every output kind ------------------------------------------------------------------

Xb, yb = make_classification(200, 5, random_state=1)
Xr, Yr = make_regression(200, 5, n_targets=3, noise=0.5, random_state=2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("loss", "y"),
    [
        ("squared_error", Yr[:, 0]),
        ("squared_error", Yr),  # multi-output
        ("huber", Yr[:, 0]),
        ("absolute_error", Yr[:, 0]),
        ("quantile", Yr),
        ("poisson", np.exp(Yr[:, 0] / 200)),  # 'exp' output
    ],
    ids=["identity", "multi-output", "huber", "absolute", "quantile", "poisson-exp"],
)
def test_regressor_outputs(loss, y, dtype):
    model = fitted(
        BackpropRegressor(hidden_layer_sizes=(6,), loss=loss, max_iter=60, random_state=0), Xr, y
    )
    (out,) = run_onnx(model, Xr.astype(dtype))
    assert out.shape == (len(Xr), 1 if y.ndim == 1 else y.shape[1])
    assert_close(out, model.predict(Xr).reshape(out.shape), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multilabel(dtype):
    Y = np.column_stack([yb, 1 - yb * (Xb[:, 0] > 0), Xb[:, 1] > 0]).astype(int)
    model = fitted(BackpropClassifier((8,), max_iter=60, random_state=0), Xb, Y)
    label, proba = run_onnx(model, Xb.astype(dtype))
    expected = model.predict_proba(Xb)
    assert_close(proba, expected, dtype)
    clear = (np.abs(expected - 0.5) > MARGIN).all(axis=1)
    assert_same_labels(label, model.predict(Xb), clear)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kinds", ["numbers", "text"])
def test_multiclass_multioutput(kinds, dtype):
    Y = np.column_stack([y3, (X3[:, 0] > 0).astype(int) + (X3[:, 1] > 1)])
    if kinds == "text":
        Y = np.array([["abc"[a], "xyz"[b]] for a, b in Y], dtype=object)
    model = fitted(BackpropClassifier((8,), max_iter=60, random_state=0), X3, Y)
    label, probas = run_onnx(model, X3.astype(dtype))
    expected = model.predict_proba(X3)
    assert len(probas) == len(expected) == 2
    for got, want in zip(probas, expected, strict=True):
        assert_close(got, want, dtype)
    clear = np.logical_and.reduce([clear_rows(p) for p in expected])
    assert_same_labels(label, model.predict(X3), clear)


# -- labels of any type, with and without ZipMap ---------------------------------------

LABELS = {
    "int": lambda y: y * 7 - 3,
    "uint8": lambda y: y.astype(np.uint8),
    "bool": lambda y: y.astype(bool),
    "whole-float": lambda y: y * 2.0,
    "str": lambda y: np.array(["no", "yes"])[y],
    "object": lambda y: np.array(["no", "yes"], dtype=object)[y],
}


@pytest.mark.parametrize("zipmap", [False, True, "columns"], ids=str)
@pytest.mark.parametrize("labels", LABELS)
def test_label_types_binary(labels, zipmap):
    y = LABELS[labels](yb)
    model = fitted(BackpropClassifier((6,), max_iter=60, random_state=0), Xb, y)
    X = Xb.astype(np.float32)
    outputs = run_onnx(model, X, options={"zipmap": zipmap})
    expected = model.predict_proba(X)
    if zipmap == "columns":  # one output per class after the labels
        proba = np.column_stack(outputs[1:])
    elif zipmap:
        proba = np.array([list(row.values()) for row in outputs[1]])
    else:
        proba = outputs[1]
    assert_close(proba, expected, np.float32)
    assert_same_labels(outputs[0], model.predict(X), clear_rows(expected))


@pytest.mark.parametrize("zipmap", [False, True])
def test_multiclass_string_labels_and_one_class(zipmap):
    y = np.array(["ant", "bee", "cat"])[y3]
    model = fitted(BackpropClassifier((6,), max_iter=60, random_state=0), X3, y)
    check_classifier(model, X3.astype(np.float32), np.float32, zipmap=zipmap)
    lonely = fitted(BackpropClassifier((4,), max_iter=5, random_state=0), X3, np.full(240, 4))
    label, proba = run_onnx(lonely, X3.astype(np.float32), options={"zipmap": zipmap})
    assert (np.asarray(label) == 4).all()
    assert (proba == 1).all() if not zipmap else all(row == {4: 1.0} for row in proba)


# -- inside scikit-learn's pipelines ----------------------------------------------------


def test_pipeline_with_scaler_and_column_transformer():
    frame = pd.DataFrame(Xr[:, :3], columns=["a", "b", "c"])
    frame["colour"] = np.array(["red", "green", "blue"])[np.arange(200) % 3]
    encode = ColumnTransformer(
        [("num", StandardScaler(), ["a", "b", "c"]), ("cat", OneHotEncoder(), ["colour"])]
    )
    pipe = make_pipeline(
        encode, BackpropRegressor(hidden_layer_sizes=(6,), max_iter=60, random_state=0)
    )
    fitted(pipe, frame, Yr[:, 0])
    X = frame.astype({"a": np.float32, "b": np.float32, "c": np.float32})
    (out,) = run_onnx(pipe, X)
    assert_close(out.ravel(), pipe.predict(X), np.float32)

    clf = make_pipeline(StandardScaler(), BackpropClassifier((6,), max_iter=60, random_state=0))
    fitted(clf, X3, y3)
    check_classifier(clf, X3.astype(np.float32), np.float32)

    # Alone on a DataFrame: one input per column, side by side
    columns = pd.DataFrame(X3, columns=[f"x{j}" for j in range(6)]).astype(np.float32)
    clf = fitted(BackpropClassifier((6,), max_iter=60, random_state=0), columns, y3)
    check_classifier(clf, columns, np.float32)


# -- the tabular estimators, their preprocessing included -------------------------------


def raw_frame(n=300, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": np.where(rng.random(n) < 0.1, np.nan, rng.normal(40, 12, n)),
            "rooms": rng.integers(1, 8, n),
            "owner": rng.random(n) < 0.4,
            "city": rng.choice(["Oslo", "Lima", "Pune", None], n),
            "street": [f"s{i}" for i in rng.integers(0, 30, n)],  # more than max_categories
        }
    )
    frame.loc[0, "city"] = "Oslo"  # to_onnx reads each column's type from the first row
    score = frame["rooms"] + 3 * frame["owner"] + (frame["city"] == "Lima") - frame["age"] / 20
    return frame, np.nan_to_num(score.to_numpy(float))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cv", [3, None])  # three networks averaged; one; both at a temperature
@pytest.mark.parametrize("n_classes", [2, 3])
def test_tabular_classifier_on_a_raw_frame(dtype, cv, n_classes):
    frame, score = raw_frame()
    edges = np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1])
    y = np.array(["low", "mid", "high"])[np.digitize(score, edges)]
    model = fitted(
        TabularClassifier(
            hidden_layer_sizes=(32,), max_iter=5, cv=cv, dtype=dtype, random_state=0
        ),
        frame,
        y,
    )
    assert len(model.networks_) == (cv or 1)
    assert model.temperature_ != 1.0
    check_classifier(model, frame, np.dtype(dtype).type)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tabular_regressor_on_a_raw_frame(dtype):
    frame, score = raw_frame(seed=1)
    Y = np.column_stack([score * 100, np.sin(score)])
    model = fitted(
        TabularRegressor(hidden_layer_sizes=(32,), max_iter=5, dtype=dtype, random_state=0),
        frame,
        Y,
    )
    (out,) = run_onnx(model, frame)
    assert_close(out, model.predict(frame), np.dtype(dtype).type)


def test_tabular_on_an_array_and_the_preprocessor_alone():
    model = fitted(
        TabularRegressor(hidden_layer_sizes=(16,), max_iter=5, random_state=0), Xr, Yr[:, 0]
    )
    X = Xr.astype(np.float32)
    (out,) = run_onnx(model, X)
    assert_close(out.ravel(), model.predict(X), np.float32)

    frame, _ = raw_frame(seed=2)
    prep = TabularPreprocessor(bins=4).fit(frame)
    (out,) = run_onnx(prep, frame)
    assert_close(out, prep.transform(frame), np.float64)

    pipe = make_pipeline(
        TabularPreprocessor(), BackpropClassifier((6,), max_iter=30, random_state=0)
    )
    fitted(pipe, frame, frame["owner"])
    label, proba = run_onnx(pipe, frame, options={"zipmap": False})
    assert_close(proba, pipe.predict_proba(frame), np.float64)
    assert_same_labels(label, pipe.predict(frame), clear_rows(proba))


def test_categorical_column_given_as_numbers_is_refused():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", "b"]})
    prep = TabularPreprocessor().fit(frame)
    with pytest.raises(ValueError, match="'c' was categorical"):
        to_onnx(prep, frame.assign(c=[0.0, 1.0, 0.0, 1.0])[:1])
    with pytest.raises(ValueError, match="opset 19"):
        to_onnx(prep, frame[:1], target_opset=18)


# -- no registration call needed, whichever is imported first -----------------------------

SCRIPT = """
import numpy as np
{imports}
from skl2onnx import to_onnx
X = np.arange(12.0, dtype=np.float32).reshape(6, 2)
model = skbp.BackpropRegressor(hidden_layer_sizes=(3,), max_iter=2).fit(X, X[:, 0])
print(type(to_onnx(model, X[:1])).__name__)
"""


@pytest.mark.parametrize(
    "imports", ["import skbp\nimport skl2onnx", "import skl2onnx\nimport skbp"]
)
def test_import_order_does_not_matter(imports):
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", SCRIPT.format(imports=imports)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "ModelProto", result.stderr


def test_importing_skbp_does_not_import_skl2onnx():
    # Registration waits for skl2onnx's own import: skbp's stays as fast as it was.
    code = "import sys, skbp; print('skl2onnx' in sys.modules, 'onnx' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["False", "False"], result.stderr
