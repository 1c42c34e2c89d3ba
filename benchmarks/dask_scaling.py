"""skbp past one machine: a grid search on 1 vs 2 dask workers, and out-of-core training.

Search: the same ``GridSearchCV`` over ``BackpropClassifier`` on the digits
(12 candidates x 5 folds), timed serially in this process (joblib,
``n_jobs=1``), then with joblib's dask backend on a ``LocalCluster`` of 1 and
of 2 process workers. Each cluster is started, and its workers have imported
skbp, before the clock starts; ``refit=False`` because the final refit runs in
this process whatever the backend.

Out-of-core training: dask-ml's ``Incremental`` streams a dask array of
synthetic rows (a nonlinear binary target), generated block by block on the
workers and never gathered here, through ``BackpropClassifier.partial_fit``,
a new random block order each pass. Reported: seconds and rows per second per
pass, the peak memory of this process and of the busiest worker above their
start, against the size of the data, and the accuracy on held-out rows.

    python benchmarks/dask_scaling.py            # the figures of docs/scaling.rst
    python benchmarks/dask_scaling.py --quick    # tiny sizes, a smoke run

Every process runs one BLAS thread: this one through threadpoolctl, the
workers because distributed's nanny sets OMP_NUM_THREADS=1 (and the MKL and
OpenBLAS variables) before it starts them; the header of the output says so.
Peak memory is read from Linux's /proc. Needs ``pip install skbp[dask]``.
"""

import argparse
import os
import platform
import time
import warnings
from dataclasses import dataclass

import dask
import dask.array as da
import dask_ml
import distributed
import joblib
import numpy as np
import sklearn
from dask_ml.wrappers import Incremental
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, ParameterGrid
from threadpoolctl import threadpool_info, threadpool_limits

import skbp
from skbp import BackpropClassifier


@dataclass(frozen=True)
class Size:
    grid: dict
    cv: int
    max_iter: int
    rows: int
    features: int
    chunk_rows: int
    hidden: tuple
    passes: int
    test_rows: int


SIZES = {
    "full": Size(
        grid={
            "hidden_layer_sizes": [(64,), (128,), (256,)],
            "alpha": [1e-4, 1e-2],
            "learning_rate_init": [1e-3, 1e-2],
        },
        cv=5,
        max_iter=100,
        rows=1_000_000,
        features=20,
        chunk_rows=25_000,
        hidden=(128, 64),
        passes=3,
        test_rows=100_000,
    ),
    "quick": Size(
        grid={"hidden_layer_sizes": [(16,), (32,)], "alpha": [1e-4, 1e-2]},
        cv=2,
        max_iter=10,
        rows=40_000,
        features=20,
        chunk_rows=5_000,
        hidden=(32,),
        passes=2,
        test_rows=10_000,
    ),
}


def start_cluster(n_workers):
    # One thread a worker, process workers; no dashboard, and the scheduler's
    # HTTP server on a free port so that a busy 8787 does not matter.
    cluster = distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    client = distributed.Client(cluster)
    # Also warms the workers up: they import skbp before any clock starts.
    threads = sorted(set().union(*client.run(_blas_threads).values()))
    return cluster, client, "/".join(map(str, threads))


def _blas_threads():
    """The BLAS thread counts of this process, after importing what a fit needs."""
    import sklearn.model_selection  # noqa: F401

    import skbp  # noqa: F401

    return sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})


def _timed_fit(search, X, y):
    start = time.perf_counter()
    search.fit(X, y)
    return time.perf_counter() - start


def time_search(size, X, y, n_workers):
    """(seconds, best score, BLAS threads): in this process if n_workers is 0, else on dask."""
    search = GridSearchCV(
        BackpropClassifier(max_iter=size.max_iter, random_state=0),
        size.grid,
        cv=size.cv,
        refit=False,
        n_jobs=1 if n_workers == 0 else None,
    )
    if n_workers == 0:
        threads = "/".join(map(str, _blas_threads()))
        return _timed_fit(search, X, y), search.best_score_, threads
    cluster, client, threads = start_cluster(n_workers)
    try:
        with joblib.parallel_config(backend="dask"):
            seconds = _timed_fit(search, X, y)
    finally:
        client.close()
        cluster.close()
    return seconds, search.best_score_, threads


