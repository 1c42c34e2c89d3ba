"""A fitted TabularPreprocessor as ONNX nodes, in float64 as ``transform`` computes.

The inputs are the original columns: one input per DataFrame column (what
``skl2onnx.to_onnx(model, df)`` declares) or matrices whose columns follow
one another. What each column is given as:

* numbers: any numeric tensor, or text (parsed); pandas' nullable integers
  and booleans as doubles, a missing value as NaN;
* categories: text, a missing value as the empty string;
* dates: int64 nanoseconds since 1970-01-01 (UTC instants for time-zone
  aware columns), a missing value (NaT) as int64's minimum, which is what
  ``column.dt.tz_convert(None)`` (aware) or ``column`` (naive), then
  ``.to_numpy("datetime64[ns]").view("int64")``, gives;
* durations: int64 nanoseconds, NaT as int64's minimum, as
  ``column.to_numpy("timedelta64[ns]").view("int64")`` gives;
* columns left out as row identifiers: anything (unused).

The calendar cycles of a date are computed from its wall-clock time with
whole-day integer arithmetic on the civil (proleptic Gregorian) calendar.
The wall clock is the instant itself for naive dates and the instant plus
the zone's offset for zones of fixed offset (UTC among them). A zone whose
offset changes (daylight saving time) would need the time-zone database:
such a column's cycles are refused with an error that says what to do.

``to_onnx`` reads the input types from the DataFrame's first row, and
skl2onnx guesses none for pandas' nullable, string, datetime and duration
columns; :func:`extend_type_guessing` teaches it the types above.
"""

from datetime import timedelta

import numpy as np
import pandas as pd
from skl2onnx.common.data_types import (
    DoubleTensorType,
    Int64TensorType,
    StringTensorType,
)

from .._columns import CYCLES, NS_PER_DAY
from .graph import Graph

NAT = np.iinfo(np.int64).min  # NaT's nanoseconds


def output_width(prep):
    """Columns of ``transform``'s output."""
    return len(prep.get_feature_names_out())


def _input_columns(g, prep, inputs):
    """Each original column as an (n, 1) tensor, with its input variable's type."""
    columns = []
    for variable in inputs:
        shape = variable.type.shape
        width = shape[1] if len(shape) == 2 else None
        if width is None:
            raise ValueError(
                f"Input {variable.onnx_name!r} has no known number of columns; give "
                "initial_types with shapes such as [None, 1]."
            )
        for j in range(width):
            name = variable.full_name if width == 1 else g.column(variable.full_name, j)
            columns.append((name, type(variable.type)))
    if len(columns) != len(prep.columns_):
        raise ValueError(
            f"The inputs have {len(columns)} columns; the preprocessor was fitted on "
            f"{len(prep.columns_)}."
        )
    return dict(zip(prep.columns_, columns, strict=True))


def _typed(by_name, name, expected, what):
    """The tensor of column ``name``, which must come as ``expected``."""
    tensor, kind = by_name[name]
    if kind is not expected:
        raise ValueError(f"Column {name!r} was {what} when the model was fitted; {_GIVE[what]}")
    return tensor


_GIVE = {
    "categorical": "give it as a string input (StringTensorType).",
    "a date column": (
        "give it as int64 nanoseconds since 1970-01-01, NaT as int64's minimum "
        '(Int64TensorType): column.to_numpy("datetime64[ns]").view("int64"), after '
        "column.dt.tz_convert(None) for a time-zone aware column."
    ),
    "a duration column": (
        "give it as int64 nanoseconds, NaT as int64's minimum (Int64TensorType): "
        'column.to_numpy("timedelta64[ns]").view("int64").'
    ),
}


