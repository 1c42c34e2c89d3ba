"""skbp against scikit-learn's MLP (and PyTorch on the CPU, when installed).

Every workload trains the same network with identical settings (architecture,
solver, batch size, epochs, dtype, seed) in each library, alternating the
libraries run by run, and reports medians and the ratio to scikit-learn. The
large-network workload also reports the GEMM floor: the time that the matrix
products backpropagation needs take alone here (forward and weight gradient
for every layer, and the back-propagated error for every layer but the first,
whose error nothing uses: about 2 * (3 * n_weights - n_input_weights)
flops a sample).

    python benchmarks/run.py            # full run, a few minutes
    python benchmarks/run.py --quick    # smaller sizes, under a minute
    python benchmarks/run.py --threads 2 --only small digits

BLAS threads are fixed with threadpoolctl (default 1, as stated in the
header of the output); PyTorch uses the same count.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
import _memory
import _torch

from skbp import BackpropClassifier

LIBRARIES = {"skbp": BackpropClassifier, "sklearn": MLPClassifier}


@dataclass(frozen=True)
class Size:
    large_n: int
    large_epochs: int
    small_epochs: int
    digits_epochs: int
    cv: int
    grid_max_iter: int
    predict_calls: int
    predict_rows: int
    memory_n: int
    repeats: int


SIZES = {
    "full": Size(60_000, 2, 20, 30, 5, 100, 2000, 100_000, 200_000, repeats=5),
    "quick": Size(10_000, 1, 5, 5, 3, 30, 200, 100_000, 50_000, repeats=3),
    "tiny": Size(500, 1, 1, 1, 2, 2, 3, 500, 2_000, repeats=1),  # checks the script runs
}


def median_times(runs, repeats):
    """Run each library's thunk ``repeats`` times, alternating; median seconds each."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, thunk in runs.items():
            start = time.perf_counter()
            thunk()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def fit_thunks(X, y, params, with_torch=True):
    """A no-argument fit for each library; returns the dict and the fitted models."""
    models = {name: Estimator(**params) for name, Estimator in LIBRARIES.items()}
    runs = {name: (lambda m=m: m.fit(X, y)) for name, m in models.items()}
    if with_torch and _torch.available():
        net = _torch.MLP(params, X, y)
        runs["torch"] = net.fit
        models["torch"] = net
    return runs, models


def stochastic(hidden, batch_size, epochs, **extra):
    params = dict(hidden_layer_sizes=hidden, batch_size=batch_size, max_iter=epochs)
    # Run every epoch: no stopping on a stalled loss.
    params.update(random_state=0, tol=0.0, n_iter_no_change=10**9, **extra)
    return params


def gemm_floor(layer_sizes, batch_size, n_samples, dtype, repeats=5):
    """Seconds per epoch of the matrix products backpropagation needs, alone."""
    rng = np.random.default_rng(0)
    layers = []
    for fan_in, fan_out in pairwise(layer_sizes):
        a = rng.standard_normal((batch_size, fan_in)).astype(dtype)
        delta = rng.standard_normal((batch_size, fan_out)).astype(dtype)
        W = rng.standard_normal((fan_in, fan_out)).astype(dtype)
        outs = (np.empty((batch_size, fan_out), dtype), np.empty_like(W), np.empty_like(a))
        layers.append((a, delta, W, outs))

    def one_batch():
        for k, (a, delta, W, (z, grad_W, delta_prev)) in enumerate(layers):
            np.matmul(a, W, out=z)
            np.matmul(a.T, delta, out=grad_W)
            if k > 0:  # the input layer's error would only multiply the data
                np.matmul(delta, W.T, out=delta_prev)

    per_batch = median_times({"floor": lambda: [one_batch() for _ in range(10)]}, repeats)
    return per_batch["floor"] / 10 * (n_samples / batch_size)


def row(workload, unit, times, scale=1.0, **notes):
    out = {"workload": workload, "unit": unit}
    out.update({name: t * scale for name, t in times.items()})
    out.update(notes)
    return out


