"""What the tabular preprocessor makes of each column: its kind, dates, durations, row ids.

A column's kind follows its dtype. Numbers and booleans are numbers (an
object column too, when every value it holds is a real number); datetimes
(numpy ``datetime64``, pandas' time-zone aware datetimes, periods) are dates;
timedeltas are durations; the rest (category, object, string) is text.
Complex numbers are refused: no single real feature stands for them.

A date becomes a number, the days elapsed since the earliest training
instant, and the calendar cycles that vary in training: day of year, day of
week and hour of day (minutes and seconds as its fraction), each as the sine
and cosine of its phase, so that December 31 sits beside January 1 and 23:59
beside midnight. A time-zone aware column counts elapsed time between UTC
instants (a day is 24 hours, whatever the clocks did) and reads its cycles
from the wall clock of its own zone (a shop opening at 9:00 opens at 9:00 in
summer and in winter). A duration becomes its length in days.

A column that looks like a row identifier carries no signal that generalises
to new rows, only noise inputs, and is left out (``id_columns='drop'``).
Among the rows of positive weight, with at least ``ID_MIN_ROWS`` non-missing
values, that is

* a text or category column in which at least ``ID_DISTINCT`` of the
  non-missing values are distinct (names, e-mail addresses, codes);
* an integer column whose values are all distinct and fill at least half of
  the whole numbers between their minimum and maximum, as a row number or a
  counter does.

Float columns are never ids: measurements are naturally all distinct.

A number is scaled, then smoothly clipped (``smooth_clip``); its quantiles,
weighted by the rows' weights, give its median, quartiles and the edges of
its piecewise-linear bins (``piecewise_linear``).
"""

import numpy as np
import pandas as pd

NS_PER_DAY = 86_400 * 10**9
ID_MIN_ROWS = 20
ID_DISTINCT = 0.95
# Calendar cycles: their period in their own unit. A year is the Gregorian
# calendar's mean length, so that day 1 and day 365 or 366 are neighbours.
CYCLES = {"dayofyear": 365.2425, "dayofweek": 7.0, "hour": 24.0}


def column_kind(name, column):
    """'numeric', 'datetime', 'timedelta' or 'categorical', by dtype."""
    kinds = pd.api.types
    if kinds.is_complex_dtype(column):
        raise _complex(name, column.dtype)
    if kinds.is_datetime64_any_dtype(column) or isinstance(column.dtype, pd.PeriodDtype):
        return "datetime"
    if kinds.is_timedelta64_dtype(column):
        return "timedelta"
    if kinds.is_bool_dtype(column) or kinds.is_numeric_dtype(column):
        return "numeric"
    if column.dtype == object and _all_numbers(name, column):
        return "numeric"
    return "categorical"


def _all_numbers(name, column):
    try:
        parsed = pd.to_numeric(column.dropna(), errors="raise")
    except (TypeError, ValueError):
        return False
    if pd.api.types.is_complex_dtype(parsed):
        raise _complex(name, "object holding complex numbers")
    return True


def _complex(name, dtype):
    return ValueError(
        f"Column {name!r} holds complex numbers ({dtype}), which cannot be features. "
        "Split it into real columns first: its real and imaginary parts (np.real, "
        "np.imag), or its modulus and angle (np.abs, np.angle)."
    )


def floats(name, column):
    """A numeric column as floats, missing values (None, pd.NA) as NaN."""
    values = column.astype(object).where(column.notna(), np.nan).to_numpy()
    try:
        return values.astype(np.float64)
    except (TypeError, ValueError):
        bad = next(v for v in values if not _is_real(v))
        raise ValueError(
            f"Column {name!r} holds {bad!r}, which is not a real number, where the "
            "preprocessor reads numbers (the column held only numbers when it was "
            "fitted). Give it numbers, with NaN or None where a value is missing."
        ) from None


