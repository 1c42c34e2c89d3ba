"""A small builder of ONNX nodes inside a skl2onnx conversion.

Each call adds one node and returns the name of its output, so the graph of
a formula reads as the formula: ``g.op("Add", g.op("MatMul", a, W), b)``.
"""

import numpy as np
from onnx import TensorProto
from onnx.numpy_helper import from_array

FLOAT_TYPES = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE}


class Graph:
    """Nodes and constants of one converter, computed in ``dtype`` (float32 or float64)."""

    def __init__(self, scope, container, dtype):
        self.scope, self.container = scope, container
        self.dtype = np.dtype(dtype)

    def op(self, op_type, *inputs, **attributes):
        """One node of ``op_type`` on ``inputs``: the name of its single output."""
        (output,) = self.ops(op_type, inputs, 1, **attributes)
        return output

    def ops(self, op_type, inputs, n_outputs, **attributes):
        """One node with several outputs: their names."""
        outputs = [self.scope.get_unique_variable_name(op_type.lower()) for _ in range(n_outputs)]
        name = self.scope.get_unique_operator_name(f"Skbp{op_type}")
        self.container.add_node(op_type, list(inputs), outputs, name=name, **attributes)
        return outputs

    def const(self, values, dtype=None):
        """A constant tensor, in the graph's dtype unless another is given."""
        name = self.scope.get_unique_variable_name("skbp_const")
        array = np.asarray(values, dtype=self.dtype if dtype is None else dtype)
        if array.dtype.kind in "OUS":
            data = [str(v).encode("utf-8") for v in array.ravel()]
            self.container.add_initializer(name, TensorProto.STRING, list(array.shape), data)
        else:
            self.container.add_initializer(name, None, None, from_array(array, name))
        return name

    def cast(self, x, dtype):
        """x converted to a numpy ``dtype`` (a float, int64, bool or str)."""
        dtype = np.dtype(dtype)
        to = FLOAT_TYPES.get(dtype) or {"i": TensorProto.INT64, "b": TensorProto.BOOL}.get(
            dtype.kind, TensorProto.STRING
        )
        return self.op("Cast", x, to=to)

    def column(self, x, j):
        """Column j of a matrix, as an (n, 1) matrix."""
        return self.op("Gather", x, self.const([j], np.int64), axis=1)

    def columns(self, x, lo, hi):
        """Columns lo to hi - 1 of a matrix."""
        i64 = np.int64
        return self.op(
            "Slice", x, self.const([lo], i64), self.const([hi], i64), self.const([1], i64)
        )

    def output(self, x, variable):
        """Make the node computing x write the operator's output ``variable``."""
        self.container.add_node(
            "Identity",
            [x],
            [variable.full_name],
            name=self.scope.get_unique_operator_name("SkbpIdentity"),
        )