def _numeric_block(g, prep, numbers):
    """Scaled and smoothly clipped numbers, missing indicators and piecewise-linear bins."""
    missing = g.op("IsNaN", numbers)
    filled = g.op("Where", missing, g.const(prep.median_), numbers)
    scaled = g.op("Div", g.op("Sub", filled, g.const(prep.center_)), g.const(prep.scale_))
    if prep.clip is not None:  # x / sqrt(1 + (x / c)^2)
        ratio = g.op("Div", scaled, g.const(prep.clip))
        root = g.op("Sqrt", g.op("Add", g.op("Mul", ratio, ratio), g.const(1.0)))
        scaled = g.op("Div", scaled, root)
    blocks = [scaled]
    if len(prep.missing_columns_):
        indices = g.const(prep.missing_columns_, np.int64)
        blocks.append(g.cast(g.op("Gather", missing, indices, axis=1), np.float64))
    for j, edges in enumerate(prep.bin_edges_):
        if len(edges) >= 2:  # clip((x - e_lower) / width, 0, 1), one column per bin
            lower, width = g.const(edges[:-1]), g.const(np.diff(edges))
            fraction = g.op("Div", g.op("Sub", g.column(filled, j), lower), width)
            blocks.append(g.op("Clip", fraction, g.const(0.0), g.const(1.0)))
    return blocks


def _nanoseconds(g, tensor):
    """(int64 nanoseconds with NaT as 0, NaT mask)."""
    missing = g.op("Equal", tensor, g.const(NAT, np.int64))
    return g.op("Where", missing, g.const(0, np.int64), tensor), missing


def _days(g, ns, missing, origin=0):
    """Days from ``origin`` (float64), NaN where missing, as ``skbp._columns`` computes."""
    elapsed = g.cast(g.op("Sub", ns, g.const(origin, np.int64)), np.float64)
    days = g.op("Div", elapsed, g.const(float(NS_PER_DAY)))
    return g.op("Where", missing, g.const(np.nan), days)


def _whole_days(g, ns):
    """(days since 1970-01-01 rounded down, nanoseconds into the day), exactly in int64."""
    day = g.const(NS_PER_DAY, np.int64)
    truncated = g.op("Div", ns, day)  # towards 0: one day too many before 1970
    late = g.cast(g.op("Greater", g.op("Mul", truncated, day), ns), np.int64)
    return g.op("Sub", truncated, late), g.op("Mod", ns, day, fmod=0)


def _day_of_year(g, days):
    """Day of the year (1 to 366) of days since 1970-01-01, on the civil calendar.

    Counted from 0000-03-01, years run March to February, so that the leap
    day ends them: 400-year eras of 146097 days, then the year of the era
    and the day since March 1 (H. Hinnant's ``civil_from_days``). Every
    operand is >= 0, where ONNX's truncating division is floor division.
    """
    n = _Integers(g)
    z = n.add(days, 719468)
    era = n.div(z, 146097)
    doe = n.sub(z, n.mul(era, 146097))  # day of the era, 0 to 146096
    yoe = n.div(
        n.add(n.sub(doe, n.div(doe, 1460)), n.sub(n.div(doe, 36524), n.div(doe, 146096))), 365
    )  # year of the era, 0 to 399
    since_march = n.sub(doe, n.add(n.mul(yoe, 365), n.sub(n.div(yoe, 4), n.div(yoe, 100))))
    leap = g.op(
        "Or", g.op("And", n.divides(4, yoe), g.op("Not", n.divides(100, yoe))), n.divides(400, yoe)
    )
    march_to_december = n.add(since_march, n.add(g.cast(leap, np.int64), 60))
    return g.op(
        "Where",
        g.op("Less", since_march, n.const(306)),  # 306 days from March 1 to January 1
        march_to_december,
        n.sub(since_march, 305),
    )


