"""Property-based fuzzing of the estimators' contracts, with hypothesis.

Whatever the parameters, data and sequence of calls drawn here, every ``fit``
or ``partial_fit``

1. either succeeds with a usable model (finite parameters; finite predictions
   of the expected shape, dtype and labels; probabilities summing to one), or
   raises ValueError/TypeError whose message names the problem; input known to
   be invalid must be refused, and valid input may only be refused for a known
   reason (divergence, an early-stopping split too small);
2. leaves the caller's X, y, sample_weight and classes as they were;
3. when it fails, leaves the estimator as it was: unfitted, or bit for bit the
   model it was before (pickled state, parameters and predictions);

and only warns with ConvergenceWarning or the warnings scikit-learn gives for
the same input. A numpy RuntimeWarning (overflow, invalid value) is a bug.

Profiles: "ci" (the default) is derandomized, so every run draws the same
examples: 3 tests x 400, about 25 s on a 2-core machine when they pass, with
BLAS pinned to one thread, which conftest.py does (the Makefile also sets
OMP, OPENBLAS and MKL_NUM_THREADS=1); shrinking a failure takes longer.
"long" draws 3 x 2000 fresh random examples, to hunt bugs::

    SKBP_FUZZ_PROFILE=long pytest tests/test_fuzz.py
"""

import copy
import os
import pickle
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from skbp import BackpropClassifier, BackpropRegressor
from skbp._core.activations import HIDDEN

settings.register_profile(
    "ci",
    max_examples=400,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    # A failing run stays short: one failure shrunk, and no "explain" phase rerunning it.
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    parent=settings.get_profile("ci"),
    max_examples=2000,
    derandomize=False,
    report_multiple_bugs=True,
    phases=list(Phase),
)
# Applied per test (not loaded globally) so that other modules keep hypothesis' defaults.
FUZZ = settings.get_profile(os.environ.get("SKBP_FUZZ_PROFILE", "ci"))

SEEDS = st.integers(0, 2**32 - 1)

# What each defect must be refused with (a regex searched in the error message).
PROBLEMS = {
    "x_nan": "NaN",
    "x_inf": "infinity",
    "x_empty": r"0 sample|2D array",
    "y_nan": "NaN",
    "y_text": "numeric",
    "y_negative": "non-negative",
    "y_continuous": "Unknown label type",
    "labels_2d_continuous": "Unknown label type",
    "sw_negative": "Negative",
    "sw_all_zero": "non-zero",
    "sw_length": r"sample_weight|shape",
    "sw_nan": "NaN",
}
# Why valid input may still be refused: training diverged (the network is
# then useless), or early stopping's validation split left too few samples.
DIVERGED = r"learning_rate|not scaled|large values|diverged|not finite|non-finite"
SPLIT_TOO_SMALL = r"(validation|training) set is too small|train set will be empty|test_size"

ACTIVATION = st.sampled_from(sorted(HIDDEN))
SCHEDULES = ["constant", "invscaling", "adaptive", "cosine", "one_cycle"]
REGRESSION_LOSSES = ["squared_error", "poisson", "absolute_error", "huber", "quantile"]

LABEL_POOLS = {
    "int": [0, 1, 2, 3],
    "str": ["a", "b", "c", "d"],
    "float": [0.0, 1.0, 2.0, 3.0],
    "negative": [-5, 7, 100, -1],
    "bool": [False, True],
}


# -- parameters ----------------------------------------------------------------