def large_data(n):
    return make_classification(
        n_samples=n, n_features=784, n_informative=100, n_classes=10, random_state=0
    )


def bench_large(size):
    n = size.large_n
    X, y = large_data(n)
    rows = []
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        epochs = size.large_epochs
        runs, _ = fit_thunks(Xd, y, stochastic((256, 128), 256, epochs))
        times = median_times(runs, size.repeats)
        times["GEMM floor"] = gemm_floor([784, 256, 128, 10], 256, n, dtype) * epochs
        name = f"large {n}x784 (256,128) adam b256 {np.dtype(dtype).name}"
        rows.append(row(name, "s/epoch", times, 1 / epochs))
    return rows


def bench_dropout(size):
    """The large network with dropout 0.2 after both hidden layers, against none."""
    X, y = large_data(size.large_n)
    epochs = size.large_epochs
    params = stochastic((256, 128), 256, epochs)
    runs = {
        "skbp": lambda: BackpropClassifier(**params, dropout=0.2).fit(X, y),
        "sklearn": lambda: MLPClassifier(**params).fit(X, y),
        "no dropout": lambda: BackpropClassifier(**params).fit(X, y),
    }
    times = median_times(runs, size.repeats)
    cost = times["skbp"] / times.pop("no dropout") - 1
    name = f"large {size.large_n}x784 (256,128) adam b256 float64, skbp with dropout 0.2"
    note = f"{cost:+.1%} per epoch over skbp without dropout"
    return [row(name, "s/epoch", times, 1 / epochs, dropout_cost=note)]


def bench_small(size):
    X, y = make_classification(n_samples=2000, n_features=20, random_state=0)
    epochs = size.small_epochs
    runs, _ = fit_thunks(X, y, stochastic((64, 64), 32, epochs))
    times = median_times(runs, size.repeats)
    times["GEMM floor"] = gemm_floor([20, 64, 64, 1], 32, len(X), np.float64) * epochs
    n_batches = epochs * int(np.ceil(len(X) / 32))
    return [row("small tabular 2000x20 (64,64) adam b32", "us/batch", times, 1e6 / n_batches)]


def bench_digits(size):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
    epochs = size.digits_epochs
    runs, models = fit_thunks(X_train, y_train, stochastic((100,), 32, epochs))
    times = median_times(runs, size.repeats)
    times["GEMM floor"] = gemm_floor([64, 100, 10], 32, len(X_train), np.float64) * epochs
    accuracy = {name: m.score(X_test, y_test) for name, m in models.items()}
    notes = {f"accuracy {name}": f"{a:.4f}" for name, a in accuracy.items()}
    return [row("digits (100,) adam b32", "ms/epoch", times, 1e3 / epochs, **notes)]


def bench_grid_search(size):
    X, y = load_breast_cancer(return_X_y=True)
    grid = {
        "mlp__hidden_layer_sizes": [(16,), (32,), (64,)],
        "mlp__alpha": [1e-4, 1e-2],
        "mlp__learning_rate_init": [1e-3, 1e-2],
    }
    cv = size.cv

    def search(Estimator):
        mlp = Estimator(max_iter=size.grid_max_iter, random_state=0)
        pipe = make_pipeline(StandardScaler(), mlp)
        pipe.steps[-1] = ("mlp", mlp)
        return GridSearchCV(pipe, grid, cv=cv).fit(X, y)

    results = {}
    runs = {name: (lambda E=E: results.__setitem__(E, search(E))) for name, E in LIBRARIES.items()}
    times = median_times(runs, size.repeats)
    notes = {f"best cv {name}": f"{results[E].best_score_:.4f}" for name, E in LIBRARIES.items()}
    name = f"GridSearchCV 12 configs x {cv} folds, breast cancer"
    return [row(name, "s", times, **notes)]