class _Integers:
    """int64 arithmetic on tensors, the second operand a tensor or a number."""

    def __init__(self, g):
        self.g = g

    def const(self, v):
        return self.g.const(v, np.int64)

    def _binary(self, op, a, b):
        return self.g.op(op, a, b if isinstance(b, str) else self.const(b))

    def add(self, a, b):
        return self._binary("Add", a, b)

    def sub(self, a, b):
        return self._binary("Sub", a, b)

    def mul(self, a, b):
        return self._binary("Mul", a, b)

    def div(self, a, b):
        return self._binary("Div", a, b)

    def mod(self, a, b):  # the sign of b, as Python's %
        return self.g.op("Mod", a, b if isinstance(b, str) else self.const(b), fmod=0)

    def divides(self, k, a):
        return self.g.op("Equal", self.mod(a, k), self.const(0))


def _cycle_values(g, wall):
    """Per calendar cycle, a function making its value (float64) at wall-clock nanoseconds."""
    days, into_day = _whole_days(g, wall)
    n = _Integers(g)
    return {
        "dayofyear": lambda: g.cast(_day_of_year(g, days), np.float64),
        # 1970-01-01 was a Thursday: 3, counting from Monday as 0
        "dayofweek": lambda: g.cast(n.mod(n.add(days, 3), 7), np.float64),
        "hour": lambda: g.op("Div", g.cast(into_day, np.float64), g.const(3600e9)),
    }