@st.composite
def estimator_params(
    draw, Estimator, solvers=("lbfgs", "adam", "sgd"), early_stopping=(False, False, True)
):
    solver = draw(st.sampled_from(solvers))
    hidden = draw(st.sampled_from([(3,), (), (4, 2), (1,)]))
    params = {
        "solver": solver,
        "hidden_layer_sizes": hidden,
        "activation": draw(ACTIVATION | st.tuples(*[ACTIVATION] * len(hidden))),
        "alpha": draw(st.sampled_from([1e-4, 0.0, 1.0, 1e3])),
        "max_iter": draw(st.integers(1, 6)),
        "tol": draw(st.sampled_from([1e-4, 0.0, 10.0])),
        "early_stopping": draw(st.sampled_from(early_stopping)),  # lbfgs must ignore it
        "scoring": draw(st.sampled_from([None, None, "loss"])),
        "validation_fraction": draw(st.sampled_from([0.1, 0.3, 0.5, 0.2, 0.0])),
        # A RandomState is consumed by fitting; a failed fit must rewind it.
        "random_state": draw(
            st.integers(0, 2**16) | st.builds(np.random.RandomState, st.integers(0, 2**16))
        ),
    }
    if Estimator is BackpropRegressor:
        params["loss"] = draw(st.sampled_from(REGRESSION_LOSSES))
        params["huber_delta"] = draw(st.sampled_from([1.0, 1e-3, 1e3]))
        params["quantile"] = draw(st.sampled_from([0.5, 0.01, 0.9]))
    else:
        params["label_smoothing"] = draw(st.sampled_from([0.0, 0.1, 0.9]))
        if solver == "lbfgs":  # partial_fit, which refuses 'balanced', is not offered
            params["class_weight"] = draw(st.sampled_from([None, "balanced"]))
    if solver == "lbfgs":
        params["max_fun"] = draw(st.sampled_from([15000, 3]))
    else:
        params.update(draw(_stochastic_params(solver)))
    return params


@st.composite
def _stochastic_params(draw, solver):
    params = {
        "batch_size": draw(st.sampled_from(["auto", 1, 4, 64])),
        "learning_rate_init": draw(st.sampled_from([1e-3, 0.1, 1.0, 10.0])),
        "n_iter_no_change": draw(st.sampled_from([10, 1, 2, np.inf])),
        "shuffle": draw(st.booleans()),
        "dropout": draw(st.sampled_from([0.0, 0.0, 0.3, 0.9])),
        "learning_rate": draw(st.sampled_from(SCHEDULES)),
        "warmup_fraction": draw(st.sampled_from([None, 0.0, 0.5])),
        "weight_decay": draw(st.sampled_from([0.0, 0.0, 1e-2, 10.0])),
        "max_grad_norm": draw(st.sampled_from([None, None, 1e-3, 1.0])),
    }
    if solver == "sgd":
        params["momentum"] = draw(st.sampled_from([0.9, 0.0, 0.5, 1.0]))
        params["nesterovs_momentum"] = draw(st.booleans())
        params["power_t"] = draw(st.sampled_from([0.5, 0.0, 2.0]))
    else:
        params["beta_1"] = draw(st.sampled_from([0.9, 0.0, 0.99]))
        params["beta_2"] = draw(st.sampled_from([0.999, 0.0, 0.5]))
        params["epsilon"] = draw(st.sampled_from([1e-8, 1.0]))
    return params


# -- data ------------------------------------------------------------------------


@dataclass
class Spec:
    """The kind of target: shared by the calls of a sequence that should fit together."""

    target: str  # 'regression', 'labels', 'column' (labels as an (n, 1) array), 'multilabel'
    n_outputs: int = None  # regression: None for a 1-D y; multilabel: the label count
    pool: str = None  # labels: a key of LABEL_POOLS
    n_classes: int = None


@dataclass
class Case:
    """One call's arguments, and what the test knows about them."""

    X: object
    y: object
    sample_weight: object
    classes: object  # what a classifier's partial_fit passes as classes (None: nothing)
    problems: list  # regexes: the call must fail, with a message matching one of them
    dtype: type  # the dtype a new model trained on X computes in
    has_names: bool  # X is a DataFrame
    max_abs: float  # the largest |X|: a float32 model cannot take X beyond float32's range
    spec: Spec
    labels: list  # classification: the distinct labels in y, sorted
    sparse_labels: bool  # multilabel y given as a sparse matrix

    @property
    def n_samples(self):
        return len(self.X) if isinstance(self.X, list) else self.X.shape[0]

    @property
    def n_features(self):
        return np.shape(self.X)[1] if self.n_samples else None


