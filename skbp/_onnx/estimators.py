"""skl2onnx parsers, shape calculators and converters of skbp's estimators.

A classifier's graph has two outputs, as skl2onnx's own classifiers have:
``label`` and ``probabilities``, which skl2onnx's ZipMap turns into a list of
dicts unless the option ``zipmap=False`` is given. Multilabel and
multiclass-multioutput models give their probabilities as ``predict_proba``
does (one matrix; a sequence of matrices, one per output), without ZipMap. A
regressor's graph has one output, ``variable``, of shape (n, n_outputs); with
several quantiles, (n, n_quantiles), each row sorted as ``predict`` sorts it.

A Backprop estimator computes in the type of its input (float32 unless some
input is float64), as skl2onnx's own converters do. A Tabular estimator
preprocesses in float64 and runs its network in the network's own dtype, as
its ``predict`` does.
"""

from itertools import pairwise

import numpy as np
from skl2onnx._parse import _apply_zipmap
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    SequenceType,
    StringTensorType,
)

from .graph import Graph
from .network import ascending_rows, network_outputs
from .preprocess import preprocessed_nodes

TENSOR_TYPES = {np.dtype(np.float32): FloatTensorType, np.dtype(np.float64): DoubleTensorType}
LABEL_TYPES = {"i": Int64TensorType, "O": StringTensorType}
ZIPMAP = ("binary", "multiclass", "one-class")


def _dtype(model, inputs):
    """The dtype a model's graph computes in (see the module docstring)."""
    if hasattr(model, "network_"):
        return model.network_._network.dtype
    return np.float64 if any(isinstance(v.type, DoubleTensorType) for v in inputs) else np.float32


def _network_input(g, model, inputs):
    """The network's input matrix: preprocessed, or the inputs cast and side by side."""
    if hasattr(model, "preprocessor_"):
        return g.cast(preprocessed_nodes(g, model.preprocessor_, inputs), g.dtype)
    same = TENSOR_TYPES[g.dtype]
    columns = [
        v.full_name if type(v.type) is same else g.cast(v.full_name, g.dtype) for v in inputs
    ]
    return columns[0] if len(columns) == 1 else g.op("Concat", *columns, axis=1)


def _network(model):
    return getattr(model, "network_", model)


# -- labels ----------------------------------------------------------------------


def label_values(classes):
    """Labels as ONNX holds them: int64 for numbers and booleans (scikit-learn's
    classifiers accept only whole floats), strings for the rest; one common type
    over the outputs of a multiclass-multioutput model."""
    if isinstance(classes, list):
        common = label_values(np.concatenate([label_values(c) for c in classes]))
        return [
            np.asarray(c).astype(common.dtype)
            if common.dtype != object
            else label_values(np.asarray(c).astype(str).astype(object))
            for c in classes
        ]
    classes = np.asarray(classes)
    if classes.dtype.kind in "biuf":
        return classes.astype(np.int64)
    return np.array([str(c) for c in classes], dtype=object)


def _pick(g, values, index):
    """``values[index]`` for every entry of an int64 index tensor."""
    return g.op("Gather", g.const(values, values.dtype), index)


def _squeeze(g, x):
    return g.op("Squeeze", x, g.const([1], np.int64))


def classifier_nodes(g, y_hat, kind, classes):
    """(labels, probabilities) from the network's outputs, as ``predict`` and
    ``predict_proba`` compute them (``skbp._labels.decode``)."""
    values = label_values(classes)
    if kind == "multiclass":
        return _pick(g, values, g.op("ArgMax", y_hat, axis=1, keepdims=0)), y_hat
    if kind == "binary":  # one logistic unit: the probability of classes[1]
        on = g.cast(_squeeze(g, g.op("Greater", y_hat, g.const(0.5))), np.int64)
        proba = g.op("Concat", g.op("Sub", g.const(1.0), y_hat), y_hat, axis=1)
        return _pick(g, values, on), proba
    if kind == "one-class":
        zeros = g.op("Mul", y_hat, g.const(0.0))
        return _pick(g, values, g.cast(_squeeze(g, zeros), np.int64)), g.op(
            "Add", zeros, g.const(1.0)
        )
    if kind == "multilabel-indicator":
        return g.cast(g.op("Greater", y_hat, g.const(0.5)), np.int64), y_hat
    bounds = np.cumsum([0, *(len(c) for c in classes)])
    probas = [g.columns(y_hat, lo, hi) for lo, hi in pairwise(bounds)]
    labels = [
        g.op(
            "Unsqueeze", _pick(g, v, g.op("ArgMax", p, axis=1, keepdims=0)), g.const([1], np.int64)
        )
        for v, p in zip(values, probas, strict=True)
    ]
    return g.op("Concat", *labels, axis=1), g.op("SequenceConstruct", *probas)


