"""Dates, durations and row identifiers in TabularPreprocessor; feature names and set_output.

Expected values are derived here with the standard library's datetime (day
of year, weekday, elapsed time), independently of pandas' accessors.
"""

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from skbp import TabularPreprocessor, TabularRegressor

RAW = dict(scaling=None, clip=None)  # the numbers as they are, to compare by hand
YEAR, WEEK, DAY = 365.2425, 7.0, 24.0

STAMPS = [
    dt.datetime(2024, 1, 1, 0, 0),
    dt.datetime(2024, 3, 1, 6, 30),  # after a leap day: day 61
    dt.datetime(2023, 12, 31, 23, 45),  # the earliest: the origin
    None,
    dt.datetime(2024, 7, 4, 12, 0),
]


def fitted(X, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no id warning expected unless a test says so
        return TabularPreprocessor(**params).fit(X)


def by_name(prep, X):
    return dict(zip(prep.get_feature_names_out(), prep.transform(X).T, strict=True))


def cyclic(value, period):
    return np.sin(2 * np.pi * value / period), np.cos(2 * np.pi * value / period)


def test_datetime_becomes_elapsed_days_and_calendar_cycles():
    X = pd.DataFrame({"when": pd.to_datetime(pd.Series(STAMPS))})
    prep = fitted(X, **RAW)
    assert prep.datetime_columns_ == ["when"]
    assert prep.numeric_columns_ == prep.categorical_columns_ == []
    assert prep.datetime_cycles_ == [("dayofyear", "dayofweek", "hour")]
    out = by_name(prep, X)

    origin = dt.datetime(2023, 12, 31, 23, 45)
    days = [(s - origin).total_seconds() / 86400 for s in STAMPS if s is not None]
    median = np.median(days)  # imputed for the missing date
    np.testing.assert_allclose(out["when__days"], [*days[:3], median, days[3]], rtol=1e-12)
    np.testing.assert_array_equal(out["when__missing"], [0, 0, 0, 1, 0])

    present = [0, 1, 2, 4]
    day_of_year = [1, 61, 365, 186]
    weekday = [s.weekday() for s in STAMPS if s is not None]  # Monday is 0
    hours = [0.0, 6.5, 23.75, 12.0]
    for cycle, values, period in [
        ("dayofyear", day_of_year, YEAR),
        ("dayofweek", weekday, WEEK),
        ("hour", hours, DAY),
    ]:
        sin, cos = cyclic(np.array(values, float), period)
        np.testing.assert_allclose(out[f"when__{cycle}_sin"][present], sin, atol=1e-12)
        np.testing.assert_allclose(out[f"when__{cycle}_cos"][present], cos, atol=1e-12)
        assert out[f"when__{cycle}_sin"][3] == out[f"when__{cycle}_cos"][3] == 0.0


@pytest.mark.parametrize(
    ("dates", "cycles"),
    [
        (pd.date_range("2024-01-01", periods=30, freq="D"), ("dayofyear", "dayofweek")),
        (pd.date_range("2024-01-01 09:00", periods=30, freq="7D"), ("dayofyear",)),
        (pd.date_range("2024-05-02", periods=30, freq="20min"), ("hour",)),
        (pd.DatetimeIndex(["2024-05-02 10:00"] * 5), ()),
    ],
    ids=["daily", "weekly", "within-a-day", "constant"],
)
def test_only_the_cycles_that_vary_in_training_are_encoded(dates, cycles):
    X = pd.DataFrame({"t": dates})
    prep = fitted(X)
    assert prep.datetime_cycles_ == [cycles]
    names = list(prep.get_feature_names_out())
    assert names == ["t__days", *(f"t__{c}_{f}" for c in cycles for f in ("sin", "cos"))]


def test_time_zone_aware_dates_count_utc_time_and_read_the_local_clock():
    # Paris moved its clocks from 2:00 to 3:00 on 2024-03-31: 01:30 and 03:30 are an hour apart.
    local = ["2024-03-30 01:30", "2024-03-31 01:30", "2024-03-31 03:30", "2024-04-01 10:00"]
    X = pd.DataFrame({"t": pd.to_datetime(pd.Series(local)).dt.tz_localize("Europe/Paris")})
    prep = fitted(X, **RAW)
    assert str(prep.datetime_zones_[0]) == "Europe/Paris"
    out = by_name(prep, X)
    # In UTC: 00:30 on March 30 and 31, 01:30 on March 31, 08:00 on April 1.
    utc_hours = np.array([0.0, 24.0, 25.0, 55.5])
    np.testing.assert_allclose(out["t__days"], utc_hours / 24, rtol=1e-12)
    sin, cos = cyclic(np.array([1.5, 1.5, 3.5, 10.0]), DAY)  # the wall clock
    np.testing.assert_allclose(out["t__hour_sin"], sin, atol=1e-12)
    np.testing.assert_allclose(out["t__hour_cos"], cos, atol=1e-12)

    # The same instants in another zone are converted back to Paris time.
    in_utc = X.assign(t=X["t"].dt.tz_convert("UTC"))
    np.testing.assert_allclose(prep.transform(in_utc), prep.transform(X), atol=1e-12)
    with pytest.raises(ValueError, match="'t' held datetimes in time zone Europe/Paris"):
        prep.transform(X.assign(t=X["t"].dt.tz_localize(None)))


def test_periods_are_dates_and_durations_are_days():
    X = pd.DataFrame(
        {
            "month": pd.Series(pd.period_range("2023-11", periods=4, freq="M")),
            "took": pd.to_timedelta(["1 days 12:00:00", None, "0 days 00:36:00", "3 days"]),
        }
    )
    prep = fitted(X, **RAW)
    assert prep.datetime_columns_ == ["month"]
    assert prep.timedelta_columns_ == ["took"]
    out = by_name(prep, X)
    np.testing.assert_allclose(out["month__days"], [0, 30, 61, 92])  # Nov, Dec, Jan, Feb
    lengths = [1.5, 0.025, 3.0]
    np.testing.assert_allclose(out["took__days"], [1.5, np.median(lengths), 0.025, 3.0])
    np.testing.assert_array_equal(out["took__missing"], [0, 1, 0, 0])
    with pytest.raises(ValueError, match="'took' held durations"):
        prep.transform(X.assign(took=[1.0, 2.0, 3.0, 4.0]))


def test_a_datetime_column_no_longer_becomes_categories():
    X = pd.DataFrame({"t": pd.date_range("2020-01-01", periods=40, freq="MS")})
    names = fitted(X).get_feature_names_out()
    assert not [n for n in names if "=" in n]
    assert len(names) == 1 + 4  # days, then day of year and day of week


# -- row identifiers ---------------------------------------------------------------------


def id_frame(n=30):
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "row": np.arange(100, 100 + n),  # a counter
            "email": [f"user{i}@example.org" for i in range(n)],
            "height": rng.normal(170, 10, n),  # all distinct, yet a measurement
            "code": rng.choice(10**9, n, replace=False),  # distinct, but spread out
            "city": rng.choice(["Oslo", "Lima"], n),
        }
    )