@st.composite
def target_specs(draw, Estimator):
    if Estimator is BackpropRegressor:
        return Spec("regression", n_outputs=draw(st.sampled_from([None, 1, 2, 3])))
    target = draw(st.sampled_from(["labels", "multilabel", "column"]))
    if target == "multilabel":
        return Spec(target, n_outputs=draw(st.integers(2, 3)))
    pool = draw(st.sampled_from(list(LABEL_POOLS)))
    return Spec(target, pool=pool, n_classes=draw(st.integers(1, len(LABEL_POOLS[pool]))))


def _defects(spec, loss):
    """The ways this call's input may be broken (at most one per case)."""
    found = ["x_nan", "x_inf", "x_empty", "sw_negative", "sw_all_zero", "sw_length", "sw_nan"]
    if spec.target == "regression":
        found += ["y_nan", "y_text"] + (["y_negative"] if loss == "poisson" else [])
    elif spec.target != "multilabel":
        found += ["y_continuous", "labels_2d_continuous"] + (
            ["y_nan"] if spec.pool == "float" else []
        )
    return found


@st.composite
def cases(draw, Estimator, params, spec, n_features, defects=True):
    loss = params.get("loss")
    # One case in three is broken: most calls should get far enough to be checked.
    broken = defects and draw(st.integers(0, 2)) == 2  # shrinks towards valid input
    defect = draw(st.sampled_from(_defects(spec, loss))) if broken else None
    n = 0 if defect == "x_empty" else draw(st.integers(1, 40))
    rng = np.random.RandomState(draw(SEEDS))
    X, dtype, has_names, max_abs = draw(features(rng, n, n_features, defect))
    if spec.target == "regression":
        y = draw(regression_targets(rng, n, spec, loss, defect))
        labels, sparse_labels, classes = None, False, None
    else:
        y, labels, sparse_labels = draw(class_targets(rng, n, spec, defect))
        classes = draw(classes_args(spec, labels))
    sample_weight, weight_problems = draw(sample_weights(rng, n, defect))
    problems = ([PROBLEMS[defect]] if defect else []) + weight_problems
    return Case(
        X, y, sample_weight, classes, problems, dtype, has_names, max_abs, spec, labels,
        sparse_labels,
    )  # fmt: skip


# Input scales (multiplier, offset): standardized data, tiny, offset, huge, absurd.
X_SCALES = [(1.0, 0.0), (1e-3, 0.0), (1.0, 1e3), (1e3, 1e6), (1.0, 1e6), ("absurd", 0.0)]
ABSURD = {np.float64: 1e300, np.float32: 1e37, np.int64: 1e15}  # finite in each dtype


@st.composite
def features(draw, rng, n, n_features, defect):
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    if defect in ("x_nan", "x_inf"):
        dtype = np.float64  # an int array cannot hold them
    scale, offset = draw(st.sampled_from(X_SCALES))
    X = rng.normal(size=(n, n_features)) * (ABSURD[dtype] if scale == "absurd" else scale)
    X += offset
    if n and draw(st.booleans()):
        X[:, 0] = X[0, 0]  # a constant column: zero variance
    container = draw(st.sampled_from(["ndarray", *SPARSE, "dataframe", "list"]))
    if container in SPARSE:
        X[rng.uniform(size=X.shape) < 0.5] = 0.0  # actually sparse
    if defect in ("x_nan", "x_inf") and n:
        X[rng.randint(n), rng.randint(n_features)] = np.nan if defect == "x_nan" else np.inf
    X = (np.rint(X) if dtype is np.int64 else X).astype(dtype)
    layout = draw(st.sampled_from(["C", "F", "strided", "readonly"]))
    trained_in = np.float32 if dtype is np.float32 and container != "list" else np.float64
    max_abs = float(np.abs(X).max()) if X.size else 0.0
    return _container(X, container, layout), trained_in, container == "dataframe", max_abs