def _cycles(g, name, ns, missing, zone, cycles):
    """sin and cos of each cycle's phase, 0 where missing."""
    offset = None if zone is None else zone.utcoffset(None)
    if cycles and zone is not None and offset is None:
        raise ValueError(
            f"Column {name!r} is in time zone {zone}, whose offset from UTC changes, so "
            "the ONNX graph cannot compute its calendar features (day of year, week, "
            "hour) from the wall clock. Fit on the column converted to UTC "
            "(tz_convert('UTC')) or to naive local times (tz_localize(None))."
        )
    if offset is not None:
        ns = g.op("Add", ns, g.const(offset // timedelta(microseconds=1) * 1000, np.int64))
    values = _cycle_values(g, ns)
    features = []
    for cycle in cycles:
        phase = g.op(
            "Div", g.op("Mul", values[cycle](), g.const(2 * np.pi)), g.const(CYCLES[cycle])
        )
        for f in ("Sin", "Cos"):
            features.append(g.op("Where", missing, g.const(0.0), g.op(f, phase)))
    return features


def _numbers_and_cycles(g, prep, by_name):
    """(the numbers, as ``prep._numbers``; the calendar features of the dates)."""
    numbers = [g.cast(by_name[c][0], np.float64) for c in prep.numeric_columns_]
    cycles = []
    for name, origin, zone, kept in zip(
        prep.datetime_columns_,
        prep.datetime_origins_,
        prep.datetime_zones_,
        prep.datetime_cycles_,
        strict=True,
    ):
        ns, missing = _nanoseconds(g, _typed(by_name, name, Int64TensorType, "a date column"))
        numbers.append(_days(g, ns, missing, int(origin)))
        cycles += _cycles(g, name, ns, missing, zone, kept)
    for name in prep.timedelta_columns_:
        tensor = _typed(by_name, name, Int64TensorType, "a duration column")
        numbers.append(_days(g, *_nanoseconds(g, tensor)))
    return numbers, cycles


def _one_hot(g, text, kept, other):
    """One column per kept category (None matching the empty string), then "other"."""
    hits = [g.op("Equal", text, g.const("" if c is None else c, object)) for c in kept]
    columns = [g.cast(hit, np.float64) for hit in hits]
    if other:  # 1 - (number of kept categories matched), or 1 when none is kept
        everywhere = g.cast(g.op("Equal", text, text), np.float64)
        columns.append(g.op("Sub", everywhere, g.op("Sum", *columns)) if columns else everywhere)
    return columns


def _target_encoded(g, text, categories, table):
    """Each row's category's row of ``table`` (zeros for an unseen category)."""
    hits = [
        g.cast(g.op("Equal", text, g.const("" if c is None else c, object)), np.float64)
        for c in categories
    ]
    indicators = hits[0] if len(hits) == 1 else g.op("Concat", *hits, axis=1)
    return g.op("MatMul", indicators, g.const(np.asarray(table, np.float64)))


def preprocessed_nodes(g, prep, inputs):
    """The float64 matrix ``prep.transform`` gives for the inputs' rows."""
    g = Graph(g.scope, g.container, np.float64)
    by_name = _input_columns(g, prep, inputs)
    numbers, cycles = _numbers_and_cycles(g, prep, by_name)
    blocks = []
    if numbers:
        blocks += _numeric_block(
            g, prep, numbers[0] if len(numbers) == 1 else g.op("Concat", *numbers, axis=1)
        )
    blocks += cycles
    target_columns = getattr(prep, "target_columns_", [])
    if (prep.categorical_columns_ or target_columns) and g.container.target_opset_onnx < 19:
        raise ValueError(
            "Categorical columns need ONNX opset 19 or later (string comparison); "
            f"target_opset is {g.container.target_opset_onnx}."
        )
    for name, (kept, other) in zip(prep.categorical_columns_, prep.categories_, strict=True):
        text = _typed(by_name, name, StringTensorType, "categorical")
        blocks += _one_hot(g, text, kept, other)
    for k, name in enumerate(target_columns):
        text = _typed(by_name, name, StringTensorType, "categorical")
        blocks.append(
            _target_encoded(g, text, prep.target_categories_[k], prep.target_encodings_[k])
        )
    return blocks[0] if len(blocks) == 1 else g.op("Concat", *blocks, axis=1)


# -- input types ---------------------------------------------------------------------


def column_type(column):
    """The ONNX type a DataFrame column is given as (see the module docstring), or
    None where skl2onnx's own guess is that type (numpy numbers, text)."""
    kinds = pd.api.types
    if kinds.is_datetime64_any_dtype(column) or kinds.is_timedelta64_dtype(column):
        return Int64TensorType([None, 1])
    if isinstance(column.dtype, pd.PeriodDtype):
        return Int64TensorType([None, 1])
    if isinstance(column.dtype, pd.CategoricalDtype) or isinstance(column.values, np.ndarray):
        return None
    if kinds.is_bool_dtype(column) or kinds.is_numeric_dtype(column):
        return DoubleTensorType([None, 1])  # pandas' nullable numbers: NaN for pd.NA
    return StringTensorType([None, 1])  # pandas' string columns


def extend_type_guessing():
    """Make ``skl2onnx.to_onnx(model, df)`` type the columns it cannot guess.

    skl2onnx raises NotImplementedError on pandas' nullable, string, date and
    duration columns; those get the types of :func:`column_type`, and every
    other column skl2onnx's own guess. Calling this twice changes nothing.
    """
    from skl2onnx.algebra import type_helper

    original = type_helper.guess_initial_types
    if getattr(original, "skbp", False):
        return

    def guess_initial_types(X, initial_types=None):
        if initial_types is not None or not isinstance(X, pd.DataFrame):
            return original(X, initial_types)
        types = []
        for name in X.columns:
            column_types = column_type(X[name])
            types.append((name, column_types or original(X[[name]])[0][1]))
        return types

    guess_initial_types.skbp = True
    type_helper.guess_initial_types = guess_initial_types


def parse_preprocessor(scope, model, inputs, custom_parsers=None):
    operator = scope.declare_local_operator("SkbpTabularPreprocessor", model)
    operator.inputs = inputs
    operator.outputs = [scope.declare_local_variable("variable", DoubleTensorType())]
    return operator.outputs


def shape_preprocessor(operator):
    operator.outputs[0].type.shape = [None, output_width(operator.raw_operator)]


def convert_preprocessor(scope, operator, container):
    g = Graph(scope, container, np.float64)
    g.output(preprocessed_nodes(g, operator.raw_operator, operator.inputs), operator.outputs[0])