def search_table(size):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    fits = len(ParameterGrid(size.grid)) * size.cv
    print(f"\n## GridSearchCV: digits {X.shape}, {fits} fits, max_iter={size.max_iter}\n")
    print("| run | workers x BLAS threads | wall s | speed-up | best CV accuracy |")
    print("|---|---|---|---|---|")
    serial = None
    for label, n_workers in [
        ("joblib, n_jobs=1", 0),
        ("dask, 1 worker", 1),
        ("dask, 2 workers", 2),
    ]:
        seconds, best, threads = time_search(size, X, y, n_workers)
        serial = serial or seconds
        layout = f"{max(n_workers, 1)} x {threads}"
        print(f"| {label} | {layout} | {seconds:.1f} | {serial / seconds:.2f} | {best:.4f} |")


def synthetic(size, rows, seed):
    """Rows generated block by block on whichever worker needs them, never here."""
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, size.features), chunks=(size.chunk_rows, size.features))
    y = (X[:, 0] * X[:, 1] + da.sin(2 * X[:, 2]) + 0.5 * X[:, 3] > 0).astype(np.int64)
    return X, y


def _rss_mib(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {key} in /proc/self/status")


def _reset_peak():
    """Set this process's peak resident size (VmHWM) to its current one, in MiB."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    return _rss_mib("VmRSS")


def _peak():
    return _rss_mib("VmHWM")


def train_incrementally(size, client):
    X, y = synthetic(size, size.rows, seed=0)
    X_test, y_test = synthetic(size, size.test_rows, seed=1)
    # A RandomState, not an int: an int seed would repeat one block order every pass.
    inc = Incremental(
        BackpropClassifier(hidden_layer_sizes=size.hidden, random_state=0),
        scoring="accuracy",
        shuffle_blocks=True,
        random_state=np.random.RandomState(0),
    )
    here, there = _reset_peak(), client.run(_reset_peak)
    seconds = []
    for _ in range(size.passes):
        start = time.perf_counter()
        inc.partial_fit(X, y, classes=[0, 1])
        seconds.append(time.perf_counter() - start)
    memory = {
        "client": _peak() - here,
        "worker": max(peak - there[w] for w, peak in client.run(_peak).items()),
    }
    positive = float(y_test.mean().compute())
    scores = {"accuracy": inc.score(X_test, y_test), "majority": max(positive, 1 - positive)}
    return X.nbytes + y.nbytes, seconds, memory, scores


def incremental_table(size):
    cluster, client, threads = start_cluster(2)
    try:
        nbytes, seconds, memory, scores = train_incrementally(size, client)
    finally:
        client.close()
        cluster.close()
    blocks = -(-size.rows // size.chunk_rows)
    mib = 2**20
    print(
        f"\n## Incremental: {size.rows:,} x {size.features} float64 in {blocks} blocks of "
        f"{size.chunk_rows:,} rows, BackpropClassifier{size.hidden}, "
        f"2 workers x {threads} BLAS thread(s)\n"
    )
    print("| pass | wall s | rows/s |\n|---|---|---|")
    for i, s in enumerate(seconds, 1):
        print(f"| {i} | {s:.1f} | {size.rows / s:,.0f} |")
    print(
        "\n| data MiB | block MiB | client peak above start MiB "
        "| worker peak above start MiB | held-out accuracy | majority class |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {nbytes / mib:.0f} | {nbytes / blocks / mib:.1f} | {memory['client']:.0f} "
        f"| {memory['worker']:.0f} | {scores['accuracy']:.4f} | {scores['majority']:.4f} |"
    )


def print_header():
    versions = {m.__name__: m.__version__ for m in (skbp, dask, distributed, dask_ml, sklearn)}
    print(f"# skbp on dask: {platform.platform()}, {os.cpu_count()} CPUs")
    print(", ".join(f"{name} {v}" for name, v in versions.items()))
    print(f"BLAS threads in this process: {_blas_threads()}; the workers' are in each table")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a smoke run")
    parser.add_argument("--only", choices=["search", "incremental"], help="run one part")
    args = parser.parse_args(argv)
    size = SIZES["quick" if args.quick else "full"]
    # The searched nets stop at max_iter on purpose; scikit-learn hands this
    # filter to the fits on the workers too.
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(1, user_api="blas"):
        print_header()
        if args.only != "incremental":
            search_table(size)
        if args.only != "search":
            incremental_table(size)


if __name__ == "__main__":
    main()