SPARSE = {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "csr_array": sp.csr_array}


def _container(A, container, layout="C"):
    """A 1-D or 2-D array in the container (and memory layout) the caller passes it in."""
    if container == "list":
        return A.tolist()
    if container == "dataframe":
        return pd.DataFrame(A, columns=[f"x{j}" for j in range(A.shape[1])])
    if container == "series":
        return pd.Series(A, name="y")
    if container in SPARSE:
        return SPARSE[container](A)
    if layout == "F":
        return np.asfortranarray(A)
    if layout == "strided":  # a non-contiguous view
        return np.repeat(A, 2, axis=-1)[..., ::2]
    if layout == "readonly":
        A.setflags(write=False)
    return A


Y_SCALES = [(1.0, 0.0), (1e3, 0.0), (1.0, 1e6), (1e-6, 0.0)]


@st.composite
def regression_targets(draw, rng, n, spec, loss, defect):
    shape = (n,) if spec.n_outputs is None else (n, spec.n_outputs)
    scale, offset = draw(st.sampled_from(Y_SCALES))
    y = np.abs(rng.normal(size=shape) * scale + offset)  # non-negative: valid for poisson
    if n and loss != "poisson" and draw(st.booleans()):
        y -= np.median(y)  # negative values too (poisson's are the y_negative defect)
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    y = (np.rint(y) if dtype is np.int64 else y).astype(dtype)
    if defect == "y_nan" and n:
        y = y.astype(np.float64)
        y.flat[rng.randint(y.size)] = np.nan
    elif defect == "y_text":
        y = np.array(["u", "v"])[rng.randint(2, size=shape)]
    elif defect == "y_negative" and n:
        y.flat[rng.randint(y.size)] = -1
    pandas = "series" if y.ndim == 1 else "dataframe"
    return _container(y, draw(st.sampled_from(["ndarray", "list", pandas])))


@st.composite
def class_targets(draw, rng, n, spec, defect):
    """Returns y, its distinct labels (sorted) and whether it is a sparse indicator matrix."""
    if spec.target == "multilabel":
        Y = (rng.uniform(size=(n, spec.n_outputs)) < 0.5).astype(
            draw(st.sampled_from([np.int64, np.float64]))
        )
        sparse = draw(st.booleans())
        return (sp.csr_matrix(Y) if sparse else Y), list(range(spec.n_outputs)), sparse
    pool = np.array(LABEL_POOLS[spec.pool][: spec.n_classes])
    y = pool[rng.randint(spec.n_classes, size=n)]
    labels = sorted(set(y.tolist()))
    if defect == "y_continuous":
        y = rng.normal(size=n)
    elif defect == "labels_2d_continuous" and n:  # continuous-multioutput: no classes
        # (2-D labels, multiclass-multioutput, are valid: tests/test_model_features.py)
        y = rng.normal(size=(n, 2))
    elif defect == "y_nan" and n:
        y = y.astype(np.float64)
        y[rng.randint(n)] = np.nan
    if spec.target == "column" or y.ndim == 2:
        return (y if y.ndim == 2 else y[:, np.newaxis]), labels, False
    container = draw(st.sampled_from(["ndarray", "list", "series", "category"]))
    if container == "category":
        return pd.Series(y, dtype="category"), labels, False
    return _container(y, container), labels, False


@st.composite
def classes_args(draw, spec, labels):
    """The ``classes`` a partial_fit call passes: all of the pool, exactly y's, too few, none."""
    if spec.target == "multilabel":
        return draw(st.sampled_from([None, list(range(spec.n_outputs))]))
    mode = draw(st.sampled_from(["pool", "exact", "pool", None, "too_few"]))
    if mode == "pool":
        return list(LABEL_POOLS[spec.pool][: spec.n_classes])
    if mode == "too_few" and len(labels) > 1:
        return labels[1:]
    return None if mode is None else labels


