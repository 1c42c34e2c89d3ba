"""The benchmark script runs end to end (on tiny sizes: timings are not tested)."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
WORKLOADS = ["large", "small", "digits", "gridsearch", "lbfgs", "predict", "memory"]


def test_benchmark_runs_every_workload():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--tiny"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "threads: 1" in out
    for heading in ["large", "small tabular", "digits", "GridSearchCV", "lbfgs", "predict"]:
        assert heading in out
    assert out.count("sklearn/skbp") >= len(WORKLOADS) + 2  # large and predict give two rows
    assert "skbp/floor" in out
