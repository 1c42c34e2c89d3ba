"""ONNX export of pandas' nullable, string, date and duration columns.

``to_onnx(model, df[:1])`` must type every column, and onnxruntime must then
compute what ``transform``, ``predict`` and ``predict_proba`` do, the
calendar features included, over the whole range of datetime64[ns].
"""

import datetime as dt
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skl2onnx import to_onnx  # noqa: E402
from skl2onnx.common.data_types import DoubleTensorType  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from skbp import TabularClassifier, TabularPreprocessor, TabularRegressor  # noqa: E402

RTOL = {np.float32: 2e-5, np.float64: 1e-9}  # as in test_onnx.py


def feeds(frame):
    """Each column as the graph takes it (see skbp._onnx.preprocess), written out here."""
    out = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.PeriodDtype):
            column = column.dt.to_timestamp()
        if pd.api.types.is_datetime64_any_dtype(column):
            if column.dt.tz is not None:
                column = column.dt.tz_convert(None)
            values = column.to_numpy("datetime64[ns]").view(np.int64)
        elif pd.api.types.is_timedelta64_dtype(column):
            values = column.to_numpy("timedelta64[ns]").view(np.int64)
        elif isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":  # numpy
            values = column.to_numpy()
        elif pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            values = column.to_numpy(np.float64, na_value=np.nan)  # nullable: NaN for pd.NA
        else:  # text, a missing value as ''
            values = np.array(["" if pd.isna(v) else str(v) for v in column], dtype=object)
        out[name] = values.reshape(-1, 1)
    return out


def run(model, frame, options=None):
    onx = to_onnx(model, frame[:1], options=options)
    settings = ort.SessionOptions()
    settings.intra_op_num_threads = 1
    session = ort.InferenceSession(
        onx.SerializeToString(), settings, providers=["CPUExecutionProvider"]
    )
    return session.run(None, feeds(frame))


def assert_close(actual, expected, dtype):
    expected = np.asarray(expected, np.float64)
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(actual, expected, rtol=RTOL[dtype], atol=RTOL[dtype] * scale)


def table(n=120, seed=0):
    """Every kind the skl2onnx guess alone cannot type; a missing value in the first row."""
    rng = np.random.default_rng(seed)
    k = np.arange(n)
    when = pd.Series(pd.to_datetime(rng.integers(0, 4 * 365 * 86400, n), unit="s"))
    frame = pd.DataFrame(
        {
            "count": pd.array(
                [None if i % 5 == 0 else int(v) for i, v in enumerate(k % 9)], "Int64"
            ),
            "flag": pd.array([None if i % 4 == 0 else bool(i % 3) for i in k], "boolean"),
            "kind": pd.array([None if i % 3 == 0 else "abc"[i % 3] for i in k], "string"),
            "when": when.where(k % 7 != 0),  # NaT first
            "stamp": (when + pd.Timedelta("3h")).dt.tz_localize("UTC"),
            "took": pd.to_timedelta(rng.integers(60, 10**5, n), unit="s").where(k % 6 != 0),
            "x": rng.normal(size=n),
            "ticket": np.arange(n),  # a row id: left out, its input unused
        }
    )
    is_a = (frame["kind"].fillna("") == "a").to_numpy(np.float64)
    return frame, frame["x"].to_numpy() + is_a + np.sin(when.dt.hour.to_numpy() / 4)


def fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match="'ticket'"):
            return model.fit(X, y)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tabular_classifier_exports_every_column_kind(dtype):
    X, score = table()
    y = np.where(score > np.median(score), "high", "low")
    model = fit(TabularClassifier((16,), max_iter=5, dtype=dtype, random_state=0), X, y)
    assert model.preprocessor_.datetime_columns_ == ["when", "stamp"]
    label, proba = run(model, X, options={"zipmap": False})
    expected = model.predict_proba(X)
    assert_close(proba, expected, np.dtype(dtype).type)
    clear = np.abs(expected[:, 1] - 0.5) > 1e-5
    np.testing.assert_array_equal(label[clear], model.predict(X)[clear])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tabular_regressor_exports_every_column_kind(dtype):
    X, score = table(seed=1)
    model = fit(TabularRegressor((16,), max_iter=5, dtype=dtype, random_state=0), X, score)
    (out,) = run(model, X)
    assert_close(out.ravel(), model.predict(X), np.dtype(dtype).type)


