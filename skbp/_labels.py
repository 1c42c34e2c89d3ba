"""Class labels <-> the classifier network's output units.

A classifier's targets are of one *kind*:

- 'binary': one logistic output, on for ``classes_[1]``;
- 'one-class': a single label seen; it is always predicted;
- 'multiclass': a softmax over ``classes_``;
- 'multilabel-indicator': one logistic output per column of a 0/1 matrix;
- 'multiclass-multioutput': a 2-D ``y`` of labels, each column with classes
  of its own (``classes_`` is then a list of arrays); one softmax group per
  column, side by side in one output layer.

With label smoothing ``eps``, each softmax group's one-hot targets become
``(1 - eps) y + eps / K`` (K its size), and each logistic output's
``(1 - eps) y + eps / 2``.
"""

from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target, unique_labels

SUPPORTED = ("binary", "multiclass", "multilabel-indicator", "multiclass-multioutput")


def target_kind(y):
    """scikit-learn's type of target, also for 2-D labels of mixed types across columns."""
    try:
        return type_of_target(y, input_name="y")
    except TypeError:  # labels that cannot be sorted together: numbers beside strings
        if np.ndim(y) != 2:
            raise
        kinds = {type_of_target(column(y, j), input_name="y") for j in range(y.shape[1])}
        if kinds <= {"binary", "multiclass"}:
            return "multiclass-multioutput"
        raise


def has_none(y):
    """Whether labels of dtype object hold a None (a missing label, which NaN checks miss)."""
    if sp.issparse(y) or getattr(getattr(y, "dtype", None), "kind", None) != "O":
        return False
    return any(label is None for label in np.ravel(y))


def kind_of_classes(classes):
    """'multiclass-multioutput' if ``classes`` gives one array of labels per output."""
    if isinstance(classes, list | tuple) and classes and all(np.ndim(c) == 1 for c in classes):
        return "multiclass-multioutput"
    return None


def column(y, j):
    """Column j of 2-D labels, with its own dtype when y holds objects of several types."""
    col = y[:, j]
    return np.asarray(col.tolist()) if col.dtype == object else col


def fit_classes(y, kind, classes, incremental):
    """``(classes_, kind)`` for targets ``y`` of type ``kind`` (``classes``: all there may be)."""
    if kind == "multilabel-indicator":
        if classes is not None and len(classes) != y.shape[1]:
            raise ValueError(f"classes has {len(classes)} labels, y has {y.shape[1]}.")
        return np.arange(y.shape[1]), kind
    if incremental and classes is None:
        raise ValueError(
            "classes must be passed on the first call to partial_fit "
            "(unless y is a multilabel indicator matrix)."
        )
    if kind == "multiclass-multioutput":
        columns = range(y.shape[1]) if classes is None else range(len(classes))
        if classes is not None and len(classes) != y.shape[1]:
            raise ValueError(f"classes has {len(classes)} arrays, y has {y.shape[1]} columns.")
        source = [column(y, j) for j in columns] if classes is None else classes
        return [unique_labels(c) for c in source], kind
    classes_ = unique_labels(y if classes is None else classes)
    n_classes = len(classes_)
    return classes_, ("multiclass" if n_classes > 2 else ("binary", "one-class")[n_classes < 2])


def check_labels(y, kind, classes_, fitted_kind, classes, incremental):
    """Raise if ``y`` (or a new ``classes``) does not fit the model's classes."""
    multi = ("multilabel-indicator", "multiclass-multioutput")
    if (kind in multi or fitted_kind in multi) and kind != fitted_kind:
        raise ValueError(f"y is {kind}, but the model was fitted on {fitted_kind} targets.")
    if kind == "multilabel-indicator":
        if y.shape[1] != len(classes_):
            raise ValueError(f"y has {y.shape[1]} labels, but the model has {len(classes_)}.")
        return
    if kind == "multiclass-multioutput":
        if y.shape[1] != len(classes_):
            raise ValueError(f"y has {y.shape[1]} outputs, but the model has {len(classes_)}.")
        for j, known in enumerate(classes_):
            given = None if classes is None else classes[j]
            _check_one_output(column(y, j), known, given, incremental, f" in column {j}")
        return
    _check_one_output(y, classes_, classes, incremental, "")


def _same_labels(a, b):
    """Whether two sorted label arrays are equal; strings never equal numbers."""
    return not _text_and_numbers(a, b) and np.array_equal(a, b)


def _unseen(labels, known):
    """The distinct labels that are not among ``known``."""
    labels = np.unique(labels)
    return labels if _text_and_numbers(labels, known) else np.setdiff1d(labels, known)


def _text_and_numbers(a, b):
    # numpy < 1.25 warns (FutureWarning) when asked to compare strings with numbers.
    kinds = {a.dtype.kind, b.dtype.kind}
    return bool(kinds & set("US")) and bool(kinds & set("biuf"))


def _check_one_output(y, known, classes, incremental, where):
    if classes is not None and not _same_labels(np.unique(classes), known):
        raise ValueError(
            f"classes={np.unique(classes)}{where} differs from the classes_ of the "
            f"previous call, {known}."
        )
    unseen = _unseen(y, known)
    if len(unseen):
        remedy = (
            "pass every class to the first partial_fit call"
            if incremental
            else "set warm_start=False to train a new model on them"
        )
        raise ValueError(f"y has classes {unseen}{where} not in classes_ {known}; {remedy}.")