@st.composite
def sample_weights(draw, rng, n, defect):
    """Returns sample_weight and the problems it has (all-zero weights are one)."""
    kind = draw(st.sampled_from([None, "positive", "with_zeros"]))
    if kind is None and not (defect or "").startswith("sw_"):
        return None, []
    w = rng.uniform(0.5, 2.0, size=n) * draw(st.sampled_from([1.0, 1e-6, 1e6]))
    if kind == "with_zeros":
        w[rng.uniform(size=n) < 0.5] = 0.0
    if defect == "sw_negative" and n:
        w[rng.randint(n)] = -1.0
    elif defect == "sw_all_zero":
        w[:] = 0.0
    elif defect == "sw_nan" and n:
        w[rng.randint(n)] = np.nan
    elif defect == "sw_length":
        w = np.append(w, 1.0)
    w = w.astype(draw(st.sampled_from([np.float64, np.float32])))
    problems = [PROBLEMS["sw_all_zero"]] if n and not np.any(w) else []
    return _container(w, draw(st.sampled_from(["ndarray", "list", "series"]))), problems


# -- the contract -------------------------------------------------------------------


@dataclass
class Record:
    """The test's own account of the model the last first-pass call fitted."""

    case: Case  # its training data; X is also a valid input to predict from
    classes: list  # classification: what classes_ must hold, as a sorted list


def _record(case, classes):
    return Record(case, sorted(set(classes)) if classes is not None else case.labels)


def _call(est, method, case, record):
    """One fit/partial_fit call, checked against the contract; returns the new record."""
    classifier = isinstance(est, BackpropClassifier)
    kwargs = {"sample_weight": case.sample_weight}
    if method == "partial_fit" and classifier:
        kwargs["classes"] = case.classes
    continuing = record is not None and (est.warm_start or method == "partial_fit")
    problems = case.problems + _context_problems(est, method, case, record, continuing)
    arguments = (case.X, case.y, kwargs)
    before_args = copy.deepcopy(arguments)
    before_state = _state(est, record)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            getattr(est, method)(case.X, case.y, **kwargs)
            error = None
        except (ValueError, TypeError) as exc:  # anything else fails the test
            error = exc
    _assert_unchanged(before_args, arguments)
    _check_warnings(caught, est, case, record, method)
    if error is None:
        assert not problems, f"{method} should have failed, matching one of {problems}"
        if not continuing:
            record = _record(case, kwargs.get("classes"))
        _check_model(est, case, record)
        return record
    _check_error(error, problems or _may_fail(est, method))
    if record is None:
        with pytest.raises(NotFittedError):
            check_is_fitted(est)
    assert _state(est, record) == before_state, f"the failed {method} changed the estimator"
    return record


def _context_problems(est, method, case, record, continuing):
    """Why this call must fail given the estimator and its state, not the data alone."""
    problems = []
    if method == "partial_fit" and est.early_stopping:
        problems.append("early_stopping")
    stops_early = method == "fit" and est.early_stopping and est.solver != "lbfgs"
    if stops_early and est.validation_fraction == 0:
        problems.append("validation_fraction")
    classifier = isinstance(est, BackpropClassifier)
    classes = case.classes if method == "partial_fit" and classifier else None
    labels = case.spec.target in ("labels", "column")
    if continuing:
        return problems + _continuation_problems(case, record, classes)
    if method == "partial_fit" and classifier and labels and classes is None:
        problems.append("classes must be passed")
    elif labels and classes is not None and not set(case.labels) <= set(classes):
        problems.append("not in classes_")
    return problems


