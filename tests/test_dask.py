"""skbp past one machine: search on a dask cluster, out-of-core training with dask-ml.

Every test runs against one ``LocalCluster`` of two single-threaded process
workers that this module starts and stops. The oldest-dependency pass installs
no dask and skips the module.
"""

import os
import re

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.utils import check_random_state

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pytest.importorskip("dask_ml")

from dask_ml.wrappers import Incremental  # noqa: E402

from skbp import BackpropClassifier, BackpropRegressor  # noqa: E402

# The variables a user's shell may already set to one BLAS thread. The cluster
# starts without them, so that one thread on the workers is the nanny's doing.
BLAS_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
N_BLOCKS = 10
BLOCK = 200


@pytest.fixture(scope="module")
def client():
    saved = dict(os.environ)
    for name in BLAS_ENV:
        os.environ.pop(name, None)
    # Without a dashboard the scheduler still serves HTTP (health, metrics),
    # on port 8787 unless told otherwise; were 8787 taken (another cluster on
    # this machine), distributed would warn and filterwarnings=error fail the
    # fixture. Port 0 lets the system pick a free one.
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        # Each nanny writes its pre-spawn variables (OMP_NUM_THREADS=1,
        # PYTHONHASHSEED, ...) into this process's environment before it
        # spawns a worker: put the environment back for the tests that follow.
        os.environ.clear()
        os.environ.update(saved)


# The nets stop at max_iter to keep the search fast. scikit-learn's delayed
# carries the caller's warning filters to the workers, so this mark covers the
# fits there too.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_on_the_cluster_matches_the_serial_search(client):
    X, y = make_classification(n_samples=300, n_features=10, n_informative=5, random_state=0)
    grid = {"hidden_layer_sizes": [(5,), (20,)], "alpha": [1e-4, 1e-2, 1.0]}
    serial = GridSearchCV(BackpropClassifier(max_iter=20, random_state=0), grid, cv=3)
    serial.fit(X, y)
    distributed_search = GridSearchCV(BackpropClassifier(max_iter=20, random_state=0), grid, cv=3)
    with distributed.get_task_stream(client) as stream, joblib.parallel_config(backend="dask"):
        distributed_search.fit(X, y)

    for key in [k for k in serial.cv_results_ if k.endswith("test_score")]:
        np.testing.assert_array_equal(distributed_search.cv_results_[key], serial.cv_results_[key])
    assert distributed_search.best_params_ == serial.best_params_
    # joblib names each task "[mixed_]batch_of__fit_and_score_<k>_calls-<uuid>":
    # the workers' task stream must account for every one of the 6 x 3 fits.
    fits = [t for t in stream.data if "_fit_and_score_" in t["key"]]
    calls = sum(int(re.search(r"_(\d+)_calls-", t["key"]).group(1)) for t in fits)
    assert calls == 6 * 3
    assert {t["worker"] for t in fits} == set(client.scheduler_info()["workers"])


def _worker_blas():
    import scipy.linalg  # noqa: F401  (load scipy's BLAS as well as numpy's)
    from threadpoolctl import threadpool_info

    import skbp  # noqa: F401

    threads = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return threads, {name: os.environ.get(name) for name in BLAS_ENV}


def test_each_worker_runs_one_blas_thread(client):
    # distributed's default config (distributed.yaml) has
    # nanny.pre-spawn-environ: {OMP,MKL,OPENBLAS}_NUM_THREADS: 1, and the nanny
    # puts them in the environment before it spawns the worker process
    # (WorkerProcess.start in distributed/nanny.py), so before numpy loads BLAS.
    for threads, env in client.run(_worker_blas).values():
        assert threads, "no BLAS library found on the worker"
        assert threads == [1] * len(threads)
        assert env == dict.fromkeys(BLAS_ENV, "1")


def _blobs():
    X, y = make_classification(
        n_samples=N_BLOCKS * BLOCK + 600,
        n_features=10,
        n_informative=6,
        n_classes=3,
        class_sep=2.0,
        random_state=0,
    )
    n = N_BLOCKS * BLOCK
    return X[:n], y[:n], X[n:], y[n:]


def _dask(X, y):
    """Dask arrays of N_BLOCKS row blocks: Incremental wants no column blocks."""
    return da.from_array(X, chunks=(BLOCK, -1)), da.from_array(y, chunks=BLOCK)


def _blocks(X, y):
    return [(X[i : i + BLOCK], y[i : i + BLOCK]) for i in range(0, len(X), BLOCK)]


def _block_orders(n_passes, shuffle_blocks, random_state):
    """The order dask-ml's Incremental visits the blocks in, pass by pass.

    Each pass (each ``fit`` or ``partial_fit`` call) shuffles ``range(n)`` with
    ``check_random_state(random_state)``: an int seed gives the same order
    every pass, a ``RandomState`` draws a new order each time.
    """
    orders = []
    for _ in range(n_passes):
        order = list(range(N_BLOCKS))
        if shuffle_blocks:
            check_random_state(random_state).shuffle(order)
        orders.append(order)
    return orders