# -- skl2onnx hooks ------------------------------------------------------------------


def _label_type(model):
    if _network(model)._kind == "multilabel-indicator":
        return Int64TensorType  # an indicator matrix
    values = label_values(model.classes_)
    return LABEL_TYPES[(values[0] if isinstance(values, list) else values).dtype.kind]


def parse_classifier(scope, model, inputs, custom_parsers=None):
    """Declare the operator and its outputs, then skl2onnx's ZipMap unless told not to."""
    operator = scope.declare_local_operator(scope_alias(model), model)
    operator.inputs = inputs
    kind = _network(model)._kind
    proba_type = TENSOR_TYPES[np.dtype(_dtype(model, inputs))]()
    if kind == "multiclass-multioutput":
        proba_type = SequenceType(proba_type)
    operator.outputs = [
        scope.declare_local_variable("label", _label_type(model)()),
        scope.declare_local_variable("probabilities", proba_type),
    ]
    zipmap = scope.get_options(model, {"zipmap": True})["zipmap"]
    if kind not in ZIPMAP or zipmap is False:
        return operator.outputs
    return _apply_zipmap(zipmap, scope, model, inputs[0].type, operator.outputs)


def parse_regressor(scope, model, inputs, custom_parsers=None):
    operator = scope.declare_local_operator(scope_alias(model), model)
    operator.inputs = inputs
    out_type = (
        DoubleTensorType
        if hasattr(model, "target_scale_")
        else TENSOR_TYPES[np.dtype(_dtype(model, inputs))]
    )
    operator.outputs = [scope.declare_local_variable("variable", out_type())]
    return operator.outputs


def shape_classifier(operator):
    model = operator.raw_operator
    kind = _network(model)._kind
    if kind == "multiclass-multioutput":  # probabilities: a sequence, one matrix per output
        operator.outputs[0].type.shape = [None, len(model.classes_)]
        return
    n_columns = len(model.classes_)
    operator.outputs[0].type.shape = (
        [None, n_columns] if kind == "multilabel-indicator" else [None]
    )
    operator.outputs[1].type.shape = [None, n_columns]


def shape_regressor(operator):
    operator.outputs[0].type.shape = [None, _network(operator.raw_operator).n_outputs_]


def convert_classifier(scope, operator, container):
    model = operator.raw_operator
    g = Graph(scope, container, _dtype(model, operator.inputs))
    network = _network(model)
    y_hat = network_outputs(g, network._network, _network_input(g, model, operator.inputs))
    label, proba = classifier_nodes(g, y_hat, network._kind, model.classes_)
    g.output(label, operator.outputs[0])
    g.output(proba, operator.outputs[1])


def convert_regressor(scope, operator, container):
    model = operator.raw_operator
    g = Graph(scope, container, _dtype(model, operator.inputs))
    network = _network(model)
    y_hat = network_outputs(g, network._network, _network_input(g, model, operator.inputs))
    if network._has_quantile_columns():  # one column per quantile, never crossing
        y_hat = ascending_rows(g, y_hat, network.n_outputs_)
    if hasattr(model, "target_scale_"):  # a Tabular regressor learns a standardised target
        g = Graph(scope, container, np.float64)
        y_hat = g.op(
            "Add",
            g.op("Mul", g.cast(y_hat, np.float64), g.const(model.target_scale_)),
            g.const(model.target_mean_),
        )
    g.output(y_hat, operator.outputs[0])


def scope_alias(model):
    return f"Skbp{type(model).__name__}"