def test_id_columns_are_left_out_with_a_warning_that_names_them():
    X = id_frame()
    with pytest.warns(UserWarning, match=r"\['row', 'email'\].*id_columns='keep'"):
        prep = TabularPreprocessor().fit(X)
    assert prep.dropped_columns_ == ["row", "email"]
    assert prep.numeric_columns_ == ["height", "code"]
    names = prep.get_feature_names_out()
    assert not [n for n in names if n.startswith(("row", "email"))]
    assert prep.transform(X).shape == (len(X), len(names))

    kept = fitted(X, id_columns="keep")
    assert kept.dropped_columns_ == []
    assert kept.numeric_columns_ == ["row", "height", "code"]
    assert "email" in kept.categorical_columns_


@pytest.mark.parametrize(
    "column",
    [
        np.arange(19),  # too few rows to tell
        np.r_[np.arange(29), 3],  # a repeated value: a count, not an id
        pd.array([*range(25), None], dtype="Int64") * 3,  # spaced: a third of the range
        [f"name{i % 25}" for i in range(30)],  # 25 distinct of 30: under 95 %
        pd.Categorical([f"c{i}" for i in range(18)] + [None] * 12),  # 18 present: too few
    ],
    ids=["few-rows", "repeated", "spaced", "repeated-text", "few-present"],
)
def test_columns_that_are_not_ids_stay(column):
    X = pd.DataFrame({"c": column})
    assert fitted(X).dropped_columns_ == []


def test_nearly_unique_text_and_nullable_counters_are_ids():
    text = [f"name{i}" for i in range(39)] + ["name0"]  # 39 distinct of 40: 97.5 %
    counter = pd.array([None, *range(1, 30)], dtype="Int64")
    X = pd.DataFrame({"name": text[:30], "n": counter, "x": np.linspace(0, 1, 30)})
    with pytest.warns(UserWarning, match="'name', 'n'"):
        assert TabularPreprocessor().fit(X).dropped_columns_ == ["name", "n"]
    with pytest.warns(UserWarning, match="'name'"):
        TabularPreprocessor().fit(pd.DataFrame({"name": text}))


def test_zero_weight_rows_do_not_make_an_id():
    X = pd.DataFrame({"k": np.r_[np.arange(25), np.arange(5)]})
    weights = np.r_[np.ones(25), np.zeros(5)]
    with pytest.warns(UserWarning, match="'k'"):
        TabularPreprocessor().fit(X, sample_weight=weights)
    assert fitted(X).dropped_columns_ == []  # with the repeats, a count


# -- what cannot be read as numbers -------------------------------------------------------