def _loop(estimator, blocks, orders, **fit_params):
    """The in-memory reference: partial_fit block by block, in the given orders."""
    estimator = clone(estimator)
    for order in orders:
        for i in order:
            estimator.partial_fit(*blocks[i], **fit_params)
    return estimator


def _assert_same_weights(a, b):
    for got, want in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_array_equal(got, want)
    assert a.loss_curve_ == b.loss_curve_
    assert a.t_ == b.t_


@pytest.mark.parametrize(
    ("shuffle_blocks", "make_random_state"),
    [(False, lambda: None), (True, lambda: 0), (True, lambda: np.random.RandomState(0))],
    ids=["in-order", "int-seed", "RandomState"],
)
def test_incremental_equals_a_partial_fit_loop_over_the_blocks(
    client, shuffle_blocks, make_random_state
):
    X, y, X_test, y_test = _blobs()
    net = BackpropClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0)
    inc = Incremental(
        net, scoring="accuracy", shuffle_blocks=shuffle_blocks, random_state=make_random_state()
    )
    for _ in range(3):  # each partial_fit is one more pass over all the blocks
        inc.partial_fit(*_dask(X, y), classes=[0, 1, 2])

    orders = _block_orders(3, shuffle_blocks, make_random_state())
    reference = _loop(net, _blocks(X, y), orders, classes=[0, 1, 2])
    _assert_same_weights(inc.estimator_, reference)
    assert len(inc.estimator_.loss_curve_) == 3 * N_BLOCKS
    np.testing.assert_array_equal(inc.classes_, [0, 1, 2])
    # Chance is 1/3: three passes over 2000 rows clear it by far.
    X_test_dask, y_test_dask = _dask(X_test, y_test)
    assert inc.score(X_test_dask, y_test_dask) > 0.75
    np.testing.assert_array_equal(inc.predict(X_test_dask).compute(), reference.predict(X_test))


def test_incremental_fit_restarts_where_partial_fit_continues(client):
    X, y, _, _ = _blobs()
    net = BackpropClassifier(hidden_layer_sizes=(8,), random_state=0)
    inc = Incremental(net, scoring="accuracy", shuffle_blocks=False)
    inc.fit(*_dask(X, y), classes=[0, 1, 2])
    inc.fit(*_dask(X, y), classes=[0, 1, 2])  # a fresh clone: one pass, not two
    one_pass = _block_orders(1, False, None)
    _assert_same_weights(inc.estimator_, _loop(net, _blocks(X, y), one_pass, classes=[0, 1, 2]))


def test_incremental_over_a_dataframe_keeps_the_column_names(client):
    X, y, X_test, y_test = _blobs()
    columns = [f"x{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    X_dd = dd.from_pandas(frame, npartitions=N_BLOCKS)
    y_dd = dd.from_pandas(pd.Series(y, name="label"), npartitions=N_BLOCKS)
    net = BackpropClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0)
    inc = Incremental(net, scoring="accuracy", shuffle_blocks=False)
    for _ in range(2):
        inc.partial_fit(X_dd, y_dd, classes=[0, 1, 2])

    np.testing.assert_array_equal(inc.feature_names_in_, columns)
    blocks = [
        (X_dd.partitions[i].compute(), y_dd.partitions[i].compute()) for i in range(N_BLOCKS)
    ]
    assert all(len(b[0]) == BLOCK for b in blocks)  # the same blocks as the arrays above
    reference = _loop(net, blocks, _block_orders(2, False, None), classes=[0, 1, 2])
    _assert_same_weights(inc.estimator_, reference)
    test_frame = dd.from_pandas(pd.DataFrame(X_test, columns=columns), npartitions=3)
    test_labels = dd.from_pandas(pd.Series(y_test, name="label"), npartitions=3)
    assert inc.score(test_frame, test_labels) > 0.75


def test_incremental_regressor(client):
    X, y = make_regression(
        n_samples=N_BLOCKS * BLOCK + 600, n_features=10, noise=5.0, random_state=0
    )
    y = y / y.std()
    X, y, X_test, y_test = X[:-600], y[:-600], X[-600:], y[-600:]
    net = BackpropRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0)
    # Not scoring="r2": dask-ml 2025.1's r2_score fails on dask arrays with
    # dask >= 2025.2 ("cannot broadcast shape (nan,)", dask/dask-ml#1012).
    inc = Incremental(net, scoring="neg_mean_squared_error", random_state=0)
    for _ in range(3):
        inc.partial_fit(*_dask(X, y))

    reference = _loop(net, _blocks(X, y), _block_orders(3, True, 0))
    _assert_same_weights(inc.estimator_, reference)
    # y has unit variance: predicting its mean scores about -1.
    assert inc.score(*_dask(X_test, y_test)) > -0.2


def test_incremental_without_classes_names_the_fix(client):
    X, y, _, _ = _blobs()
    inc = Incremental(BackpropClassifier(random_state=0), scoring="accuracy")
    # The first block's partial_fit fails on a worker; the client re-raises it.
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        inc.fit(*_dask(X, y))
    assert not hasattr(inc, "estimator_")