def dates_everywhere():
    """Dates across datetime64[ns]'s range: leap days, century years, before 1970."""
    rng = np.random.default_rng(2)
    low, high = pd.Timestamp.min.value + 1, pd.Timestamp.max.value
    spread = pd.to_datetime(rng.integers(low, high, 500), unit="ns")
    edges = pd.DatetimeIndex(
        [
            pd.Timestamp(when)  # one by one: pandas 1.5 reads mixed precision no other way
            for when in (
                "1677-09-21 00:12:43.145224193",  # the first representable day, cut short
                "1900-02-28 23:59",
                "1900-03-01",  # 1900: no leap day
                "1969-12-31 23:59:59.999999999",
                "1970-01-01",
                "2000-02-29 12:00",  # 2000: a leap day
                "2000-12-31 23:00",
                "2024-12-31",
                "2262-04-11 23:47:16.854775807",
            )
        ]
    )
    return pd.Series(spread.append(edges))


def test_calendar_features_over_the_whole_datetime_range():
    dates = dates_everywhere()
    fixed, day = dt.timezone(dt.timedelta(hours=5, minutes=45)), pd.Timedelta("1D")
    X = pd.DataFrame(
        {
            "naive": dates,
            # a day inside the range's ends, so that the wall clock stays inside too
            "nepal": dates.clip(pd.Timestamp.min + day, pd.Timestamp.max - day)
            .dt.tz_localize("UTC")
            .dt.tz_convert(fixed),
        }
    )
    X.loc[7, "naive"] = pd.NaT
    prep = TabularPreprocessor(bins=5).fit(X)
    assert prep.datetime_cycles_ == [("dayofyear", "dayofweek", "hour")] * 2
    (out,) = run(prep, X)
    assert_close(out, prep.transform(X), np.float64)


def test_a_zone_with_daylight_saving_time_is_refused_for_its_calendar():
    when = pd.Series(pd.date_range("2024-03-20", periods=30, freq="19h", tz="Europe/Paris"))
    X = pd.DataFrame({"when": when, "x": np.arange(30.0) % 4})
    prep = TabularPreprocessor().fit(X)
    with pytest.raises(ValueError, match=r"'when' is in time zone Europe/Paris.*tz_convert"):
        to_onnx(prep, X[:1])
    # Weekly at midnight: only the day of the year varies, and it needs the calendar.
    weekly = pd.Series(pd.date_range("2024-03-20", periods=30, freq="7D", tz="Europe/Paris"))
    prep = TabularPreprocessor().fit(X.assign(when=weekly))
    assert prep.datetime_cycles_ == [("dayofyear",)]
    with pytest.raises(ValueError, match="'when' is in time zone"):
        to_onnx(prep, X[:1])
    # One instant: no cycle varies, elapsed time needs no calendar, and the model exports.
    once = X.assign(when=when.iloc[[0] * 30].reset_index(drop=True))
    prep = TabularPreprocessor().fit(once)
    (out,) = run(prep, once)
    assert_close(out, prep.transform(once), np.float64)


def test_a_date_given_as_another_type_is_refused_with_the_recipe():
    X = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=5), "x": np.arange(5.0)})
    prep = TabularPreprocessor().fit(X)
    types = [("when", DoubleTensorType([None, 1])), ("x", DoubleTensorType([None, 1]))]
    with pytest.raises(ValueError, match=r"'when' was a date column.*int64 nanoseconds"):
        to_onnx(prep, initial_types=types)


SCRIPT = """
import pandas as pd
import skbp
from skl2onnx import to_onnx
X = pd.DataFrame({"n": pd.array([None, 1, 2], "Int64"), "t": pd.date_range("2024", periods=3)})
print(type(to_onnx(skbp.TabularPreprocessor().fit(X), X[:1])).__name__)
"""


def test_importing_skbp_is_enough_for_to_onnx_to_type_pandas_columns():
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", SCRIPT], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ModelProto", result.stderr


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_target_encoded_columns_export_with_unseen_and_missing_categories(dtype):
    rng = np.random.default_rng(3)
    n = 300
    shop = np.array([f"s{i}" for i in rng.integers(0, 30, n)], dtype=object)
    shop[::13] = None
    X = pd.DataFrame({"shop": shop, "x": rng.normal(size=n)})
    score = rng.normal(size=30)[rng.integers(0, 30, n)] + X["x"].to_numpy()
    y = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier = TabularClassifier((16,), max_iter=5, dtype=dtype, random_state=0).fit(X, y)
        regressor = TabularRegressor((16,), max_iter=5, dtype=dtype, random_state=0).fit(X, score)
    assert classifier.preprocessor_.target_columns_ == ["shop"]
    new = X.assign(shop=X["shop"].where(np.arange(n) % 5 != 0, "a shop never seen"))
    _, proba = run(classifier, new, options={"zipmap": False})
    assert_close(proba, classifier.predict_proba(new), np.dtype(dtype).type)
    (out,) = run(regressor, new)
    assert_close(out.ravel(), regressor.predict(new), np.dtype(dtype).type)
