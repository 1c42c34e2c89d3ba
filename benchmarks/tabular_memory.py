"""Peak memory of a tabular fit and of its predict_proba, against the design matrix.

A TabularClassifier on a synthetic frame of 400,000 rows x 20 columns (16
numbers, 4 text columns of 10 levels, 5% missing values), trained for 2
epochs (peak memory does not grow with epochs). Each figure is the rise of
the process's peak resident memory (VmHWM, reset before each step) over its
resident memory before the step, in MiB, and that rise over the size of the
float32 matrix the network trains on. One thread (set below); Linux only.

    .venv/bin/python benchmarks/tabular_memory.py [n_rows]
"""

import os
import subprocess
import sys

SCRIPT = """
import os
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
import warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
from skbp import TabularClassifier

def rss(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024

def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")

n = {n}
rng = np.random.default_rng(0)
numbers = rng.standard_normal((n, 16))
numbers[rng.random((n, 16)) < 0.05] = np.nan
X = pd.DataFrame(numbers, columns=[f"x{{j}}" for j in range(16)])
for j in range(4):
    X[f"c{{j}}"] = pd.Series(rng.integers(0, 10, n)).map(lambda k: f"level{{k}}").astype(object)
y = (np.nan_to_num(numbers[:, 0]) + (X["c0"] == "level3") > 0.5).astype(int)
model = TabularClassifier(max_iter=2, random_state=0)
model.fit(X.iloc[:2000], y[:2000])  # imports and first-call allocations, outside the figures
before = rss("VmRSS"); reset_peak()
model.fit(X, y)
fit_rise = rss("VmHWM") - before
design = n * model.n_features_out_ * 4 / 2**20 if hasattr(model, "n_features_out_") else (
    n * len(model.preprocessor_.get_feature_names_out()) * 4 / 2**20)
before = rss("VmRSS"); reset_peak()
proba = model.predict_proba(X)
predict_rise = rss("VmHWM") - before
frame = X.memory_usage(deep=True).sum() / 2**20
print(f"{{n}} {{frame:.0f}} {{design:.0f}} {{fit_rise:.0f}} {{predict_rise:.0f}}")
"""


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(n=n)], capture_output=True, text=True, check=True
    )
    rows, frame, design, fit_rise, predict_rise = map(float, out.stdout.split())
    print(f"{int(rows):,} rows: frame {frame:.0f} MiB, float32 design matrix {design:.0f} MiB")
    print(f"  fit:           peak RSS +{fit_rise:.0f} MiB ({fit_rise / design:.1f}x the design)")
    print(f"  predict_proba: peak RSS +{predict_rise:.0f} MiB ({predict_rise / design:.1f}x)")


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    main()