def _continuation_problems(case, record, classes):
    """Why data cannot continue training the recorded model."""
    problems = []
    if record.case.dtype == np.float32 and case.max_abs > float(np.finfo(np.float32).max):
        problems.append("too large")  # X is cast to the model's dtype
    if case.n_features != record.case.n_features:
        problems.append("features|feature names")  # DataFrames: their names must match
    if classes is not None and sorted(set(classes)) != record.classes:
        problems.append("differs")
    spec, fitted = case.spec, record.case.spec
    if spec.target == "regression":
        if (spec.n_outputs or 1) != (fitted.n_outputs or 1):
            problems.append("output")
    elif (spec.target == "multilabel") != (fitted.target == "multilabel"):
        problems.append("fitted on")
    elif spec.target == "multilabel":
        problems += [] if spec.n_outputs == fitted.n_outputs else ["labels"]
    elif not set(case.labels) <= set(record.classes):
        problems.append("not in classes_")
    return problems


def _may_fail(est, method):
    """Why a call on valid input may still fail."""
    stops_early = est.early_stopping and est.solver != "lbfgs" and method == "fit"
    return [DIVERGED] + ([SPLIT_TOO_SMALL] if stops_early else [])


def _check_error(error, reasons):
    message = str(error)
    assert message.strip(), f"{type(error).__name__} without a message"
    if not any(re.search(reason, message) for reason in reasons):
        raise AssertionError(f"error should match one of {reasons}") from error


def _state(est, record):
    """Everything a failed call must leave alone, compared bit for bit.

    The pickle covers private attributes too (the optimizer's state, the
    training record, a RandomState's position); the parameters and predictions
    are there to make a difference easy to read.
    """
    blob = pickle.dumps(est)  # before predicting, should predicting cache anything
    if record is None:
        return blob
    params = [a.tobytes() for a in est.coefs_ + est.intercepts_]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prediction = est.predict(record.case.X)
    _check_warnings(caught, est, record.case, record, "predict on the training X")
    prediction = prediction.toarray() if sp.issparse(prediction) else prediction
    return blob, params, prediction.tobytes()


def _assert_unchanged(before, after):
    if isinstance(before, tuple | list) and not isinstance(before, np.ndarray):
        assert type(before) is type(after)
        assert len(before) == len(after)
        for b, a in zip(before, after, strict=True):
            _assert_unchanged(b, a)
    elif isinstance(before, dict):
        assert before.keys() == after.keys()
        for key in before:
            _assert_unchanged(before[key], after[key])
    elif isinstance(before, np.ndarray):
        assert (before.dtype, before.shape) == (after.dtype, after.shape)
        assert before.tobytes() == after.tobytes(), "an input array was modified"
    elif sp.issparse(before):
        assert (before.format, before.shape) == (after.format, after.shape)
        for part in ("data", "indices", "indptr"):  # with their dtypes
            _assert_unchanged(getattr(before, part), getattr(after, part))
    elif isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(before, after, check_exact=True)
    elif isinstance(before, pd.Series):
        pd.testing.assert_series_equal(before, after, check_exact=True)
    else:
        assert before == after or before is after


def _check_warnings(caught, est, case, record, method):
    """Only the warnings scikit-learn's MLP gives for the same input are expected."""
    unexpected = []
    for w in caught:
        message = str(w.message)
        expected = (
            issubclass(w.category, ConvergenceWarning)
            # a batch_size above the sample count is clipped, with a warning
            or (isinstance(est.batch_size, int) and "batch_size" in message)
            # labels given as a column vector
            or (issubclass(w.category, DataConversionWarning) and case.spec.target == "column")
            # a DataFrame for a model fitted on an array, or the other way round
            or (
                record is not None
                and record.case.has_names != case.has_names
                and "feature names" in message
            )
        )
        if not expected:
            unexpected.append(f"{w.category.__name__}: {message} ({w.filename}:{w.lineno})")
    assert not unexpected, f"unexpected warnings in {method} (a RuntimeWarning is a bug): " + (
        "; ".join(unexpected)
    )


