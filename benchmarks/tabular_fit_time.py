"""Where a tabular fit's time goes: a 20,000-row TabularRegressor, one thread.

A synthetic frame (12 numbers with 5% missing values, 3 text columns of 8
levels), TabularRegressor defaults (Mish, 16 bins per number, 60 epochs at
most). Prints the time of the SELU, ELU, Mish and softplus forward passes
alone (ns per element), the best of 3 fit times of the regressor and of a
TabularClassifier (SELU) on the same frame with the target's sign as its
label, then the functions taking the most time in a profiled regressor
fit. Compare versions on one machine by running this with each on the
path.

    .venv/bin/python benchmarks/tabular_fit_time.py [n_rows]
"""

import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import cProfile  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skbp import TabularClassifier, TabularRegressor  # noqa: E402
from skbp._core.activations import HIDDEN  # noqa: E402


def table(n, seed=0):
    rng = np.random.default_rng(seed)
    numbers = rng.standard_normal((n, 12))
    y = np.sin(numbers[:, 0]) + numbers[:, 1] * numbers[:, 2] + 0.1 * rng.standard_normal(n)
    numbers[rng.random((n, 12)) < 0.05] = np.nan
    X = pd.DataFrame(numbers, columns=[f"x{j}" for j in range(12)])
    for j in range(3):
        X[f"c{j}"] = pd.Series(rng.integers(0, 8, n)).map("level{}".format)
    return X, y


def fit(X, y, estimator=TabularRegressor):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator(random_state=0).fit(X, y)


def best_fit_seconds(X, y, estimator, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fit(X, y, estimator)
        times.append(time.perf_counter() - start)
    return min(times)


def activation_ns_per_element(name, repeats=20):
    """Best time of a training-mode forward pass over a 4,096 x 256 float32 block."""
    z0 = np.random.default_rng(0).standard_normal((4096, 256)).astype(np.float32) * 3
    z, cache, scratch = z0.copy(), np.empty_like(z0), np.empty_like(z0)
    best = np.inf
    for _ in range(repeats):
        np.copyto(z, z0)
        start = time.perf_counter()
        HIDDEN[name].forward(z, cache, scratch)
        best = min(best, time.perf_counter() - start)
    return best / z0.size * 1e9


def main():
    for name in ("selu", "elu", "mish", "softplus"):
        print(f"{name} forward, float32: {activation_ns_per_element(name):.1f} ns/element")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    X, y = table(n)
    for estimator, target in ((TabularRegressor, y), (TabularClassifier, y > 0)):
        seconds = best_fit_seconds(X, target, estimator)
        print(f"{estimator.__name__}, {n:,} rows: best fit {seconds:.2f} s of 3")
    profile = cProfile.Profile()
    profile.runcall(fit, X, y)
    stats = pstats.Stats(profile)
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:8]
    for (path, line, name), (_, _, own, _, _) in rows:
        where = f"{os.path.basename(path)}:{line}({name})" if line else name
        print(f"  {own / total:5.1%}  {where}")


if __name__ == "__main__":
    main()
