"""Every script in examples/ runs to completion and prints its key result.

Each script runs in a fresh interpreter, as a user would run it, with BLAS
single-threaded.
New scripts are picked up by the glob; give them an entry in EXPECTED to
check their output more closely.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

# A line each script prints only once it has its result.
EXPECTED = {
    "xor_decision_boundary.py": "training accuracy:",
    "pandas_gridsearch.py": "held-out R^2:",
    "online_learning.py": "final R^2:",
    "demo.py": "score: accuracy for classifiers",
    "imbalanced_class_weight.py": "identical weights: True",
    "robust_regression.py": "clean-point MAE:",
    "dropout_deep_net.py": "lowest held-out log-loss:",
    "monitoring_training.py": "held-out test accuracy:",
}

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script):
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=EXAMPLES.parent,
        env={**os.environ, **ONE_THREAD},
        check=False,
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    assert result.stdout.strip(), f"{script.name} printed nothing"
    expected = EXPECTED.get(script.name)
    if expected is not None:
        assert expected in result.stdout
    # The examples are meant to run cleanly: no ConvergenceWarning or the like.
    assert "Warning" not in result.stderr, result.stderr


def test_examples_are_found():
    assert {p.name for p in SCRIPTS} >= set(EXPECTED)