def _check_model(est, case, record):
    """A model the test's record says was fitted must predict sensible values."""
    check_is_fitted(est)
    dtype = record.case.dtype
    for array in est.coefs_ + est.intercepts_:
        assert array.dtype == dtype
        assert np.isfinite(array).all(), "non-finite parameters"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prediction = est.predict(case.X)
        proba = est.predict_proba(case.X) if isinstance(est, BackpropClassifier) else None
    _check_warnings(caught, est, case, record, "predict")
    if isinstance(est, BackpropRegressor):
        _check_regression(prediction, case.n_samples, record.case.spec, dtype)
    else:
        _check_classification(est, prediction, proba, case.n_samples, record)


def _check_regression(prediction, n, spec, dtype):
    shape = (n,) if spec.n_outputs is None else (n, spec.n_outputs)
    assert prediction.shape == shape
    assert prediction.dtype == dtype
    assert np.isfinite(prediction).all(), "non-finite predictions"


def _check_classification(est, prediction, proba, n, record):
    spec = record.case.spec
    assert est.classes_.tolist() == record.classes
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    assert proba.dtype == record.case.dtype
    assert proba.shape == (n, len(record.classes))
    if spec.target == "multilabel":
        assert sp.issparse(prediction) == record.case.sparse_labels
        dense = prediction.toarray() if sp.issparse(prediction) else prediction
        assert dense.shape == (n, spec.n_outputs)
        assert set(np.unique(dense).tolist()) <= {0, 1}
        return
    assert prediction.shape == (n,)
    assert prediction.dtype == est.classes_.dtype
    assert set(prediction.tolist()) <= set(record.classes)
    rtol = 1e-5 if proba.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=rtol)


# -- the tests ------------------------------------------------------------------------

ESTIMATORS = [BackpropClassifier, BackpropRegressor]


def _setup(data, **choices):
    Estimator = data.draw(st.sampled_from(ESTIMATORS), label="Estimator")
    params = data.draw(estimator_params(Estimator, **choices), label="params")
    spec = data.draw(target_specs(Estimator), label="spec")
    return Estimator(**params), params, spec, data.draw(st.integers(1, 6), label="n_features")


def _next_case(data, est, params, spec, n_features):
    """A follow-up call's data: usually like the first call's, sometimes not."""
    if not data.draw(st.sampled_from([True, True, True, False]), label="alike"):
        spec = data.draw(target_specs(type(est)), label="new spec")
        n_features = data.draw(st.integers(1, 6), label="new n_features")
    return data.draw(cases(type(est), params, spec, n_features), label="case")


@FUZZ
@given(data=st.data())
def test_fit(data):
    """A first fit on anything drawn."""
    est, params, spec, n_features = _setup(data)
    _call(est, "fit", data.draw(cases(type(est), params, spec, n_features), label="case"), None)


@FUZZ
@given(data=st.data())
def test_calls_on_a_fitted_model(data):
    """A fit on valid data, then fits and partial_fits (warm or not) on anything drawn."""
    est, params, spec, n_features = _setup(data)
    first = data.draw(cases(type(est), params, spec, n_features, defects=False), label="first")
    record = _call(est, "fit", first, None)
    methods = ["fit"] + (["partial_fit"] if params["solver"] != "lbfgs" else [])
    for _ in range(data.draw(st.integers(1, 3), label="n_calls")):
        est.set_params(warm_start=data.draw(st.booleans(), label="warm_start"))
        method = data.draw(st.sampled_from(methods), label="method")
        record = _call(est, method, _next_case(data, est, params, spec, n_features), record)


@FUZZ
@given(data=st.data())
def test_partial_fit_sequence(data):
    """partial_fit calls from the start, mostly on data alike; classes on the first call."""
    # partial_fit refuses early stopping; test_calls_on_a_fitted_model checks that.
    est, params, spec, n_features = _setup(data, solvers=("adam", "sgd"), early_stopping=(False,))
    record = None
    for _ in range(data.draw(st.integers(1, 4), label="n_calls")):
        record = _call(est, "partial_fit", _next_case(data, est, params, spec, n_features), record)
