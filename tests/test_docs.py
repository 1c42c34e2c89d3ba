"""The Sphinx documentation builds without a single warning (what ``make docs`` runs).

The build runs the gallery: sphinx-gallery executes the scripts of
``examples/`` and writes their pages into ``docs/auto_examples/``
(git-ignored). A script unchanged since an earlier build there is not run
again: the first build in a clone takes about 20 seconds on one core, half
of it the examples, and a later one about 8.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def test_docs_build_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-E",
            "-b",
            "html",
            DOCS,
            tmp_path,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **ONE_THREAD},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for page in ["user_guide", "inputs", "imbalanced", "monitoring", "saving"]:
        assert (tmp_path / f"{page}.html").exists(), page
    # The gallery: an index, and a page for every example with its printed output.
    gallery = tmp_path / "auto_examples"
    assert (gallery / "index.html").exists()
    for script in EXAMPLES:
        page = (gallery / f"{script.stem}.html").read_text(encoding="utf-8")
        assert "sphx-glr-script-out" in page, f"{script.name}: no output on its gallery page"
    # The one example that draws keeps its figure.
    assert list((tmp_path / "_images").glob("sphx_glr_monitoring_training_*.png"))