def bench_lbfgs(size):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    params = dict(hidden_layer_sizes=(64,), solver="lbfgs", alpha=1e-2, random_state=0)
    params["max_iter"] = 2000
    runs, models = fit_thunks(X, y, params, with_torch=False)
    times = median_times(runs, size.repeats)
    notes = {f"loss {name}": f"{m.loss_:.6f} in {m.n_iter_} it" for name, m in models.items()}
    return [row("lbfgs to convergence, breast cancer (64,)", "s", times, **notes)]


def bench_predict(size):
    X, y = make_classification(n_samples=2000, n_features=20, random_state=0)
    params = stochastic((64, 64), 32, 2)
    models = {name: E(**params).fit(X, y) for name, E in LIBRARIES.items()}
    one = X[:1]
    calls = size.predict_calls
    single = {
        name: (lambda m=m: [m.predict(one) for _ in range(calls)]) for name, m in models.items()
    }
    times = median_times(single, size.repeats)
    rows = [row("predict 1 row, (64,64) net", "us/call", times, 1e6 / calls)]
    big = np.random.default_rng(0).standard_normal((size.predict_rows, 20))
    many = {name: (lambda m=m: m.predict(big)) for name, m in models.items()}
    name = f"predict {size.predict_rows:,} rows, (64,64) net"
    rows.append(row(name, "ms", median_times(many, size.repeats), 1e3))
    return rows


def bench_memory(size):
    n = size.memory_n
    peaks = {name: _memory.peak_fit_mib(name, n, 100) for name in LIBRARIES}
    data_mib = n * 100 * 8 / 2**20
    notes = {"data": f"{data_mib:.0f} MiB"}
    return [row(f"fit memory beyond the data, {n}x100 adam b200", "MiB", peaks, **notes)]


WORKLOADS = {
    "large": bench_large,
    "dropout": bench_dropout,
    "small": bench_small,
    "digits": bench_digits,
    "gridsearch": bench_grid_search,
    "lbfgs": bench_lbfgs,
    "predict": bench_predict,
    "memory": bench_memory,
}


def print_header(threads):
    blas = [
        f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    print(f"python {platform.python_version()}, numpy {np.__version__}, BLAS: {', '.join(blas)}")
    print(f"threads: {threads} (BLAS via threadpoolctl; torch.set_num_threads)")
    print(f"torch: {_torch.version() or 'not installed'}; cores: {os.cpu_count()}\n")


def print_row(r):
    libs = [k for k in ("skbp", "sklearn", "torch", "GEMM floor") if k in r]
    cells = "  ".join(f"{k} {r[k]:.4g}" for k in libs)
    ratios = f"sklearn/skbp {r['sklearn'] / r['skbp']:.2f}x"
    if "torch" in r:
        ratios += f", torch/skbp {r['torch'] / r['skbp']:.2f}x"
    if "GEMM floor" in r:
        ratios += f", skbp/floor {r['skbp'] / r['GEMM floor']:.2f}x"
    notes = "; ".join(
        f"{k}: {v}" for k, v in r.items() if isinstance(v, str) and k not in ("workload", "unit")
    )
    print(
        f"{r['workload']} [{r['unit']}]\n  {cells}\n  {ratios}" + (f"\n  {notes}" if notes else "")
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under a minute")
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # smoke test
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads")
    parser.add_argument("--repeats", type=int, default=None, help="runs per library")
    parser.add_argument("--only", nargs="*", choices=sorted(WORKLOADS), help="workloads to run")
    args = parser.parse_args(argv)
    size = SIZES["tiny" if args.tiny else "quick" if args.quick else "full"]
    if args.repeats:
        size = replace(size, repeats=args.repeats)
    print_header(args.threads)
    warnings.simplefilter("ignore")  # ConvergenceWarnings: epochs are fixed on purpose
    _torch.set_threads(args.threads)
    rows = []
    with threadpool_limits(args.threads):
        for name in args.only or WORKLOADS:
            for r in WORKLOADS[name](size):
                print_row(r)
                rows.append(r)
    return rows


if __name__ == "__main__":
    main()
