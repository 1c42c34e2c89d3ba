"""Sphinx configuration for the skbp documentation.

Build with ``make docs`` or, from the repository root::

    sphinx-build -W --keep-going -b html docs docs/_build/html

Nothing here reaches the network: no intersphinx, no remote theme, no
Binder or JupyterLite links in the gallery.

The gallery (sphinx-gallery) runs every script of ``examples/`` and writes
its pages, with the output and figures, to ``docs/auto_examples/``
(git-ignored, like ``docs/sg_execution_times.rst``). A script unchanged
since the last build is not run again; delete ``docs/auto_examples/`` to
force it.
"""

import os
import re
import sys

# Document the package from this checkout, installed or not.
sys.path.insert(0, os.path.abspath(".."))

import skbp

project = "skbp"
author = "skbp developers"
copyright = "skbp developers"
version = skbp.__version__
release = skbp.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

root_doc = "index"
source_suffix = {".rst": "restructuredtext"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# -- autodoc / autosummary / numpydoc ------------------------------------------

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- gallery of examples/ -------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every script, not only those named plot_*.py (the default).
    "filename_pattern": r"\.py$",
    # matplotlib draws off-screen; the figures a script leaves open are captured.
    "image_scrapers": ("matplotlib",),
    "within_subsection_order": "FileNameSortKey",
    # A script that fails fails the build (sphinx-gallery's default, kept).
    "download_all_examples": False,
}

# -- HTML -----------------------------------------------------------------------

html_theme = "alabaster"
html_title = f"skbp {release}"
html_theme_options = {
    "description": "Backpropagation estimators for scikit-learn",
    "fixed_sidebar": True,
}

# -- docstring fix-ups for an offline build ---------------------------------------

# Docstrings inherited from scikit-learn (``score``) link to labels of
# scikit-learn's own documentation with :ref:, which only intersphinx could
# resolve; render those references as plain text instead.
_SKLEARN_REF = re.compile(r":ref:`([^`<]+?)\s*<[^`>]+>`|:ref:`([^`]+)`")


def _offline_docstring(app, what, name, obj, options, lines):
    if not getattr(obj, "__module__", "").startswith("sklearn"):
        return
    for i, line in enumerate(lines):
        lines[i] = _SKLEARN_REF.sub(lambda m: m.group(1) or m.group(2), line)


def setup(app):
    # Run before numpydoc (priority 500) reformats the docstring.
    app.connect("autodoc-process-docstring", _offline_docstring, priority=400)
