"""The README's example runs and prints what it says."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(capsys):
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    exec(compile(code, str(README), "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert "backpropclassifier__hidden_layer_sizes" in printed[0]
    assert printed[1] == "['setosa' 'setosa' 'setosa']"


def test_readme_quick_start_names_the_make_targets():
    text = README.read_text()
    assert "make demo" in text
    assert "make test" in text