def groups(kind, classes_):
    """Sizes of the softmax groups of a multiclass-multioutput model."""
    return tuple(len(c) for c in classes_) if kind == "multiclass-multioutput" else None


def one_hot(y, kind, classes_, dtype, smoothing=0.0):
    """Targets for the output units, label-smoothed by ``smoothing``."""
    if kind == "multilabel-indicator":
        Y = (y.toarray() if sp.issparse(y) else np.asarray(y)).astype(dtype)
        return _smooth(Y, 2, smoothing)
    if kind == "multiclass-multioutput":
        parts = [_indicator(column(y, j), c, dtype) for j, c in enumerate(classes_)]
        return np.hstack([_smooth(Y, Y.shape[1], smoothing) for Y in parts])
    index = np.searchsorted(classes_, y)
    if kind != "multiclass":  # one logistic unit, on for classes_[1]
        return _smooth((index == 1).astype(dtype)[:, np.newaxis], 2, smoothing)
    return _smooth(_indicator(y, classes_, dtype), len(classes_), smoothing)


def _indicator(y, classes_, dtype):
    Y = np.zeros((len(y), len(classes_)), dtype=dtype)
    Y[np.arange(len(y)), np.searchsorted(classes_, y)] = 1.0
    return Y


def _smooth(Y, n_choices, smoothing):
    if smoothing:
        Y *= 1.0 - smoothing
        Y += smoothing / n_choices
    return Y


def split_groups(a, classes_):
    """The columns of ``a`` cut into one block per output of a multiclass-multioutput model."""
    bounds = np.cumsum([0, *(len(c) for c in classes_)])
    return [a[:, lo:hi] for lo, hi in pairwise(bounds)]


def decode(y_hat, kind, classes_, sparse_labels):
    """Predicted labels from the network's outputs."""
    if kind == "multiclass":
        return classes_[np.argmax(y_hat, axis=1)]
    if kind == "binary":
        return classes_[(y_hat[:, 0] > 0.5).astype(np.intp)]
    if kind == "one-class":
        return np.repeat(classes_, len(y_hat))
    if kind == "multiclass-multioutput":
        labels = np.empty((len(y_hat), len(classes_)), dtype=_common_dtype(classes_))
        for j, (c, p) in enumerate(zip(classes_, split_groups(y_hat, classes_), strict=True)):
            labels[:, j] = c[np.argmax(p, axis=1)]
        return labels
    labels = (y_hat > 0.5).astype(int)
    return sp.csr_matrix(labels) if sparse_labels else labels


def _common_dtype(arrays):
    """One dtype for the labels of every output: object when they are of different kinds."""
    dtypes = [a.dtype for a in arrays]
    if len({d.kind for d in dtypes}) > 1:
        return np.dtype(object)  # e.g. numbers in one column, strings in another
    return np.result_type(*dtypes)


def class_sample_weight(class_weight, y, sample_weight):
    """Per-sample class weights, multiplied over outputs.

    As :func:`sklearn.utils.class_weight.compute_sample_weight` computes them
    (a dict or 'balanced', or one per output in a list for 2-D targets),
    except that 'balanced' counts each sample by its ``sample_weight``: then
    weighting a sample by 2 is the same as repeating it.
    """
    columns = [y] if y.ndim == 1 else [column(y, j) for j in range(y.shape[1])]
    if y.ndim == 1:
        per_output = [class_weight]
    elif isinstance(class_weight, str):
        per_output = [class_weight] * len(columns)
    elif not isinstance(class_weight, list) or len(class_weight) != len(columns):
        raise ValueError(
            f"For {len(columns)} outputs, class_weight must be 'balanced' or a list of "
            f"{len(columns)} dicts (got {class_weight!r})."
        )
    else:
        per_output = class_weight
    weights = np.ones(len(y))
    for labels, weight in zip(columns, per_output, strict=True):
        weights *= _one_output_weights(weight, labels, sample_weight)
    return weights


def _one_output_weights(class_weight, labels, sample_weight):
    counted = slice(None)
    if class_weight == "balanced" and sample_weight is not None:
        counted = sample_weight > 0  # a class whose samples all weigh 0 is absent
    classes = np.unique(labels[counted])
    sw = None if sample_weight is None else sample_weight[counted]
    by_class = compute_class_weight(
        class_weight, classes=classes, y=labels[counted], sample_weight=sw
    )
    index = np.searchsorted(classes, labels).clip(max=len(classes) - 1)
    present = classes[index] == labels
    return np.where(present, by_class[index], 1.0)  # weight 1 for samples that weigh 0 anyway


def subset_accuracy(y_true, y_pred, sample_weight):
    """Share (weighted by sample_weight) of the rows whose every output is right."""
    y_true = np.asarray(y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y has shape {y_true.shape}; the model predicts {y_pred.shape}.")
    return float(np.average(np.all(y_true == y_pred, axis=1), weights=sample_weight))
