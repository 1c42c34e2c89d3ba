"""A fitted TabularPreprocessor as ONNX nodes, in float64 as ``transform`` computes.

The inputs are the original columns: one input per DataFrame column (what
``skl2onnx.to_onnx(model, df)`` declares) or matrices whose columns follow
one another. Numeric columns may come as numbers or as text (parsed); a
categorical column must come as text, with a missing value written as the
empty string.
"""

import numpy as np
from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

from .graph import Graph


def output_width(prep):
    """Columns of ``transform``'s output."""
    n_bins = sum(max(len(edges) - 1, 0) for edges in prep.bin_edges_)
    n_onehot = sum(len(kept) + other for kept, other in prep.categories_)
    return len(prep.numeric_columns_) + len(prep.missing_columns_) + n_bins + n_onehot


def _input_columns(g, prep, inputs):
    """Each original column as an (n, 1) tensor with its input variable's type."""
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
            columns.append((name, isinstance(variable.type, StringTensorType)))
    if len(columns) != len(prep.columns_):
        raise ValueError(
            f"The inputs have {len(columns)} columns; the preprocessor was fitted on "
            f"{len(prep.columns_)}."
        )
    return dict(zip(prep.columns_, columns, strict=True))


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


def _one_hot(g, text, kept, other):
    """One column per kept category (None matching the empty string), then "other"."""
    hits = [g.op("Equal", text, g.const("" if c is None else c, object)) for c in kept]
    columns = [g.cast(hit, np.float64) for hit in hits]
    if other:  # 1 - (number of kept categories matched), or 1 when none is kept
        everywhere = g.cast(g.op("Equal", text, text), np.float64)
        columns.append(g.op("Sub", everywhere, g.op("Sum", *columns)) if columns else everywhere)
    return columns


def preprocessed_nodes(g, prep, inputs):
    """The float64 matrix ``prep.transform`` gives for the inputs' rows."""
    g = Graph(g.scope, g.container, np.float64)
    by_name = _input_columns(g, prep, inputs)
    blocks = []
    if prep.numeric_columns_:
        numbers = [g.cast(by_name[c][0], np.float64) for c in prep.numeric_columns_]
        blocks += _numeric_block(
            g, prep, numbers[0] if len(numbers) == 1 else g.op("Concat", *numbers, axis=1)
        )
    if prep.categorical_columns_ and g.container.target_opset_onnx < 19:
        raise ValueError(
            "Categorical columns need ONNX opset 19 or later (string comparison); "
            f"target_opset is {g.container.target_opset_onnx}."
        )
    for name, (kept, other) in zip(prep.categorical_columns_, prep.categories_, strict=True):
        text, is_text = by_name[name]
        if not is_text:
            raise ValueError(
                f"Column {name!r} was categorical when the model was fitted; give it as a "
                "string input (StringTensorType)."
            )
        blocks += _one_hot(g, text, kept, other)
    return blocks[0] if len(blocks) == 1 else g.op("Concat", *blocks, axis=1)


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
