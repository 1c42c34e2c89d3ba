"""The installed package is found wherever a script runs from."""

import subprocess
import sys
from pathlib import Path

import skbp


def test_a_folder_named_skbp_beside_a_script_does_not_shadow_the_package(tmp_path):
    # A clone called skbp/ seen from its parent folder is a directory without
    # __init__.py on sys.path: Python's path finder would make it a namespace
    # package ahead of an editable install's import hook. The editable install
    # that make sets up (compat mode: a path entry, see Makefile) must win.
    (tmp_path / "skbp").mkdir()
    script = tmp_path / "use_skbp.py"
    script.write_text("import skbp\nprint(skbp.__file__)\nskbp.BackpropClassifier\n")
    found = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert Path(found.stdout.strip()) == Path(skbp.__file__)