def test_complex_columns_are_refused_with_a_way_out():
    before = TabularPreprocessor().fit(pd.DataFrame({"a": [1.0, 2.0]}))
    state = dict(vars(before))
    for z in (np.array([1 + 2j, 3j]), pd.Series([1 + 2j, 3.0], dtype=object)):
        with pytest.raises(ValueError, match=r"Column 'z' holds complex numbers.*np\.real"):
            before.fit(pd.DataFrame({"a": [1.0, 2.0], "z": z}))
    assert vars(before).keys() == state.keys()  # the failed fits changed nothing
    assert before.columns_ == ["a"]


def test_text_in_a_numeric_column_names_the_column():
    prep = fitted(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4, 5, 6]}))
    with pytest.raises(ValueError, match=r"Column 'b' holds 'five', which is not a real number"):
        prep.transform(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4, "five", None]}))
    with pytest.raises(ValueError, match=r"'a' held datetimes|Column 'a' holds"):
        prep.transform(pd.DataFrame({"a": pd.date_range("2020", periods=3), "b": [1, 2, 3]}))


# -- feature names and set_output ---------------------------------------------------------


def every_kind(n=40):
    rng = np.random.default_rng(1)
    when = pd.Series(pd.date_range("2022-01-01", periods=n, freq="31h"))
    when[3] = pd.NaT
    return pd.DataFrame(
        {
            "age": np.where(np.arange(n) % 6 == 0, np.nan, rng.normal(40, 9, n)),
            "rooms": rng.integers(1, 5, n),
            "owner": rng.random(n) < 0.5,
            "city": rng.choice(["Oslo", "Lima", "Pune", None], n),
            "when": when,
            "took": pd.to_timedelta(rng.integers(1, 100, n), unit="min"),
            "row": np.arange(n),
        }
    )


@pytest.mark.parametrize("bins", [None, 3])
@pytest.mark.parametrize("max_categories", [2, 20])
def test_feature_names_follow_transform_for_every_kind(bins, max_categories):
    X = every_kind()
    with pytest.warns(UserWarning, match="'row'"):
        prep = TabularPreprocessor(bins=bins, max_categories=max_categories).fit(X)
    names = prep.get_feature_names_out()
    assert len(names) == prep.transform(X).shape[1] == len(set(names))
    assert list(names[:5]) == ["age", "rooms", "owner", "when__days", "took__days"]
    assert list(names[5:7]) == ["age__missing", "when__missing"]
    one_hot = [n for n in names if n.startswith("city=")]
    if max_categories == 2:  # the most frequent city, then "other"
        assert len(one_hot) == 2
        assert one_hot[-1] == "city=__other__"
    else:
        assert set(one_hot) == {"city=__missing__", "city=Lima", "city=Oslo", "city=Pune"}
    assert sum(n.startswith("age__bin") for n in names) == (3 if bins else 0)


def test_feature_names_of_an_array_and_given_names():
    X = np.array([[1.0, np.nan], [2.0, 5.0], [3.0, 6.0]])
    prep = fitted(X)
    assert list(prep.get_feature_names_out()) == ["x0", "x1", "x1__missing"]
    assert list(prep.get_feature_names_out(["a", "b"])) == ["a", "b", "b__missing"]
    assert not hasattr(prep, "feature_names_in_")
    assert prep.n_features_in_ == 2
    frame = fitted(pd.DataFrame(X, columns=["a", "b"]))
    np.testing.assert_array_equal(frame.feature_names_in_, ["a", "b"])
    with pytest.raises(ValueError, match="input_features"):
        frame.get_feature_names_out(["a", "c"])


def test_set_output_pandas_alone_and_in_a_pipeline():
    X = every_kind().drop(columns="row")
    prep = TabularPreprocessor().set_output(transform="pandas").fit(X)
    out = prep.transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(prep.get_feature_names_out())
    pd.testing.assert_index_equal(out.index, X.index)

    y = (X["rooms"] > 2).to_numpy()
    pipe = Pipeline([("prep", TabularPreprocessor()), ("model", LogisticRegression())])
    pipe.set_output(transform="pandas").fit(X, y)
    inner = pipe[:-1].transform(X)
    assert list(inner.columns) == list(pipe[0].get_feature_names_out())
    np.testing.assert_array_equal(pipe[-1].feature_names_in_, inner.columns)
    assert pipe.score(X, y) > 0.9  # rooms is among the inputs


def test_tabular_regressor_on_a_frame_with_dates():
    n = 80
    when = pd.Series(pd.date_range("2021-01-01", periods=n, freq="5D"))
    X = pd.DataFrame({"when": when, "x": np.linspace(-1, 1, n)})
    y = np.sin(2 * np.pi * when.dt.day_of_year.to_numpy() / YEAR) + X["x"].to_numpy()
    model = TabularRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, y)
    pred = model.predict(X)
    assert pred.shape == (n,)
    assert np.isfinite(pred).all()
    assert model.preprocessor_.datetime_columns_ == ["when"]