def _is_real(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


# -- numbers: scaling, quantiles, bins ---------------------------------------------------


def smooth_clip(X, c):
    """``x / sqrt(1 + (x / c)**2)``: the identity near 0, tending to +-c for large |x|."""
    return X / np.hypot(1.0, X / c)  # hypot: no overflow for huge |x|


def weighted_quantile(values, weights, q):
    """The q-quantile of weighted values (NaN ignored), as the inverted CDF.

    Where q falls exactly between two values it takes their mean, so unit
    weights give numpy's median; a weight of k counts as k repeats.
    """
    return float(weighted_quantiles(values, weights, [q])[0])


def weighted_quantiles(values, weights, qs):
    """``weighted_quantile`` at each of ``qs``, sorting the values once."""
    qs = np.asarray(qs, dtype=np.float64)
    keep = ~np.isnan(values) & (weights > 0)
    values, weights = values[keep], weights[keep]
    if values.size == 0:
        return np.zeros(qs.shape)
    order = np.argsort(values, kind="stable")
    values, cumulative = values[order], np.cumsum(weights[order])
    targets = qs * cumulative[-1]
    i = np.minimum(np.searchsorted(cumulative, targets, side="left"), values.size - 1)
    after = np.minimum(i + 1, values.size - 1)
    between = (cumulative[i] == targets) & (i + 1 < values.size)
    return np.where(between, 0.5 * (values[i] + values[after]), values[i])


def centre_and_scale(column, weights, scaling):
    """A number's centre and scale: median and interquartile range ('robust') or
    mean and standard deviation ('standard'); the standard deviation, then 1,
    where the spread is 0."""
    mean = np.average(column, weights=weights)
    std = np.sqrt(np.average(np.square(column - mean), weights=weights))
    if scaling == "robust":
        center, q1, q3 = weighted_quantiles(column, weights, (0.5, 0.25, 0.75))
        spread = q3 - q1
    else:
        center, spread = mean, std
    return center, spread if spread > 0 else (std if std > 0 else 1.0)


def piecewise_linear(x, edges):
    """Piecewise-linear encoding of x over bins [e_0, e_1), ..., [e_{B-1}, e_B].

    One column per bin: 1 for the bins below x's, 0 above it, and in its own
    bin the fraction ``(x - e_{t-1}) / (e_t - e_{t-1})`` of the way across
    (clipped to [0, 1] outside the training range). A network can then bend
    its response at every bin edge (Gorishniy et al., 2022).
    """
    if len(edges) < 2:
        return np.empty((len(x), 0))
    lower, width = edges[:-1], np.diff(edges)
    return np.clip((x[:, None] - lower) / width, 0.0, 1.0)


# -- row identifiers -------------------------------------------------------------------


def looks_like_ids(column, kind, present):
    """Whether a column looks like a row identifier (see the module docstring)."""
    values = column[present].dropna()
    if len(values) < ID_MIN_ROWS or pd.api.types.is_bool_dtype(column):
        return False
    if kind == "categorical":
        return values.astype(str).nunique() >= ID_DISTINCT * len(values)
    if kind != "numeric" or not pd.api.types.is_integer_dtype(column):
        return False
    numbers = values.to_numpy(dtype=np.float64)
    if np.unique(numbers).size < len(numbers):
        return False
    return numbers.max() - numbers.min() + 1 <= 2 * len(numbers)


def id_warning(names):
    return (
        f"Column(s) {names} look like row identifiers (text in which at least "
        f"{ID_DISTINCT:.0%} of the values are distinct, or distinct integers that count "
        f"rows, over {ID_MIN_ROWS} rows or more) and are left out of the features. Pass "
        "id_columns='keep' to use them."
    )


# -- dates and durations -----------------------------------------------------------------


def datetimes(name, column, zone):
    """A date column as datetimes: naive, or in ``zone`` (the zone seen in fit)."""
    if isinstance(column.dtype, pd.PeriodDtype):
        column = column.dt.to_timestamp()
    if not pd.api.types.is_datetime64_any_dtype(column):
        raise ValueError(
            f"Column {name!r} held datetimes when the preprocessor was fitted; it now "
            f"has dtype {column.dtype}. Convert it with pd.to_datetime."
        )
    if (column.dt.tz is None) != (zone is None):
        fitted = "naive" if zone is None else f"in time zone {zone}"
        raise ValueError(
            f"Column {name!r} held datetimes {fitted} when the preprocessor was fitted; "
            "give it the same kind (tz_localize or tz_convert it)."
        )
    return column if zone is None else column.dt.tz_convert(zone)


def instants(column):
    """Nanoseconds since 1970-01-01 (UTC for aware datetimes), NaT as int64's minimum."""
    if column.dt.tz is not None:
        column = column.dt.tz_convert(None)  # UTC, naive
    return column.to_numpy(dtype="datetime64[ns]").view(np.int64)


def elapsed_days(column, origin):
    """Days from ``origin`` (nanoseconds, as ``instants``), NaN where missing."""
    ns = instants(column)
    days = (ns - origin).astype(np.float64) / NS_PER_DAY
    return np.where(column.isna().to_numpy(), np.nan, days)


def origin(column, present):
    """The earliest instant among the rows of positive weight (the epoch if none)."""
    ns = instants(column)[present & column.notna().to_numpy()]
    return int(ns.min()) if ns.size else 0


def cycle_values(column):
    """Per calendar cycle, its value on the wall clock (NaN where missing)."""
    wall = column.dt.tz_localize(None) if column.dt.tz is not None else column
    into_day = np.mod(wall.to_numpy(dtype="datetime64[ns]").view(np.int64), NS_PER_DAY)
    hours = np.where(column.isna().to_numpy(), np.nan, into_day / (NS_PER_DAY / 24))
    return {
        "dayofyear": wall.dt.day_of_year.to_numpy(np.float64, na_value=np.nan),
        "dayofweek": wall.dt.day_of_week.to_numpy(np.float64, na_value=np.nan),
        "hour": hours,
    }


def varying_cycles(column, present):
    """The cycles that take more than one value among the rows of positive weight."""
    values = cycle_values(column)
    kept = []
    for cycle, v in values.items():
        seen = v[present & ~np.isnan(v)]
        if np.unique(seen).size > 1:
            kept.append(cycle)
    return tuple(kept)


def cyclic_features(column, cycles):
    """sin and cos of each cycle's phase, 2 pi value / period, both 0 where missing."""
    values = cycle_values(column)
    features = []
    for cycle in cycles:
        phase = 2 * np.pi * values[cycle] / CYCLES[cycle]
        features += [np.sin(phase), np.cos(phase)]
    matrix = np.column_stack(features) if features else np.empty((len(column), 0))
    return np.nan_to_num(matrix, nan=0.0)


def duration_days(name, column):
    """A duration column's lengths in days, NaN where missing."""
    if not pd.api.types.is_timedelta64_dtype(column):
        raise ValueError(
            f"Column {name!r} held durations when the preprocessor was fitted; it now "
            f"has dtype {column.dtype}. Convert it with pd.to_timedelta."
        )
    ns = column.to_numpy(dtype="timedelta64[ns]").view(np.int64)
    return np.where(column.isna().to_numpy(), np.nan, ns / NS_PER_DAY)


def labels(column):
    """A categorical column as an object array of strings, missing values as None."""
    values = column.astype(object).to_numpy()
    missing = pd.isna(values)
    values = values.astype(str).astype(object)
    values[missing] = None
    return values


def kept_categories(labels, weights, max_categories=None):
    """(categories with a column of their own, whether there is an "other" column).

    Without ``max_categories``, every category of positive weight is kept."""
    present = weights > 0
    names, inverse = np.unique(labels[present].astype(str), return_inverse=True)
    totals = np.bincount(inverse, weights=weights[present], minlength=len(names))
    labels_by_name = dict(zip(labels[present].astype(str), labels[present], strict=False))
    kept = [labels_by_name[n] for n in names]
    if max_categories is None or len(kept) <= max_categories:
        return kept, False
    order = np.argsort(-totals, kind="stable")[: max_categories - 1]
    return [kept[i] for i in sorted(order)], True


def one_hot(labels, kept, other):
    """One column per kept category, then the "other" column if there is one."""
    columns = [_equals(labels, category) for category in kept]
    if other:
        columns.append(~np.any(columns, axis=0) if columns else np.ones(len(labels), bool))
    return np.column_stack(columns).astype(np.float64) if columns else np.empty((len(labels), 0))


def _equals(labels, category):
    if category is None:
        return np.array([label is None for label in labels])
    return labels == category


def n_categories(labels, present):
    """How many distinct categories the rows of positive weight hold."""
    return len({str(label) for label in labels[present]})
